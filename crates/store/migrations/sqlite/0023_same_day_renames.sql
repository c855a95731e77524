-- Two renames of a unit on the same day (docs/restructuring.md, "History"): the second
-- replaces the version the first opened that day instead of closing it on the day it opened,
-- which left a version valid on no day. Both events stay recorded; the name the replaced
-- version carried is kept on the two events' participants (`name`), so the first still reads
-- "A → B" and the second "B → C". One trigger covers every writer (the divisions import,
-- applying a plan, a hand-written statement).

-- The unit's name in the event when no version holds it any more (else read from the
-- versions, as before).
ALTER TABLE unit_event_participants ADD COLUMN name TEXT;

-- Versions of unit $u closed on day $d that opened that day, other than the new one.
CREATE TRIGGER unit_versions_same_day AFTER INSERT ON unit_versions
WHEN EXISTS (SELECT 1 FROM unit_versions z WHERE z.unit_code = NEW.unit_code
             AND z.valid_from = NEW.valid_from AND z.valid_to = NEW.valid_from AND z.id <> NEW.id)
BEGIN
    -- The event that opened the replaced version: its successor was named as that version.
    UPDATE unit_event_participants SET name = (
        SELECT z.name FROM unit_versions z WHERE z.unit_code = NEW.unit_code
        AND z.valid_from = NEW.valid_from AND z.valid_to = NEW.valid_from
        AND z.event_id = unit_event_participants.event_id ORDER BY z.id DESC LIMIT 1)
    WHERE unit_code = NEW.unit_code AND role = 'successor' AND name IS NULL
      AND event_id IN (SELECT z.event_id FROM unit_versions z WHERE z.unit_code = NEW.unit_code
          AND z.valid_from = NEW.valid_from AND z.valid_to = NEW.valid_from AND z.id <> NEW.id);
    -- The new version's event: its predecessor was named as the replaced version.
    UPDATE unit_event_participants SET name = (
        SELECT z.name FROM unit_versions z WHERE z.unit_code = NEW.unit_code
        AND z.valid_from = NEW.valid_from AND z.valid_to = NEW.valid_from AND z.id <> NEW.id
        ORDER BY z.id DESC LIMIT 1)
    WHERE event_id = NEW.event_id AND unit_code = NEW.unit_code AND role = 'predecessor'
      AND name IS NULL;
    DELETE FROM unit_versions WHERE unit_code = NEW.unit_code AND valid_from = NEW.valid_from
      AND valid_to = NEW.valid_from AND id <> NEW.id;
END;

-- The same for versions already stored: a zero-length version followed that day by another.
UPDATE unit_event_participants SET name = (
    SELECT z.name FROM unit_versions z WHERE z.unit_code = unit_event_participants.unit_code
    AND z.event_id = unit_event_participants.event_id AND z.valid_to = z.valid_from
    ORDER BY z.id DESC LIMIT 1)
WHERE role = 'successor' AND name IS NULL AND EXISTS (
    SELECT 1 FROM unit_versions z JOIN unit_versions n ON n.unit_code = z.unit_code
      AND n.valid_from = z.valid_from AND n.id > z.id
    WHERE z.unit_code = unit_event_participants.unit_code
      AND z.event_id = unit_event_participants.event_id AND z.valid_to = z.valid_from);
UPDATE unit_event_participants SET name = (
    SELECT z.name FROM unit_versions n JOIN unit_versions z ON z.unit_code = n.unit_code
      AND z.valid_from = n.valid_from AND z.valid_to = z.valid_from AND z.id < n.id
    WHERE n.unit_code = unit_event_participants.unit_code
      AND n.event_id = unit_event_participants.event_id
    ORDER BY z.id DESC LIMIT 1)
WHERE role = 'predecessor' AND name IS NULL AND EXISTS (
    SELECT 1 FROM unit_versions n JOIN unit_versions z ON z.unit_code = n.unit_code
      AND z.valid_from = n.valid_from AND z.valid_to = z.valid_from AND z.id < n.id
    WHERE n.unit_code = unit_event_participants.unit_code
      AND n.event_id = unit_event_participants.event_id);
DELETE FROM unit_versions WHERE valid_to = valid_from AND EXISTS (
    SELECT 1 FROM unit_versions n WHERE n.unit_code = unit_versions.unit_code
      AND n.valid_from = unit_versions.valid_from AND n.id > unit_versions.id);
