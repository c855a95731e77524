-- Police and militia beats (docs/beats.md): the beat (địa bàn) of an area police officer
-- (cảnh sát khu vực) as assignments of whole residential units with validity dates, the
-- militia head (khu đội trưởng, ấp đội trưởng) of each unit below a commune, and the feedback
-- category about the rearrangement. Nothing is deleted: ending sets valid_to.

CREATE TABLE beats (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL REFERENCES units(code),
    commune_path    TEXT NOT NULL,
    name            TEXT NOT NULL,
    officer_user_id INTEGER REFERENCES users(id),
    officer_name    TEXT NOT NULL,
    officer_phone   TEXT NOT NULL DEFAULT '',
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX beats_commune ON beats (commune_code, id);

-- A whole residential unit (and its subtree) in a beat from valid_from to valid_to
-- (exclusive). grant_id: the area police grant given to the officer's account for it,
-- removed when the assignment ends. event_id: the restructuring event it was carried after.
CREATE TABLE beat_units (
    id          INTEGER PRIMARY KEY,
    beat_id     INTEGER NOT NULL REFERENCES beats(id),
    unit_code   TEXT NOT NULL REFERENCES units(code),
    unit_path   TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    grant_id    INTEGER,
    event_id    INTEGER REFERENCES unit_events(id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX beat_units_beat ON beat_units (beat_id, valid_from);
CREATE INDEX beat_units_unit ON beat_units (unit_code, valid_from);

-- The militia head of a unit directly below a commune (khu đội trưởng, ấp đội trưởng,
-- thôn đội trưởng), a named person, optionally a resident of the registry.
CREATE TABLE militia_heads (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL REFERENCES units(code),
    unit_code     TEXT NOT NULL REFERENCES units(code),
    unit_path     TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    resident_id   INTEGER,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX militia_heads_commune ON militia_heads (commune_code, unit_code, valid_from);

-- Feedback about the rearrangement of units (seed 004), answered by the commune.
INSERT INTO feedback_categories VALUES
    ('', 'restructuring', 'Sắp xếp đơn vị', 'Unit restructuring', 480, 4800, FALSE, TRUE);
