-- Restructuring (docs/restructuring.md): typed history events, unit versions, schemes.
-- A unit's path and code never change: an event that changes a unit's parent or code closes
-- it and creates a successor, so roll-ups keyed by path stay right for every past date.

-- One event of the history, with its legal basis (decision number, date, signer, scan).
-- kind: rename | merge_into | split | create_from_parts | transfer_part | dissolve
--       | change_parent | change_code
CREATE TABLE unit_events (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL,
    commune_code   TEXT NOT NULL REFERENCES units(code),
    kind           TEXT NOT NULL,
    effective_on   TEXT NOT NULL,
    basis_number   TEXT NOT NULL,
    basis_date     TEXT NOT NULL,
    basis_signer   TEXT NOT NULL,
    basis_file_id  INTEGER REFERENCES files(id),
    scheme_id      INTEGER,
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX unit_events_commune ON unit_events (commune_code, effective_on, id);

-- Each unit's versions (name, kind, parent) with validity dates; the current version has
-- valid_to NULL and matches the `units` row. Nothing here is updated except valid_to.
CREATE TABLE unit_versions (
    id          INTEGER PRIMARY KEY,
    unit_code   TEXT NOT NULL REFERENCES units(code),
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_code TEXT REFERENCES units(code),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    event_id    INTEGER REFERENCES unit_events(id)
);
CREATE INDEX unit_versions_unit ON unit_versions (unit_code, valid_from);
CREATE INDEX unit_versions_parent ON unit_versions (parent_code, valid_from);

INSERT INTO unit_versions (unit_code, name, name_folded, kind, parent_code, valid_from, valid_to)
SELECT code, name, name_folded, kind, parent_code, valid_from, valid_to FROM units;

-- Who took part in an event and how.
-- role: predecessor | successor | contributor | receiver
CREATE TABLE unit_event_participants (
    event_id   INTEGER NOT NULL REFERENCES unit_events(id),
    unit_code  TEXT NOT NULL REFERENCES units(code),
    role       TEXT NOT NULL,
    households INTEGER,
    PRIMARY KEY (event_id, unit_code, role)
);
CREATE INDEX unit_event_participants_unit ON unit_event_participants (unit_code, event_id);

-- Every new unit starts with its first version, whichever path created it (demo, import,
-- synthetic bulk load, a restructuring); the code that records an event sets event_id.
CREATE TRIGGER unit_versions_insert AFTER INSERT ON units BEGIN
    INSERT INTO unit_versions (unit_code, name, name_folded, kind, parent_code, valid_from, valid_to)
    VALUES (NEW.code, NEW.name, NEW.name_folded, NEW.kind, NEW.parent_code, NEW.valid_from, NEW.valid_to);
END;
