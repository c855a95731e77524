-- Statistics roll-ups (docs/architecture.md, "Aggregates"): counts kept per ancestor unit so
-- that a report for a commune, a province or the country reads a few hundred rows instead of
-- scanning every item, household and resident below it.
--
-- The rows are maintained by triggers that the store installs and versions itself
-- (crates/store/src/rollup/sql.rs generates them from the domain's duration buckets), and
-- recomputed from the base tables by `Store::rebuild_rollups`. Only the tables, the unit
-- closure and its trigger live here.

-- Every unit with each of its ancestors and itself, from the materialized path (which never
-- changes): `79/26743/kp01` has `79`, `26743` and itself.
CREATE TABLE unit_ancestors (
    unit_code      TEXT COLLATE "C" NOT NULL,
    ancestor_code  TEXT COLLATE "C" NOT NULL,
    ancestor_level BIGINT NOT NULL,
    PRIMARY KEY (unit_code, ancestor_code)
);

INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
SELECT code, code, level FROM units
UNION ALL
SELECT u.code, a.code, a.level FROM units a
JOIN units u ON u.path >= a.path || '/' AND u.path < a.path || '0';

-- A new unit's ancestors are its parent's (found by path: everything before the last `/`)
-- and itself. Units are inserted parent first (the foreign key on parent_code).
CREATE FUNCTION unit_ancestors_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
    SELECT NEW.code, a.ancestor_code, a.ancestor_level
    FROM units p JOIN unit_ancestors a ON a.unit_code = p.code
    WHERE p.path = rtrim(rtrim(NEW.path, replace(NEW.path, '/', '')), '/');
    INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
    VALUES (NEW.code, NEW.code, NEW.level);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_ancestors_insert AFTER INSERT ON units
    FOR EACH ROW EXECUTE FUNCTION unit_ancestors_insert();

-- Feedback per ancestor unit, category and month of receipt (Vietnam time, `YYYY-MM`)
-- (`''` = all categories). Durations are counted per bucket (`ack_b0` … `ack_b15`,
-- `res_b0` … `res_b15`; bounds in tuquan_domain::feedback::stats); ratings per value.
CREATE TABLE feedback_rollup (
    unit_code        TEXT COLLATE "C" NOT NULL,
    month            TEXT COLLATE "C" NOT NULL,
    category         TEXT COLLATE "C" NOT NULL,
    received         BIGINT NOT NULL DEFAULT 0,
    acknowledged     BIGINT NOT NULL DEFAULT 0,
    ack_on_time      BIGINT NOT NULL DEFAULT 0,
    resolved         BIGINT NOT NULL DEFAULT 0,
    resolved_on_time BIGINT NOT NULL DEFAULT 0,
    closed           BIGINT NOT NULL DEFAULT 0,
    ack_b0           BIGINT NOT NULL DEFAULT 0,
    ack_b1           BIGINT NOT NULL DEFAULT 0,
    ack_b2           BIGINT NOT NULL DEFAULT 0,
    ack_b3           BIGINT NOT NULL DEFAULT 0,
    ack_b4           BIGINT NOT NULL DEFAULT 0,
    ack_b5           BIGINT NOT NULL DEFAULT 0,
    ack_b6           BIGINT NOT NULL DEFAULT 0,
    ack_b7           BIGINT NOT NULL DEFAULT 0,
    ack_b8           BIGINT NOT NULL DEFAULT 0,
    ack_b9           BIGINT NOT NULL DEFAULT 0,
    ack_b10          BIGINT NOT NULL DEFAULT 0,
    ack_b11          BIGINT NOT NULL DEFAULT 0,
    ack_b12          BIGINT NOT NULL DEFAULT 0,
    ack_b13          BIGINT NOT NULL DEFAULT 0,
    ack_b14          BIGINT NOT NULL DEFAULT 0,
    ack_b15          BIGINT NOT NULL DEFAULT 0,
    res_b0           BIGINT NOT NULL DEFAULT 0,
    res_b1           BIGINT NOT NULL DEFAULT 0,
    res_b2           BIGINT NOT NULL DEFAULT 0,
    res_b3           BIGINT NOT NULL DEFAULT 0,
    res_b4           BIGINT NOT NULL DEFAULT 0,
    res_b5           BIGINT NOT NULL DEFAULT 0,
    res_b6           BIGINT NOT NULL DEFAULT 0,
    res_b7           BIGINT NOT NULL DEFAULT 0,
    res_b8           BIGINT NOT NULL DEFAULT 0,
    res_b9           BIGINT NOT NULL DEFAULT 0,
    res_b10          BIGINT NOT NULL DEFAULT 0,
    res_b11          BIGINT NOT NULL DEFAULT 0,
    res_b12          BIGINT NOT NULL DEFAULT 0,
    res_b13          BIGINT NOT NULL DEFAULT 0,
    res_b14          BIGINT NOT NULL DEFAULT 0,
    res_b15          BIGINT NOT NULL DEFAULT 0,
    rated_1          BIGINT NOT NULL DEFAULT 0,
    rated_2          BIGINT NOT NULL DEFAULT 0,
    rated_3          BIGINT NOT NULL DEFAULT 0,
    rated_4          BIGINT NOT NULL DEFAULT 0,
    rated_5          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, category, month)
);

-- Active households and residents per ancestor unit.
CREATE TABLE population_rollup (
    unit_code  TEXT COLLATE "C" PRIMARY KEY,
    households BIGINT NOT NULL DEFAULT 0,
    residents  BIGINT NOT NULL DEFAULT 0
);

-- Which version of the maintenance triggers is installed, and whether they are (a bulk
-- loader may pause them; the next start or `resume_rollups` reinstalls and rebuilds).
CREATE TABLE rollup_state (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    version    BIGINT NOT NULL,
    maintained BOOLEAN NOT NULL,
    rebuilt_at TEXT NOT NULL
);

-- "Overdue now" is counted live over the open items only.
CREATE INDEX feedback_open ON feedback (unit_path, created_at, category, status, ack_due_at, resolve_due_at)
    WHERE status IN ('new', 'acknowledged', 'in_progress');

-- The population rebuild counts every household and resident per unit from the unit index
-- alone and takes away the inactive ones, found in these small partial indexes (reading
-- each row's status instead is ten times slower on a province).
CREATE INDEX households_inactive ON households (unit_code) WHERE status <> 'active';
CREATE INDEX residents_inactive ON residents (unit_code) WHERE status <> 'active';
