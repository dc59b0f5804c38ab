-- Team mode: the team's source of truth. Same words and, where it can be, the same columns as the
-- solo cache (crates/store/migrations); times are milliseconds since the Unix epoch (UTC), as there,
-- except where the server's own clock must decide (leases), which use the server's time.

CREATE TABLE channels (
    id          bigserial PRIMARY KEY,
    platform    text NOT NULL,
    external_id text NOT NULL,
    name        text NOT NULL,
    state       text NOT NULL DEFAULT 'connected',
    UNIQUE (platform, external_id)
);

-- Where each channel's poller has read up to: a poller that takes over resumes from here.
CREATE TABLE sync_cursors (
    channel_id bigint PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    cursor     text NOT NULL
);

CREATE TABLE contacts (
    id            bigserial PRIMARY KEY,
    platform      text NOT NULL,
    platform_id   text NOT NULL,
    platform_name text,
    first_name    text,
    last_name     text,
    opted_out     boolean NOT NULL DEFAULT false,
    UNIQUE (platform, platform_id)
);

CREATE TABLE sessions (
    id                 bigserial PRIMARY KEY,
    channel_id         bigint NOT NULL REFERENCES channels (id),
    contact_id         bigint NOT NULL REFERENCES contacts (id),
    state              text NOT NULL DEFAULT 'active',
    thread_id          text,
    internal_reference text,
    last_activity_at   bigint NOT NULL,
    last_inbound_at    bigint,
    UNIQUE (channel_id, contact_id)
);

CREATE TABLE messages (
    id                  bigserial PRIMARY KEY,
    session_id          bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    channel_id          bigint NOT NULL REFERENCES channels (id),
    -- NULL until the platform accepted an outbound message.
    platform_message_id text,
    -- A reply written on a desktop (perhaps offline) carries the id that desktop gave it, so that
    -- pushing it twice stores it once.
    client_id           uuid UNIQUE,
    direction           text NOT NULL,
    author              text NOT NULL,
    agent               text,
    body                text NOT NULL,
    delivery            text NOT NULL,
    failure             text,
    tag                 text,
    created_at          bigint NOT NULL,
    UNIQUE (channel_id, platform_message_id)
);

CREATE INDEX messages_by_session_time ON messages (session_id, created_at, id);
CREATE INDEX messages_pending ON messages (channel_id, id) WHERE delivery = 'pending';

CREATE TABLE experiences (
    channel_id bigint PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    settings   jsonb NOT NULL
);

CREATE TABLE queues (
    id                      bigserial PRIMARY KEY,
    channel_id              bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    parent_id               bigint REFERENCES queues (id) ON DELETE CASCADE,
    position                integer NOT NULL DEFAULT 0,
    name                    text NOT NULL,
    keywords                jsonb NOT NULL DEFAULT '[]',
    priority                integer NOT NULL DEFAULT 0,
    service_level_percent   integer NOT NULL DEFAULT 80,
    service_level_seconds   integer NOT NULL DEFAULT 60,
    target_response_seconds integer NOT NULL DEFAULT 120,
    distribution            jsonb NOT NULL DEFAULT '{"kind":"longest_idle"}'
);

CREATE UNIQUE INDEX queues_one_root ON queues (channel_id) WHERE parent_id IS NULL;

CREATE TABLE members (
    name           text PRIMARY KEY,
    presence       text NOT NULL DEFAULT 'offline',
    presence_since bigint NOT NULL,
    idle_since     bigint,
    capacity       jsonb
);

CREATE TABLE queue_members (
    queue_id bigint NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    member   text NOT NULL REFERENCES members (name) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, member)
);

CREATE TABLE routing_settings (
    key   text PRIMARY KEY,
    value jsonb NOT NULL
);

CREATE TABLE interactions (
    id                bigserial PRIMARY KEY,
    session_id        bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    state             text NOT NULL,
    end_reason        text,
    queue_id          bigint REFERENCES queues (id) ON DELETE SET NULL,
    agent             text,
    menu_node         bigint,
    menu_repeated     boolean NOT NULL DEFAULT false,
    started_at        bigint NOT NULL,
    queued_at         bigint NOT NULL,
    assigned_at       bigint,
    first_response_at bigint,
    ended_at          bigint,
    after_hours       boolean NOT NULL DEFAULT false,
    warned_at         bigint,
    dismiss_cue       boolean NOT NULL DEFAULT false,
    disposition       text,
    routed_message_id bigint,
    due_at            bigint,
    transfer_note     text
);

CREATE UNIQUE INDEX interactions_one_open ON interactions (session_id) WHERE state <> 'ended';
CREATE INDEX interactions_waiting ON interactions (queue_id, queued_at) WHERE state = 'queued';
CREATE INDEX interactions_in_hand ON interactions (agent) WHERE state IN ('assigned', 'held');
CREATE INDEX interactions_due ON interactions (due_at) WHERE state <> 'ended';

-- Every assignment ever made, append-only: what proves that no interaction went to two agents
-- and no agent was over capacity, and what reports read.
CREATE TABLE interaction_events (
    id             bigserial PRIMARY KEY,
    interaction_id bigint NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    at             bigint NOT NULL,
    kind           text NOT NULL,
    actor          text,
    detail         text
);

CREATE INDEX interaction_events_by_interaction ON interaction_events (interaction_id, id);

-- One poller per channel across the team. `token` grows by one each time the lease changes
-- hands (a fencing token): a holder whose token is no longer the lease's is refused every write.
-- Expiry is the server's clock, never a desktop's.
CREATE TABLE leases (
    channel_id bigint PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    holder     text NOT NULL,
    token      bigint NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Every replicated row carries a version from one sequence, set on each write. Two writers of one
-- row are serialized by its row lock, so the later write has the higher version: a replica keeps a
-- row only when the incoming version is higher than its own, whatever order it reads changes in.
CREATE SEQUENCE row_versions;

-- The change log replicas follow. A reader's cursor is (txid, position) and it reads only changes
-- of transactions older than the oldest one still running (`pg_snapshot_xmin`): every such
-- transaction has finished, and every later one has a higher txid, so nothing is ever skipped
-- (a bigserial alone is assigned at insert, not commit, and can be overtaken).
CREATE TABLE changes (
    position bigserial PRIMARY KEY,
    txid     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    entity   text NOT NULL,
    key      bigint,
    name     text,
    version  bigint NOT NULL,
    -- The row as it is now; NULL when it was deleted.
    row_data jsonb
);

CREATE INDEX changes_in_order ON changes (txid, position);

CREATE FUNCTION stamp_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := nextval('row_versions');
    RETURN NEW;
END;
$$;

CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
    at_position bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := to_jsonb(OLD);
    ELSE
        changed := to_jsonb(NEW);
    END IF;
    INSERT INTO changes (entity, key, name, version, row_data)
    VALUES (
        TG_TABLE_NAME,
        CASE WHEN TG_TABLE_NAME = 'members' THEN NULL ELSE (changed ->> 'id')::bigint END,
        CASE WHEN TG_TABLE_NAME = 'members' THEN changed ->> 'name' END,
        CASE WHEN TG_OP = 'DELETE' THEN nextval('row_versions') ELSE (changed ->> 'version')::bigint END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE changed END
    )
    RETURNING position INTO at_position;
    -- Only a wake-up: the payload is the position; readers query the log themselves.
    PERFORM pg_notify('switchboard_changes', at_position::text);
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['channels', 'contacts', 'sessions', 'messages', 'interactions', 'queues', 'members']
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN version bigint NOT NULL DEFAULT 0', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_version()', t || '_version', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_change()', t || '_changed', t);
    END LOOP;
END;
$$;
