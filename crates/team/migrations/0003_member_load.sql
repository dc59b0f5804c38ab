-- What each member holds, kept on their row by the database itself, so that a claim checks
-- capacity from the row it has already locked instead of counting the member's interactions.
ALTER TABLE interactions ADD COLUMN platform text;
UPDATE interactions i SET platform = c.platform
FROM sessions s JOIN channels c ON c.id = s.channel_id
WHERE s.id = i.session_id;

ALTER TABLE members ADD COLUMN in_hand_messenger integer NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN in_hand_sms integer NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN in_hand_whatsapp integer NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN in_hand_held integer NOT NULL DEFAULT 0;

UPDATE members m SET
    in_hand_messenger = (SELECT count(*) FROM interactions i WHERE i.agent = m.name AND i.state IN ('assigned', 'held') AND i.platform = 'messenger'),
    in_hand_sms = (SELECT count(*) FROM interactions i WHERE i.agent = m.name AND i.state IN ('assigned', 'held') AND i.platform = 'sms'),
    in_hand_whatsapp = (SELECT count(*) FROM interactions i WHERE i.agent = m.name AND i.state IN ('assigned', 'held') AND i.platform = 'whatsapp'),
    in_hand_held = (SELECT count(*) FROM interactions i WHERE i.agent = m.name AND i.state = 'held');

-- An interaction knows its platform from the start (its session's channel), for the counts.
CREATE FUNCTION interaction_platform() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.platform IS NULL THEN
        SELECT c.platform INTO NEW.platform FROM sessions s JOIN channels c ON c.id = s.channel_id
        WHERE s.id = NEW.session_id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER interactions_platform BEFORE INSERT ON interactions
    FOR EACH ROW EXECUTE FUNCTION interaction_platform();

-- Whoever changes an interaction's state or agent (a claim, an end, a transfer, a return to
-- queue) moves the counts in the same transaction; a new assignment also restarts the agent's
-- idle time (one write of the member's row per claim, not two).
CREATE FUNCTION count_in_hand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.agent IS NOT NULL AND OLD.state IN ('assigned', 'held') THEN
        UPDATE members SET
            in_hand_messenger = in_hand_messenger - (OLD.platform = 'messenger')::int,
            in_hand_sms = in_hand_sms - (OLD.platform = 'sms')::int,
            in_hand_whatsapp = in_hand_whatsapp - (OLD.platform = 'whatsapp')::int,
            in_hand_held = in_hand_held - (OLD.state = 'held')::int
        WHERE name = OLD.agent;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.agent IS NOT NULL AND NEW.state IN ('assigned', 'held') THEN
        UPDATE members SET
            in_hand_messenger = in_hand_messenger + (NEW.platform = 'messenger')::int,
            in_hand_sms = in_hand_sms + (NEW.platform = 'sms')::int,
            in_hand_whatsapp = in_hand_whatsapp + (NEW.platform = 'whatsapp')::int,
            in_hand_held = in_hand_held + (NEW.state = 'held')::int,
            idle_since = CASE WHEN TG_OP = 'INSERT' OR OLD.agent IS DISTINCT FROM NEW.agent OR OLD.state = 'queued'
                              THEN GREATEST(idle_since, NEW.assigned_at) ELSE idle_since END
        WHERE name = NEW.agent;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER interactions_in_hand AFTER INSERT OR UPDATE OF state, agent OR DELETE ON interactions
    FOR EACH ROW EXECUTE FUNCTION count_in_hand();
