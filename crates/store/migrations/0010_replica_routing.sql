-- Team mode: routing's settings are replicated too (see crates/team/migrations/0005).
ALTER TABLE experiences ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_members ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routing_settings ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
