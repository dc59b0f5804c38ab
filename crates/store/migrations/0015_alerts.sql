-- Supervisors' threshold alerts as this desktop saw them begin and end (the limits themselves
-- are a routing setting, shared with the team).
CREATE TABLE alert_breaches (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    queue_id   INTEGER,
    agent      TEXT,
    focus      TEXT NOT NULL,
    text       TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    cleared_at INTEGER
);

CREATE UNIQUE INDEX alert_breaches_open ON alert_breaches (key) WHERE cleared_at IS NULL;
CREATE INDEX alert_breaches_by_start ON alert_breaches (started_at);
