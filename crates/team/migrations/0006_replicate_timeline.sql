-- Each interaction's timeline (queued, assigned, transferred, ended — who and when) reaches the
-- replicas too: every desktop shows the whole story, whichever desktop acted.
ALTER TABLE interaction_events ADD COLUMN version bigint NOT NULL DEFAULT 0;
CREATE TRIGGER interaction_events_version BEFORE INSERT OR UPDATE ON interaction_events
    FOR EACH ROW EXECUTE FUNCTION stamp_version();
CREATE TRIGGER interaction_events_changed AFTER INSERT OR UPDATE OR DELETE ON interaction_events
    FOR EACH ROW EXECUTE FUNCTION record_change();
