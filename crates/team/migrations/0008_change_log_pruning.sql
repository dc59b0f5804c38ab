-- The change log is pruned: changes older than a week are deleted (every replica that was online
-- in that week has applied them), and `change_log_pruned` says up to where. A replica whose cursor
-- is below that point has missed changes and is rebuilt from a snapshot of the tables; a joining
-- desktop always starts from a snapshot.
ALTER TABLE changes ADD COLUMN at timestamptz NOT NULL DEFAULT now();
CREATE INDEX changes_by_time ON changes USING brin (at);

CREATE TABLE change_log_pruned (
    id       int PRIMARY KEY CHECK (id = 1),
    txid     bigint NOT NULL,
    position bigint NOT NULL
);
INSERT INTO change_log_pruned VALUES (1, 0, 0);
