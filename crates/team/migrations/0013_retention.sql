-- The team's database keeps messages as the admins' retention policy says (issue #14), as each
-- desktop's replica does: messages older than max_age_days or beyond the newest
-- max_messages_per_session of their session go (a pending reply never), their files with them
-- (ON DELETE CASCADE); ended interactions and their timeline go after report_days. Sessions stay,
-- as in a replica: later changes still have their session, and the desk hides one without
-- messages. The deletions reach every replica through the change log.
--
-- Pollers run it (one at a time: an advisory lock), a chunk per call and transaction; the policy
-- is read here, not passed in, so no desktop can purge by its own rules. Without a policy set,
-- core's defaults (RetentionPolicy::default; a test holds the two equal).
CREATE FUNCTION team_retention_policy() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT '{"max_age_days": 30, "max_messages_per_session": 30, "report_days": 400}'::jsonb
        || coalesce((SELECT value FROM routing_settings WHERE key = 'retention'), '{}'::jsonb)
$$;

CREATE FUNCTION team_retention_purge(now_ms bigint, chunk int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    policy jsonb := team_retention_policy();
    day_ms constant bigint := 86400000;
    message_cutoff bigint := now_ms - (policy ->> 'max_age_days')::bigint * day_ms;
    keep bigint := (policy ->> 'max_messages_per_session')::bigint;
    report_cutoff bigint := now_ms - (policy ->> 'report_days')::bigint * day_ms;
    gone bigint := 0;
    n bigint;
BEGIN
    IF NOT team_is('poller') THEN
        RAISE EXCEPTION 'only a poller applies the retention policy' USING ERRCODE = '42501';
    END IF;
    IF NOT pg_try_advisory_xact_lock(7410002) THEN
        RETURN 0;
    END IF;
    DELETE FROM messages WHERE id IN (
        SELECT id FROM messages WHERE created_at < message_cutoff AND delivery <> 'pending' LIMIT chunk);
    GET DIAGNOSTICS n = ROW_COUNT;
    gone := gone + n;
    DELETE FROM messages WHERE id IN (
        SELECT id FROM (
            SELECT id, delivery,
                   row_number() OVER (PARTITION BY session_id ORDER BY created_at DESC, id DESC) AS nth
            FROM messages) ranked
        WHERE nth > keep AND delivery <> 'pending' LIMIT chunk);
    GET DIAGNOSTICS n = ROW_COUNT;
    gone := gone + n;
    DELETE FROM interactions WHERE id IN (
        SELECT id FROM interactions WHERE state = 'ended' AND queued_at < report_cutoff LIMIT chunk);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN gone + n;
END;
$$;

REVOKE ALL ON FUNCTION team_retention_purge(bigint, int) FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION team_retention_purge(bigint, int) TO %I', team_role('poller'));
END;
$$;
