-- Supervisors set their queues' alert limits (issue #16): the one routing setting they may
-- write, through this function only; the table stays an admin's (a supervisor's UPDATE on it is
-- still refused). Audited like every routing change, under the supervisor's name.
CREATE FUNCTION team_alert_thresholds_set(limits jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (team_is('supervisor') OR team_is('admin')) THEN
        RAISE EXCEPTION 'only a supervisor may set alert thresholds' USING ERRCODE = '42501';
    END IF;
    INSERT INTO routing_settings (key, value) VALUES ('alert_thresholds', limits)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END;
$$;

REVOKE ALL ON FUNCTION team_alert_thresholds_set(jsonb) FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION team_alert_thresholds_set(jsonb) TO %I, %I',
        team_role('supervisor'), team_role('admin'));
END;
$$;
