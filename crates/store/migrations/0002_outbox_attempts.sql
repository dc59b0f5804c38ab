-- When the outbox last handed a reply to the network without learning the outcome: such a
-- reply may have arrived, so it is reconciled against the platform before any resend.
ALTER TABLE messages ADD COLUMN attempted_at INTEGER;
