-- Team mode: files and templates are replicated (see crates/team/migrations/0007). A file's row
-- comes through the change log; `in_team` says the team holds its content, which this desktop
-- reads when it shows the file and then keeps in `content`.
ALTER TABLE attachments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN in_team INTEGER NOT NULL DEFAULT 0;
