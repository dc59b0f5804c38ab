-- Claims walk each queue's waiting interactions in (queued_at, id) order: the index holds the
-- tie-breaker too, so the walk needs no sort.
DROP INDEX interactions_waiting;
CREATE INDEX interactions_waiting ON interactions (queue_id, queued_at, id) WHERE state = 'queued';
