-- Platform tokens in the team's database, only sealed with the team key (XChaCha20-Poly1305,
-- sealed and opened on desktops; the key never reaches the server). A desktop allowed to poll
-- that lacks a channel's credentials opens them from here. Only pollers (admins are pollers)
-- may read or write them; they are not in the change log, and the audit names the channel only.
CREATE TABLE channel_secrets (
    channel_id bigint PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    sealed     bytea NOT NULL
);

-- A value sealed with the team key, so a desktop can tell the key it holds is the team's.
CREATE TABLE team_key (
    id    int PRIMARY KEY CHECK (id = 1),
    check_value bytea NOT NULL
);

CREATE FUNCTION audit_secret() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO audit (action, detail) VALUES (
        CASE TG_OP WHEN 'INSERT' THEN 'channel_credentials_stored' ELSE 'channel_credentials_replaced' END,
        jsonb_build_object('channel', NEW.channel_id));
    RETURN NULL;
END;
$$;
CREATE TRIGGER channel_secrets_audited AFTER INSERT OR UPDATE OF sealed ON channel_secrets
    FOR EACH ROW EXECUTE FUNCTION audit_secret();

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON channel_secrets TO %I', team_role('poller'));
    EXECUTE format('GRANT SELECT ON team_key TO %I', team_role('poller'));
    EXECUTE format('GRANT INSERT, UPDATE ON team_key TO %I', team_role('admin'));
END;
$$;
