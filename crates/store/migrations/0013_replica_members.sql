-- Team mode: a member's roles and whether they were removed come with their row (see
-- crates/team/migrations/0009); in solo mode the one user holds every role (NULL).
ALTER TABLE members ADD COLUMN roles TEXT;
ALTER TABLE members ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
