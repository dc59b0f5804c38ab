-- The supervisor's wallboard reads today's interactions by when they entered their queue.
CREATE INDEX interactions_by_queued_at ON interactions (queued_at) WHERE queue_id IS NOT NULL;
