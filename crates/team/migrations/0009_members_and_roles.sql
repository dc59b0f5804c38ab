-- Who may do what (issue #15; docs/TEAM.md, "Who may do what"). Each member signs in with a
-- PostgreSQL login of their own; what they may do comes from the team's group roles granted to
-- it, and the database enforces it (GRANTs, row-level security), whatever a desktop asks.
--
-- A cluster may hold several teams, so the group roles are the team database's own:
-- sb<database oid>_agent, _supervisor, _admin and _poller (desktops and relays that poll the
-- platforms and send; admins are pollers). The login that installs the schema owns the team and
-- holds every role.

-- The name of one of this team's group roles.
CREATE FUNCTION team_role(role text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('sb%s_%s', (SELECT oid FROM pg_database WHERE datname = current_database()), role)
$$;

-- Whether the signed-in login holds `role` in this team.
CREATE FUNCTION team_is(role text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, team_role(role), 'MEMBER')
$$;

-- A member signs in with the login of their name (NULL: a member from before sign-in, named by
-- a desktop, working under the owner's login).
ALTER TABLE members ADD COLUMN login text UNIQUE;
ALTER TABLE members ADD COLUMN roles text[] NOT NULL DEFAULT ARRAY['agent', 'supervisor', 'admin'];
-- A removed member's row stays (interactions and reports name them); they can no longer sign in.
ALTER TABLE members ADD COLUMN removed boolean NOT NULL DEFAULT false;

-- The signed-in member's name.
CREATE FUNCTION team_member() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
    SELECT name FROM members WHERE login = session_user
$$;

-- Whether the signed-in member may see a session: an agent sees those with an interaction in one
-- of their queues or assigned to them; supervisors, admins and pollers see all.
CREATE FUNCTION team_sees(session bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
    SELECT session IS NOT NULL AND (team_is('supervisor') OR team_is('admin') OR team_is('poller') OR EXISTS (
        SELECT 1 FROM interactions i
        WHERE i.session_id = session
          AND (i.agent = team_member()
               OR i.queue_id IN (SELECT queue_id FROM queue_members WHERE member = team_member())))
        -- A session an agent opened by writing first has no interaction yet.
        OR NOT EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = session))
$$;

-- The session a message, a file or an interaction belongs to, read as the owner (a policy's own
-- subquery would be narrowed by the reader's policies, and a row it cannot see would read NULL).
CREATE FUNCTION team_session_of(kind text, id bigint) RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
    SELECT CASE kind
        WHEN 'message' THEN (SELECT session_id FROM messages WHERE messages.id = team_session_of.id)
        WHEN 'interaction' THEN (SELECT session_id FROM interactions WHERE interactions.id = team_session_of.id)
        WHEN 'attachment' THEN (SELECT m.session_id FROM attachments a JOIN messages m ON m.id = a.message_id
                                WHERE a.id = team_session_of.id)
    END
$$;

-- The audit: who connected, reauthorized or disconnected a channel, changed routing, invited or
-- removed a member. Written only by triggers and the member functions below (as the team's
-- owner); no role may change or delete a row, the owner included (a trigger refuses).
CREATE TABLE audit (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text NOT NULL DEFAULT session_user,
    action text NOT NULL,
    detail jsonb
);

CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit is append-only' USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

-- What an admin changes is audited where it happens, whichever desktop or tool did it.
CREATE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    row_now jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
    row_before jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
    action text;
BEGIN
    -- A write that changed nothing but the version stamp is not audited.
    IF TG_OP = 'UPDATE' AND (row_now - 'version') = (row_before - 'version') THEN
        RETURN NULL;
    END IF;
    action := CASE
        WHEN TG_TABLE_NAME <> 'channels' THEN 'routing_changed'
        WHEN TG_OP = 'INSERT' THEN 'channel_connected'
        WHEN TG_OP = 'DELETE' THEN 'channel_removed'
        WHEN row_now ->> 'state' IS NOT DISTINCT FROM row_before ->> 'state' THEN 'channel_changed'
        WHEN row_now ->> 'state' = 'connected' THEN 'channel_reauthorized'
        ELSE 'channel_' || (row_now ->> 'state') END;
    INSERT INTO audit (action, detail)
    VALUES (action, jsonb_build_object('table', TG_TABLE_NAME, 'operation', lower(TG_OP), 'row', row_now - 'version'));
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['channels', 'experiences', 'queues', 'queue_members', 'routing_settings']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_change()', t || '_audited', t);
    END LOOP;
END;
$$;

-- The change log and version stamps are written by triggers as the team's owner: no member
-- writes the log directly.
ALTER FUNCTION record_change() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION stamp_version() SECURITY DEFINER SET search_path = public, pg_temp;
-- So are the members' in-hand counters an agent's pick-up moves, and an interaction's platform.
ALTER FUNCTION count_in_hand() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION interaction_platform() SECURITY DEFINER SET search_path = public, pg_temp;

-- The group roles, their grants, and row-level security.
DO $$
DECLARE
    r text;
    agent text := team_role('agent');
    supervisor text := team_role('supervisor');
    admin text := team_role('admin');
    poller text := team_role('poller');
    everyone text;
BEGIN
    FOREACH r IN ARRAY ARRAY[agent, supervisor, admin, poller]
    LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- made by an earlier install of this database
        END;
    END LOOP;
    everyone := format('%I, %I, %I, %I', agent, supervisor, admin, poller);
    EXECUTE format('GRANT %I TO %I', poller, admin);
    EXECUTE format('GRANT %s TO %I', everyone, current_user);

    -- Only the team's members connect to its database.
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %s', current_database(), everyone);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %s', everyone);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %s', everyone);
    -- A desktop checks the schema is up to date when it starts (only the owner updates it).
    IF to_regclass('_sqlx_migrations') IS NOT NULL THEN
        EXECUTE format('GRANT SELECT ON _sqlx_migrations TO %s', everyone);
    END IF;

    -- Everyone reads what routing and the desk show (row-level security narrows an agent's view).
    EXECUTE format('GRANT SELECT ON channels, contacts, sessions, messages, attachments, attachment_contents,
        experiences, queues, members, queue_members, routing_settings, interactions, interaction_events,
        changes, change_log_pruned TO %s', everyone);
    -- Agents answer, pick up, transfer, write first by SMS, name contacts, set their presence.
    EXECUTE format('GRANT INSERT, UPDATE ON contacts, sessions, messages, attachments, attachment_contents,
        interactions, interaction_events TO %I', agent);
    EXECUTE format('GRANT UPDATE (presence, presence_since, idle_since) ON members TO %I, %I', agent, supervisor);
    -- Pollers record what the platforms hold, send, decide routing, and hold leases.
    EXECUTE format('GRANT INSERT, UPDATE ON contacts, sessions, messages, attachments, attachment_contents,
        interactions, interaction_events, sync_cursors, leases TO %I', poller);
    EXECUTE format('GRANT SELECT ON sync_cursors, leases TO %I', poller);
    EXECUTE format('GRANT DELETE ON change_log_pruned, changes TO %I', poller);
    EXECUTE format('GRANT UPDATE ON change_log_pruned TO %I', poller);
    -- Admins manage channels, routing, members and retention.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON channels, experiences, queues, queue_members, routing_settings,
        members, sessions, messages TO %I', admin);
    EXECUTE format('GRANT SELECT ON audit TO %I', admin);
    EXECUTE format('GRANT INSERT, UPDATE ON members TO %I', admin);
END;
$$;

-- Row-level security: an agent reads and writes only the sessions of their queues and what
-- belongs to them; their own member row only. The owner bypasses it (owners do, unless forced).
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachment_contents ENABLE ROW LEVEL SECURITY;
ALTER TABLE interactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE interaction_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE changes ENABLE ROW LEVEL SECURITY;

CREATE POLICY seen ON sessions USING (team_sees(id));
-- Writing first by SMS makes a session no interaction points to yet.
CREATE POLICY made ON sessions FOR INSERT WITH CHECK (true);
CREATE POLICY seen ON messages USING (team_sees(session_id));
CREATE POLICY seen ON attachments USING (team_sees(team_session_of('message', message_id)));
CREATE POLICY seen ON attachment_contents USING (team_sees(team_session_of('attachment', attachment_id)));
CREATE POLICY seen ON interactions USING (team_sees(session_id));
CREATE POLICY seen ON interaction_events USING (team_sees(team_session_of('interaction', interaction_id)));
CREATE POLICY everyone_reads ON members FOR SELECT USING (true);
CREATE POLICY own_presence ON members FOR UPDATE USING (login = session_user OR team_is('admin'));
CREATE POLICY admins_add ON members FOR INSERT WITH CHECK (team_is('admin'));
CREATE POLICY admins_remove ON members FOR DELETE USING (team_is('admin'));
-- The log shows a member the changes of rows they may see (a deletion names only a key).
CREATE POLICY seen ON changes FOR SELECT USING (
    row_data IS NULL OR CASE entity
        WHEN 'sessions' THEN team_sees((row_data ->> 'id')::bigint)
        WHEN 'messages' THEN team_sees((row_data ->> 'session_id')::bigint)
        WHEN 'interactions' THEN team_sees((row_data ->> 'session_id')::bigint)
        WHEN 'attachments' THEN team_sees(team_session_of('message', (row_data ->> 'message_id')::bigint))
        WHEN 'interaction_events' THEN team_sees(team_session_of('interaction', (row_data ->> 'interaction_id')::bigint))
        ELSE true END);
CREATE POLICY pruned ON changes FOR DELETE USING (team_is('poller'));

-- Inviting a member: their login, with a password given as a SCRAM verifier (the password itself
-- never reaches the server), the team's roles they hold, and their queues. Only an admin may; the
-- statements run as the team's owner.
CREATE FUNCTION team_invite(member text, member_login text, verifier text, member_roles text[], member_queues bigint[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r text;
BEGIN
    IF NOT team_is('admin') THEN
        RAISE EXCEPTION 'only an admin may invite a member' USING ERRCODE = '42501';
    END IF;
    IF member_login !~ '^[a-z][a-z0-9_]{1,40}$' OR member_login LIKE 'pg\_%' OR member_login LIKE 'sb%' THEN
        RAISE EXCEPTION 'a login is 2 to 41 lowercase letters, digits or _, starting with a letter' USING ERRCODE = '22023';
    END IF;
    IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'the password must be given as a SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
    END IF;
    IF cardinality(member_roles) = 0 OR NOT member_roles <@ ARRAY['agent', 'supervisor', 'admin', 'poller'] THEN
        RAISE EXCEPTION 'roles are agent, supervisor, admin or poller' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM members WHERE name = member AND NOT removed) THEN
        RAISE EXCEPTION 'there is a member called % already', member USING ERRCODE = '23505';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', member_login, verifier);
    FOREACH r IN ARRAY member_roles
    LOOP
        EXECUTE format('GRANT %I TO %I', team_role(r), member_login);
    END LOOP;
    -- The owner may end the member's connections when they are removed.
    EXECUTE format('GRANT %I TO %I', member_login, current_user);
    INSERT INTO members (name, login, roles, presence, presence_since)
    VALUES (member, member_login, member_roles, 'offline', (extract(epoch FROM now()) * 1000)::bigint)
    ON CONFLICT (name) DO UPDATE SET login = excluded.login, roles = excluded.roles, removed = false;
    INSERT INTO queue_members (queue_id, member) SELECT q, member FROM unnest(member_queues) AS q
    ON CONFLICT DO NOTHING;
    INSERT INTO audit (action, detail) VALUES ('member_invited',
        jsonb_build_object('member', member, 'login', member_login, 'roles', member_roles, 'queues', member_queues));
END;
$$;

-- Removing a member: their login can no longer connect, their open connections are ended at
-- once, and they leave every queue; their row stays, marked removed, for history and reports.
CREATE FUNCTION team_remove(member text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    member_login text;
BEGIN
    IF NOT team_is('admin') THEN
        RAISE EXCEPTION 'only an admin may remove a member' USING ERRCODE = '42501';
    END IF;
    SELECT login INTO member_login FROM members WHERE name = member AND NOT removed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no member called %', member USING ERRCODE = 'P0002';
    END IF;
    IF member_login = session_user THEN
        RAISE EXCEPTION 'an admin cannot remove themselves' USING ERRCODE = '42501';
    END IF;
    IF member_login IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', member_login);
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = member_login;
    END IF;
    UPDATE members SET removed = true, presence = 'offline' WHERE name = member;
    DELETE FROM queue_members WHERE queue_members.member = team_remove.member;
    INSERT INTO audit (action, detail) VALUES ('member_removed', jsonb_build_object('member', member, 'login', member_login));
END;
$$;

REVOKE ALL ON FUNCTION team_invite(text, text, text, text[], bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION team_remove(text) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION team_invite(text, text, text, text[], bigint[]), team_remove(text) TO %I',
        team_role('admin'));
END;
$$;
