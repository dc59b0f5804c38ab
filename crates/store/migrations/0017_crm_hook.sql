-- The transcript-to-CRM hook's durable queue: each ended interaction to deliver, its attempts,
-- when to try next, and how it went. The hook's address is a setting; its secret is in the
-- keychain.
CREATE TABLE crm_deliveries (
    interaction_id INTEGER PRIMARY KEY REFERENCES interactions (id) ON DELETE CASCADE,
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER NOT NULL,
    last_error     TEXT,
    delivered_at   INTEGER,
    given_up       INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX crm_deliveries_due ON crm_deliveries (next_at) WHERE delivered_at IS NULL AND given_up = 0;
