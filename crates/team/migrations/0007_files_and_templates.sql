-- Files and WhatsApp templates in a team.
--
-- A template reply names its Content SID and variables, as in the solo cache.
ALTER TABLE messages ADD COLUMN template_sid text;
ALTER TABLE messages ADD COLUMN template_variables text;

-- The files messages carry. The row (replicated like the others) says what the file is and
-- whether its content is here; the content itself is kept apart, so the change log carries a
-- few hundred bytes per file and never the file: each desktop reads a file's bytes from the
-- team when it shows it, and keeps them in its encrypted replica. The lease holder of the
-- channel downloads customers' files (it has the credentials); an agent's file arrives with
-- its reply.
CREATE TABLE attachments (
    id             bigserial PRIMARY KEY,
    message_id     bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind           text NOT NULL,
    file_name      text,
    media_type     text,
    size_bytes     bigint,
    url            text,
    ready          boolean NOT NULL DEFAULT false,
    fetch_attempts integer NOT NULL DEFAULT 0,
    fetch_error    text,
    version        bigint NOT NULL DEFAULT 0
);

CREATE INDEX attachments_by_message ON attachments (message_id);
CREATE INDEX attachments_to_fetch ON attachments (message_id) WHERE NOT ready AND fetch_error IS NULL;

CREATE TABLE attachment_contents (
    attachment_id bigint PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
    content       bytea NOT NULL
);

CREATE TRIGGER attachments_version BEFORE INSERT OR UPDATE ON attachments
    FOR EACH ROW EXECUTE FUNCTION stamp_version();
CREATE TRIGGER attachments_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION record_change();
