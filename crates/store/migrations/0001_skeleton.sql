-- Channels, contacts, sessions and messages: the thin slice of the local cache.
-- Times are milliseconds since the Unix epoch (UTC), which PostgreSQL stores the same way.

CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'connected',
    UNIQUE (platform, external_id)
);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    -- A page-scoped id (Messenger) or an E.164 number (SMS, WhatsApp).
    platform_id  TEXT NOT NULL,
    display_name TEXT,
    UNIQUE (platform, platform_id)
);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL REFERENCES channels (id),
    contact_id       INTEGER NOT NULL REFERENCES contacts (id),
    state            TEXT NOT NULL DEFAULT 'active',
    -- The platform's thread id (a Messenger conversation id), when it has one.
    thread_id        TEXT,
    last_activity_at INTEGER NOT NULL,
    -- The first customer message since the last outbound one; NULL when nothing awaits a reply.
    awaiting_since   INTEGER,
    UNIQUE (channel_id, contact_id)
);

CREATE INDEX sessions_by_list_order ON sessions (awaiting_since IS NULL, awaiting_since, last_activity_at DESC);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    session_id          INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    channel_id          INTEGER NOT NULL REFERENCES channels (id),
    -- NULL until the platform accepted an outbound message.
    platform_message_id TEXT,
    direction           TEXT NOT NULL,
    author              TEXT NOT NULL,
    body                TEXT NOT NULL,
    delivery            TEXT NOT NULL,
    failure             TEXT,
    tag                 TEXT,
    created_at          INTEGER NOT NULL,
    UNIQUE (channel_id, platform_message_id)
);

CREATE INDEX messages_by_session_time ON messages (session_id, created_at);
-- The outbox: pending outbound messages, oldest first.
CREATE INDEX messages_pending ON messages (id) WHERE delivery = 'pending';

CREATE TABLE sync_cursors (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    cursor     TEXT NOT NULL
);
