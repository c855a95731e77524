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
    unit_code      TEXT NOT NULL,
    ancestor_code  TEXT NOT NULL,
    ancestor_level INTEGER NOT NULL,
    PRIMARY KEY (unit_code, ancestor_code)
) WITHOUT ROWID;

INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
SELECT code, code, level FROM units
UNION ALL
SELECT u.code, a.code, a.level FROM units a
JOIN units u ON u.path >= a.path || '/' AND u.path < a.path || '0';

-- A new unit's ancestors are its parent's (found by path: everything before the last `/`)
-- and itself. Units are inserted parent first (the foreign key on parent_code).
CREATE TRIGGER unit_ancestors_insert AFTER INSERT ON units BEGIN
    INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
    SELECT NEW.code, a.ancestor_code, a.ancestor_level
    FROM units p JOIN unit_ancestors a ON a.unit_code = p.code
    WHERE p.path = rtrim(rtrim(NEW.path, replace(NEW.path, '/', '')), '/');
    INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level)
    VALUES (NEW.code, NEW.code, NEW.level);
END;

-- Feedback per ancestor unit, category and month of receipt (Vietnam time, `YYYY-MM`)
-- (`''` = all categories). Durations are counted per bucket (`ack_b0` … `ack_b15`,
-- `res_b0` … `res_b15`; bounds in tuquan_domain::feedback::stats); ratings per value.
CREATE TABLE feedback_rollup (
    unit_code        TEXT NOT NULL,
    month            TEXT NOT NULL,
    category         TEXT NOT NULL,
    received         INTEGER NOT NULL DEFAULT 0,
    acknowledged     INTEGER NOT NULL DEFAULT 0,
    ack_on_time      INTEGER NOT NULL DEFAULT 0,
    resolved         INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0,
    closed           INTEGER NOT NULL DEFAULT 0,
    ack_b0           INTEGER NOT NULL DEFAULT 0,
    ack_b1           INTEGER NOT NULL DEFAULT 0,
    ack_b2           INTEGER NOT NULL DEFAULT 0,
    ack_b3           INTEGER NOT NULL DEFAULT 0,
    ack_b4           INTEGER NOT NULL DEFAULT 0,
    ack_b5           INTEGER NOT NULL DEFAULT 0,
    ack_b6           INTEGER NOT NULL DEFAULT 0,
    ack_b7           INTEGER NOT NULL DEFAULT 0,
    ack_b8           INTEGER NOT NULL DEFAULT 0,
    ack_b9           INTEGER NOT NULL DEFAULT 0,
    ack_b10          INTEGER NOT NULL DEFAULT 0,
    ack_b11          INTEGER NOT NULL DEFAULT 0,
    ack_b12          INTEGER NOT NULL DEFAULT 0,
    ack_b13          INTEGER NOT NULL DEFAULT 0,
    ack_b14          INTEGER NOT NULL DEFAULT 0,
    ack_b15          INTEGER NOT NULL DEFAULT 0,
    res_b0           INTEGER NOT NULL DEFAULT 0,
    res_b1           INTEGER NOT NULL DEFAULT 0,
    res_b2           INTEGER NOT NULL DEFAULT 0,
    res_b3           INTEGER NOT NULL DEFAULT 0,
    res_b4           INTEGER NOT NULL DEFAULT 0,
    res_b5           INTEGER NOT NULL DEFAULT 0,
    res_b6           INTEGER NOT NULL DEFAULT 0,
    res_b7           INTEGER NOT NULL DEFAULT 0,
    res_b8           INTEGER NOT NULL DEFAULT 0,
    res_b9           INTEGER NOT NULL DEFAULT 0,
    res_b10          INTEGER NOT NULL DEFAULT 0,
    res_b11          INTEGER NOT NULL DEFAULT 0,
    res_b12          INTEGER NOT NULL DEFAULT 0,
    res_b13          INTEGER NOT NULL DEFAULT 0,
    res_b14          INTEGER NOT NULL DEFAULT 0,
    res_b15          INTEGER NOT NULL DEFAULT 0,
    rated_1          INTEGER NOT NULL DEFAULT 0,
    rated_2          INTEGER NOT NULL DEFAULT 0,
    rated_3          INTEGER NOT NULL DEFAULT 0,
    rated_4          INTEGER NOT NULL DEFAULT 0,
    rated_5          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, category, month)
) WITHOUT ROWID;

-- Active households and residents per ancestor unit.
CREATE TABLE population_rollup (
    unit_code  TEXT PRIMARY KEY,
    households INTEGER NOT NULL DEFAULT 0,
    residents  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Which version of the maintenance triggers is installed, and whether they are (a bulk
-- loader may pause them; the next start or `resume_rollups` reinstalls and rebuilds).
CREATE TABLE rollup_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
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
