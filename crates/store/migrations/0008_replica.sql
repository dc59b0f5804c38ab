-- Team mode: the cache as a replica of the team's database. Each replicated row keeps the
-- version the team gave it (a change is applied only when its version is higher), and the
-- replica remembers how far it has read the team's change log.
ALTER TABLE channels ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE replica_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    txid     INTEGER NOT NULL,
    position INTEGER NOT NULL
);
