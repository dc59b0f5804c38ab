-- The files messages carry, kept inside the encrypted cache (never as plain files beside it):
-- a customer's file is downloaded after its message is recorded; an agent's is written with
-- the reply, before anything is sent.
ALTER TABLE attachments ADD COLUMN media_type TEXT;
ALTER TABLE attachments ADD COLUMN content BLOB;
ALTER TABLE attachments ADD COLUMN fetch_attempts INTEGER NOT NULL DEFAULT 0;
-- Set when the file cannot be had (gone, too large, refused): the desk says why.
ALTER TABLE attachments ADD COLUMN fetch_error TEXT;

CREATE INDEX attachments_to_fetch ON attachments (message_id) WHERE content IS NULL AND fetch_error IS NULL;
