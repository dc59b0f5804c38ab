-- An admin deletes a conversation for the whole team (a customer's erasure request): the session
-- with its messages, files and interactions (ON DELETE CASCADE), each deletion in the change log
-- so every replica removes it too, and one audit row saying who deleted what. Through this
-- function only: no role may DELETE sessions directly.
CREATE FUNCTION team_session_delete(session bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    deleted jsonb;
BEGIN
    IF NOT team_is('admin') THEN
        RAISE EXCEPTION 'only an admin may delete a conversation' USING ERRCODE = '42501';
    END IF;
    SELECT jsonb_build_object('session', s.id, 'channel', s.channel_id, 'contact', k.platform_id,
                              'messages', (SELECT count(*) FROM messages WHERE session_id = s.id))
    INTO deleted
    FROM sessions s JOIN contacts k ON k.id = s.contact_id
    WHERE s.id = session
    FOR UPDATE OF s;
    IF deleted IS NULL THEN
        RAISE EXCEPTION 'There is no such conversation in the team.' USING ERRCODE = 'P0002';
    END IF;
    DELETE FROM sessions WHERE id = session;
    INSERT INTO audit (action, detail) VALUES ('session_deleted', deleted);
END;
$$;

REVOKE ALL ON FUNCTION team_session_delete(bigint) FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION team_session_delete(bigint) TO %I', team_role('admin'));
END;
$$;
