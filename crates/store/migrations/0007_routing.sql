-- Routing: each channel's experience and queue tree, the members who work the queues, their
-- presence, and what routing records on each interaction. Core decides every value written here.

-- A channel's experience (core's `Experience` as JSON, checked by core before it is written).
CREATE TABLE experiences (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    settings   TEXT NOT NULL
);

-- One tree per channel's experience: a root (no parent) and children in `position` order.
CREATE TABLE queues (
    id                      INTEGER PRIMARY KEY,
    channel_id              INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    parent_id               INTEGER REFERENCES queues (id) ON DELETE CASCADE,
    position                INTEGER NOT NULL DEFAULT 0,
    name                    TEXT NOT NULL,
    -- A JSON array of lower-case keywords.
    keywords                TEXT NOT NULL DEFAULT '[]',
    priority                INTEGER NOT NULL DEFAULT 0,
    -- Service level: this percent answered within this many seconds.
    service_level_percent   INTEGER NOT NULL DEFAULT 80,
    service_level_seconds   INTEGER NOT NULL DEFAULT 60,
    target_response_seconds INTEGER NOT NULL DEFAULT 120,
    -- Core's `Distribution` as JSON.
    distribution            TEXT NOT NULL DEFAULT '{"kind":"longest_idle"}'
);

CREATE UNIQUE INDEX queues_one_root ON queues (channel_id) WHERE parent_id IS NULL;
CREATE INDEX queues_by_parent ON queues (parent_id, position);

-- The people who take interactions (solo mode: the one person at this desktop).
CREATE TABLE members (
    name           TEXT PRIMARY KEY,
    presence       TEXT NOT NULL DEFAULT 'available',
    presence_since INTEGER NOT NULL,
    -- When they were last given or finished an interaction: the longest idle goes first.
    idle_since     INTEGER,
    -- Their own capacity (core's `Capacity` as JSON); NULL: the organisation's default.
    capacity       TEXT
);

-- Which leaf queues each member works.
CREATE TABLE queue_members (
    queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    member   TEXT NOT NULL REFERENCES members (name) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, member)
);

CREATE INDEX queue_members_by_member ON queue_members (member);

-- Organisation-wide settings: the default capacity, the dispositions list (JSON values).
CREATE TABLE routing_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

DROP TABLE agent_queues;

ALTER TABLE interactions ADD COLUMN queue_id INTEGER REFERENCES queues (id) ON DELETE SET NULL;
ALTER TABLE interactions ADD COLUMN started_at INTEGER;
ALTER TABLE interactions ADD COLUMN menu_node INTEGER;
ALTER TABLE interactions ADD COLUMN menu_repeated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN after_hours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN warned_at INTEGER;
ALTER TABLE interactions ADD COLUMN dismiss_cue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN disposition TEXT;
-- The newest customer message routing has read (the menu answers it consumed); NULL: a new
-- interaction routing has not started yet. Routing resumes from here after a crash.
ALTER TABLE interactions ADD COLUMN routed_message_id INTEGER;
-- The next timer's deadline (core's `next_timer`); 0: reconsider now (something changed).
ALTER TABLE interactions ADD COLUMN due_at INTEGER;
ALTER TABLE interactions ADD COLUMN transfer_note TEXT;

UPDATE interactions SET started_at = queued_at,
    routed_message_id = COALESCE((SELECT max(id) FROM messages m WHERE m.session_id = interactions.session_id), 0),
    due_at = CASE WHEN state <> 'ended' THEN 0 END;

CREATE INDEX interactions_due ON interactions (due_at) WHERE state <> 'ended';
CREATE INDEX interactions_unrouted ON interactions (id) WHERE state <> 'ended' AND routed_message_id IS NULL;
CREATE INDEX interactions_waiting ON interactions (queue_id, queued_at) WHERE state = 'queued';
CREATE INDEX interactions_in_hand ON interactions (agent) WHERE state IN ('assigned', 'held');
CREATE INDEX interactions_by_queue_id ON interactions (queue_id, session_id);
DROP INDEX interactions_by_queue;

-- What happened to each interaction, for its timeline (queued, selecting, assigned, held,
-- transferred, ended — with who and when) and for reports.
CREATE TABLE interaction_events (
    id             INTEGER PRIMARY KEY,
    interaction_id INTEGER NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    actor          TEXT,
    detail         TEXT
);

CREATE INDEX interaction_events_by_interaction ON interaction_events (interaction_id, id);

-- A list entry now says where its open interaction is: state, queue, agent, cues.
DROP VIEW session_summaries;
CREATE VIEW session_summaries AS
SELECT s.id, s.channel_id, c.platform, c.name AS channel_name, s.contact_id,
       k.platform_id AS contact_platform_id, k.platform_name, k.first_name, k.last_name, k.opted_out,
       s.state, s.internal_reference, m.body AS preview, s.last_activity_at, s.last_inbound_at,
       s.awaiting_since, s.unread, d.bubbles AS draft, s.list_group, s.list_key,
       i.id AS interaction_id, i.state AS interaction_state, i.queue_id, q.name AS queue_name,
       i.agent, i.dismiss_cue, q.target_response_seconds
FROM sessions s
JOIN channels c ON c.id = s.channel_id
JOIN contacts k ON k.id = s.contact_id
LEFT JOIN messages m ON m.id = s.last_message_id
LEFT JOIN drafts d ON d.session_id = s.id
LEFT JOIN interactions i ON i.session_id = s.id AND i.state <> 'ended'
LEFT JOIN queues q ON q.id = i.queue_id;
