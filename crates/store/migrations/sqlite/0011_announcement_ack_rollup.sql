-- Acknowledgement counts per announcement, version and ancestor unit (issue 14, scale): the
-- dashboard of a province reads a few hundred rows instead of counting millions of
-- households. Kept by the triggers below in the transaction of the change (as the feedback
-- roll-ups are); `Store::rebuild_ack_rollup` (also run by `Store::rebuild_rollups`)
-- recomputes them from the base tables. An acknowledgement counts for its version at every
-- ancestor of its unit while its household is active (`Store::ack_counts_naive`).
CREATE TABLE announcement_ack_rollup (
    announcement_id INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    unit_code       TEXT NOT NULL,
    acknowledged    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (announcement_id, version, unit_code)
);

INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
SELECT k.announcement_id, k.version, a.ancestor_code, COUNT(*)
FROM announcement_acks k JOIN households h ON h.id = k.household_id AND h.status = 'active'
JOIN unit_ancestors a ON a.unit_code = k.unit_code
GROUP BY k.announcement_id, k.version, a.ancestor_code;

CREATE INDEX announcement_acks_household ON announcement_acks (household_id);

-- Each statement touches the rows in key order (ancestor codes sorted), as the feedback
-- roll-ups do.
CREATE TRIGGER announcement_ack_rollup_insert AFTER INSERT ON announcement_acks BEGIN
    INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
    SELECT NEW.announcement_id, NEW.version, a.ancestor_code, 1 FROM unit_ancestors a
    WHERE a.unit_code = NEW.unit_code
      AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.status = 'active')
    ORDER BY a.ancestor_code
    ON CONFLICT (announcement_id, version, unit_code)
    DO UPDATE SET acknowledged = acknowledged + excluded.acknowledged;
END;

CREATE TRIGGER announcement_ack_rollup_update AFTER UPDATE ON announcement_acks BEGIN
    UPDATE announcement_ack_rollup SET acknowledged = acknowledged - 1
    WHERE announcement_id = OLD.announcement_id AND version = OLD.version
      AND unit_code IN (SELECT ancestor_code FROM unit_ancestors WHERE unit_code = OLD.unit_code)
      AND EXISTS (SELECT 1 FROM households h WHERE h.id = OLD.household_id AND h.status = 'active');
    INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
    SELECT NEW.announcement_id, NEW.version, a.ancestor_code, 1 FROM unit_ancestors a
    WHERE a.unit_code = NEW.unit_code
      AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.status = 'active')
    ORDER BY a.ancestor_code
    ON CONFLICT (announcement_id, version, unit_code)
    DO UPDATE SET acknowledged = acknowledged + excluded.acknowledged;
END;

CREATE TRIGGER announcement_ack_rollup_delete AFTER DELETE ON announcement_acks BEGIN
    UPDATE announcement_ack_rollup SET acknowledged = acknowledged - 1
    WHERE announcement_id = OLD.announcement_id AND version = OLD.version
      AND unit_code IN (SELECT ancestor_code FROM unit_ancestors WHERE unit_code = OLD.unit_code)
      AND EXISTS (SELECT 1 FROM households h WHERE h.id = OLD.household_id AND h.status = 'active');
END;

-- A household leaving or coming back (status) takes its acknowledgements with it.
CREATE TRIGGER announcement_ack_rollup_household AFTER UPDATE OF status ON households
WHEN (OLD.status = 'active') <> (NEW.status = 'active') BEGIN
    INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
    SELECT k.announcement_id, k.version, a.ancestor_code,
           CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END
    FROM announcement_acks k JOIN unit_ancestors a ON a.unit_code = k.unit_code
    WHERE k.household_id = NEW.id
    ORDER BY k.announcement_id, k.version, a.ancestor_code
    ON CONFLICT (announcement_id, version, unit_code)
    DO UPDATE SET acknowledged = acknowledged + excluded.acknowledged;
END;
