-- The approved WhatsApp templates of each WhatsApp channel, as the desktop that polls it last
-- read them from Twilio: an agent's desktop holds no credentials, and offers these.
CREATE TABLE whatsapp_templates (
    channel_id bigint PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    templates  jsonb NOT NULL,
    read_at    timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT ON whatsapp_templates TO %I, %I, %I, %I',
        team_role('agent'), team_role('supervisor'), team_role('admin'), team_role('poller'));
    EXECUTE format('GRANT INSERT, UPDATE ON whatsapp_templates TO %I', team_role('poller'));
END;
$$;
