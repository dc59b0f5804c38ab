-- The agent desk: unread counts, drafts, canned responses, and one definition of a list entry.

-- The newest message the agent has seen in the session (its created_at).
ALTER TABLE sessions ADD COLUMN read_at INTEGER;
-- Customer messages after both the agent's last look and the last reply, kept with the rest
-- of the list entry so that a page of the list costs no counting.
ALTER TABLE sessions ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;

UPDATE sessions SET unread = (
    SELECT count(*) FROM messages m
    WHERE m.session_id = sessions.id AND m.direction = 'inbound'
      AND m.created_at > COALESCE((SELECT MAX(o.created_at) FROM messages o
                                   WHERE o.session_id = sessions.id AND o.direction = 'outbound'), -1));

-- What an agent has typed and not sent, per session: a JSON array of bubbles.
CREATE TABLE drafts (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    bubbles    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Canned responses: a title and 1–5 bubbles (a JSON array) with {variables}.
CREATE TABLE canned_responses (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    bubbles TEXT NOT NULL
);

-- One list entry, as the list, a single session and search results all show it.
CREATE VIEW session_summaries AS
SELECT s.id, s.channel_id, c.platform, c.name AS channel_name, s.contact_id,
       k.platform_id AS contact_platform_id, k.platform_name, k.first_name, k.last_name, k.opted_out,
       s.state, s.internal_reference, m.body AS preview, s.last_activity_at, s.last_inbound_at,
       s.awaiting_since, s.unread, d.bubbles AS draft, s.list_group, s.list_key
FROM sessions s
JOIN channels c ON c.id = s.channel_id
JOIN contacts k ON k.id = s.contact_id
LEFT JOIN messages m ON m.id = s.last_message_id
LEFT JOIN drafts d ON d.session_id = s.id;

-- Which queues each agent works (kept by routing); the list's "My queues" reads it.
CREATE TABLE agent_queues (
    agent TEXT NOT NULL,
    queue TEXT NOT NULL,
    PRIMARY KEY (agent, queue)
);
