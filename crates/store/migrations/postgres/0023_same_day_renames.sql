-- Two renames of a unit on the same day (docs/restructuring.md, "History"): the second
-- replaces the version the first opened that day instead of closing it on the day it opened,
-- which left a version valid on no day. Both events stay recorded; the name the replaced
-- version carried is kept on the two events' participants (`name`), so the first still reads
-- "A → B" and the second "B → C". One trigger covers every writer (the divisions import,
-- applying a plan, a hand-written statement).

-- The unit's name in the event when no version holds it any more (else read from the
-- versions, as before).
ALTER TABLE unit_event_participants ADD COLUMN name TEXT;

CREATE FUNCTION unit_versions_same_day() RETURNS trigger AS $$
DECLARE
    z RECORD;
BEGIN
    -- Versions of the unit closed on the day they opened, which is the new one's first day.
    FOR z IN SELECT id, name, event_id FROM unit_versions
             WHERE unit_code = NEW.unit_code AND valid_from = NEW.valid_from
               AND valid_to = NEW.valid_from AND id <> NEW.id ORDER BY id
    LOOP
        -- The event that opened the replaced version: its successor was named as it.
        UPDATE unit_event_participants SET name = z.name
         WHERE event_id = z.event_id AND unit_code = NEW.unit_code AND role = 'successor'
           AND name IS NULL;
        -- The new version's event: its predecessor was named as the replaced version.
        UPDATE unit_event_participants SET name = z.name
         WHERE event_id = NEW.event_id AND unit_code = NEW.unit_code AND role = 'predecessor'
           AND name IS NULL;
        DELETE FROM unit_versions WHERE id = z.id;
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER unit_versions_same_day AFTER INSERT ON unit_versions
    FOR EACH ROW EXECUTE FUNCTION unit_versions_same_day();

-- The same for versions already stored: a zero-length version followed that day by another.
UPDATE unit_event_participants p SET name = z.name
  FROM unit_versions z
 WHERE p.role = 'successor' AND p.name IS NULL AND z.unit_code = p.unit_code
   AND z.event_id = p.event_id AND z.valid_to = z.valid_from
   AND EXISTS (SELECT 1 FROM unit_versions n WHERE n.unit_code = z.unit_code
               AND n.valid_from = z.valid_from AND n.id > z.id);
UPDATE unit_event_participants p SET name = (
    SELECT z.name FROM unit_versions n JOIN unit_versions z ON z.unit_code = n.unit_code
      AND z.valid_from = n.valid_from AND z.valid_to = z.valid_from AND z.id < n.id
    WHERE n.unit_code = p.unit_code AND n.event_id = p.event_id
    ORDER BY z.id DESC LIMIT 1)
 WHERE p.role = 'predecessor' AND p.name IS NULL AND EXISTS (
    SELECT 1 FROM unit_versions n JOIN unit_versions z ON z.unit_code = n.unit_code
      AND z.valid_from = n.valid_from AND z.valid_to = z.valid_from AND z.id < n.id
    WHERE n.unit_code = p.unit_code AND n.event_id = p.event_id);
DELETE FROM unit_versions v WHERE v.valid_to = v.valid_from AND EXISTS (
    SELECT 1 FROM unit_versions n WHERE n.unit_code = v.unit_code
      AND n.valid_from = v.valid_from AND n.id > v.id);
