-- Routing's settings reach the replicas too: each desktop's "My queues", the settings screen and
-- routing's texts read them. Rows without an `id` are keyed in the change log by their own key
-- (an experience by its channel, a queue membership by queue and member, a setting by its name).
CREATE OR REPLACE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
        coalesce(changed ->> 'id', changed ->> 'queue_id', changed ->> 'channel_id')::bigint,
        CASE TG_TABLE_NAME
            WHEN 'members' THEN changed ->> 'name'
            WHEN 'queue_members' THEN changed ->> 'member'
            WHEN 'routing_settings' THEN changed ->> 'key'
        END,
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
    FOREACH t IN ARRAY ARRAY['experiences', 'queue_members', 'routing_settings']
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN version bigint NOT NULL DEFAULT 0', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_version()', t || '_version', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_change()', t || '_changed', t);
    END LOOP;
END;
$$;
