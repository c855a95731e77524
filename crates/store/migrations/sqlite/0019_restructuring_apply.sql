-- Applying a restructuring (docs/restructuring.md, "Applying"): thanks records for the people
-- whose post ends because their unit was restructured (tri ân), and a re-signing marker on
-- coordination regulations of units the restructuring changed. Positions ended this way carry
-- the end reason `unit_restructured` (group_positions.end_reason already exists).

-- One record of thanks per position ended by a restructuring event.
CREATE TABLE service_thanks (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL REFERENCES units(code),
    -- The unit the person served (the group's unit), and its path for scoping.
    unit_code       TEXT NOT NULL REFERENCES units(code),
    unit_path       TEXT NOT NULL,
    resident_id     INTEGER NOT NULL REFERENCES residents(id),
    position_id     INTEGER NOT NULL REFERENCES group_positions(id),
    group_id        INTEGER NOT NULL REFERENCES community_groups(id),
    role            TEXT NOT NULL,
    served_from     TEXT NOT NULL,
    served_to       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    event_id        INTEGER REFERENCES unit_events(id),
    -- The reward decision (quyết định khen thưởng), if any: number and date.
    reward_decision TEXT,
    reward_on       TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT,
    UNIQUE (position_id)
);
CREATE INDEX service_thanks_commune ON service_thanks (commune_code, served_to, id);
CREATE INDEX service_thanks_resident ON service_thanks (resident_id);

-- A regulation whose unit a restructuring changed must be signed again.
ALTER TABLE regulations ADD COLUMN needs_resign_since TEXT;
ALTER TABLE regulations ADD COLUMN needs_resign_event_id INTEGER REFERENCES unit_events(id);
