-- Acknowledgement counts per announcement, version and ancestor unit (issue 14, scale): the
-- dashboard of a province reads a few hundred rows instead of counting millions of
-- households. Kept by the triggers below in the transaction of the change (as the feedback
-- roll-ups are); `Store::rebuild_ack_rollup` (also run by `Store::rebuild_rollups`)
-- recomputes them from the base tables. An acknowledgement counts for its version at every
-- ancestor of its unit while its household is active (`Store::ack_counts_naive`).
--
-- Immediate (not deferred) triggers: an acknowledgement's transaction is one short
-- statement and its audit row, and each statement touches the rows in key order, so
-- concurrent writers queue on the hot rows without deadlocking.
CREATE TABLE announcement_ack_rollup (
    announcement_id BIGINT NOT NULL,
    version         BIGINT NOT NULL,
    unit_code       TEXT COLLATE "C" NOT NULL,
    acknowledged    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (announcement_id, version, unit_code)
);

INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
SELECT k.announcement_id, k.version, a.ancestor_code, COUNT(*)
FROM announcement_acks k JOIN households h ON h.id = k.household_id AND h.status = 'active'
JOIN unit_ancestors a ON a.unit_code = k.unit_code
GROUP BY k.announcement_id, k.version, a.ancestor_code;

CREATE INDEX announcement_acks_household ON announcement_acks (household_id);

-- Adds `delta` for one acknowledgement (announcement, version, unit) if its household is active.
CREATE FUNCTION announcement_ack_rollup_add(ann BIGINT, ver BIGINT, unit TEXT, hh BIGINT, delta BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
    SELECT ann, ver, a.ancestor_code, delta FROM unit_ancestors a
    WHERE a.unit_code = unit
      AND EXISTS (SELECT 1 FROM households h WHERE h.id = hh AND h.status = 'active')
    ORDER BY a.ancestor_code
    ON CONFLICT (announcement_id, version, unit_code)
    DO UPDATE SET acknowledged = announcement_ack_rollup.acknowledged + excluded.acknowledged;
END $$;

CREATE FUNCTION announcement_ack_rollup_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM announcement_ack_rollup_add(OLD.announcement_id, OLD.version, OLD.unit_code,
                                            OLD.household_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM announcement_ack_rollup_add(NEW.announcement_id, NEW.version, NEW.unit_code,
                                            NEW.household_id, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER announcement_ack_rollup_row AFTER INSERT OR UPDATE OR DELETE ON announcement_acks
    FOR EACH ROW EXECUTE FUNCTION announcement_ack_rollup_row();

-- A household leaving or coming back (status) takes its acknowledgements with it.
CREATE FUNCTION announcement_ack_rollup_household() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.status = 'active') IS DISTINCT FROM (NEW.status = 'active') THEN
        INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged)
        SELECT k.announcement_id, k.version, a.ancestor_code,
               CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END
        FROM announcement_acks k JOIN unit_ancestors a ON a.unit_code = k.unit_code
        WHERE k.household_id = NEW.id
        ORDER BY k.announcement_id, k.version, a.ancestor_code
        ON CONFLICT (announcement_id, version, unit_code)
        DO UPDATE SET acknowledged = announcement_ack_rollup.acknowledged + excluded.acknowledged;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER announcement_ack_rollup_household AFTER UPDATE OF status ON households
    FOR EACH ROW EXECUTE FUNCTION announcement_ack_rollup_household();
