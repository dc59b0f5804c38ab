-- Team mode: interactions' timelines are replicated too (see crates/team/migrations/0006).
ALTER TABLE interaction_events ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
