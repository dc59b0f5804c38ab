-- The local cache: channels, contacts, sessions, interactions, messages, notes, categories.
-- Times are milliseconds since the Unix epoch (UTC), stored the same way in PostgreSQL.

CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'connected',
    UNIQUE (platform, external_id)
);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL,
    -- A page-scoped id (Messenger) or an E.164 number (SMS, WhatsApp).
    platform_id      TEXT NOT NULL,
    -- The name the platform gives; first/last set by hand take precedence.
    platform_name    TEXT,
    first_name       TEXT,
    last_name        TEXT,
    -- SMS: the contact sent STOP (and not START since).
    opted_out        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, platform_id)
);

CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id),
    contact_id         INTEGER NOT NULL REFERENCES contacts (id),
    state              TEXT NOT NULL DEFAULT 'active',
    thread_id          TEXT,
    internal_reference TEXT,
    last_activity_at   INTEGER NOT NULL,
    last_inbound_at    INTEGER,
    last_message_id    INTEGER,
    -- The first customer message since the last outbound one, while an interaction is open.
    awaiting_since     INTEGER,
    -- The list's order as two integers, so that one index serves it and keyset paging:
    -- group 0 = awaiting (key = awaiting_since, longest first), 1 = the rest (key = -last_activity_at).
    list_group         INTEGER GENERATED ALWAYS AS (awaiting_since IS NULL) VIRTUAL,
    list_key           INTEGER GENERATED ALWAYS AS (coalesce(awaiting_since, -last_activity_at)) VIRTUAL,
    UNIQUE (channel_id, contact_id)
);

CREATE INDEX sessions_by_list_order ON sessions (list_group, list_key, id);
CREATE INDEX sessions_by_contact ON sessions (contact_id);

CREATE TABLE interactions (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    state             TEXT NOT NULL,
    end_reason        TEXT,
    queue             TEXT,
    agent             TEXT,
    queued_at         INTEGER NOT NULL,
    assigned_at       INTEGER,
    first_response_at INTEGER,
    ended_at          INTEGER
);

CREATE INDEX interactions_by_session ON interactions (session_id, id);
CREATE INDEX interactions_open ON interactions (session_id) WHERE state <> 'ended';
CREATE INDEX interactions_by_agent ON interactions (agent, session_id);
CREATE INDEX interactions_by_queue ON interactions (queue, session_id);

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

CREATE INDEX messages_by_session_time ON messages (session_id, created_at, id);
CREATE INDEX messages_by_time ON messages (created_at);
-- The outbox: pending outbound messages, oldest first.
CREATE INDEX messages_pending ON messages (id) WHERE delivery = 'pending';

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    file_name  TEXT,
    size_bytes INTEGER,
    url        TEXT,
    -- A downloaded or to-be-uploaded copy; the purge deletes the file too.
    local_path TEXT
);

CREATE INDEX attachments_by_message ON attachments (message_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX notes_by_session ON notes (session_id, created_at);

CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE session_categories (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, category_id)
);

CREATE TABLE sync_cursors (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    cursor     TEXT NOT NULL
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Full-text search over message text, kept in step by triggers. External content: the text
-- is stored once, in messages.
CREATE VIRTUAL TABLE message_search USING fts5 (
    body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO message_search (rowid, body) VALUES (new.id, new.body);
END;

-- Contact names and numbers, searched with the same query as messages.
CREATE VIRTUAL TABLE contact_search USING fts5 (
    name, platform_id, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search (rowid, name, platform_id)
    VALUES (new.id, trim(coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' '
                         || coalesce(new.platform_name, '')), new.platform_id);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF first_name, last_name, platform_name ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
    INSERT INTO contact_search (rowid, name, platform_id)
    VALUES (new.id, trim(coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' '
                         || coalesce(new.platform_name, '')), new.platform_id);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
END;
