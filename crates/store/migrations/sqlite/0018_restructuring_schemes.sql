-- Restructuring schemes (đề án sắp xếp), size standards and freezes (docs/restructuring.md).

-- A province's minimum households for a new unit of a kind, from a date; a kind without a row
-- in force uses the law's default (tuquan_domain::restructuring::standards).
CREATE TABLE restructuring_standards (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    min_households INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    basis          TEXT NOT NULL DEFAULT '',
    created_by     TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (province_code, kind, effective_from)
);

-- A freeze on applying schemes: national (province_code '') or for one province, from a day
-- to a day (ends_on NULL: until lifted), with the document ordering it.
CREATE TABLE restructuring_freezes (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL DEFAULT '',
    starts_on      TEXT NOT NULL,
    ends_on        TEXT,
    basis          TEXT NOT NULL,
    created_by     TEXT,
    created_at     TEXT NOT NULL
);

-- A scheme drafted by a commune. status: draft | consulting | approved | applied | abandoned.
CREATE TABLE restructuring_schemes (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL REFERENCES units(code),
    commune_path    TEXT NOT NULL,
    title           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    effective_on    TEXT NOT NULL,
    basis_number    TEXT NOT NULL DEFAULT '',
    basis_date      TEXT,
    basis_signer    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    override_reason TEXT,
    override_number TEXT,
    override_date   TEXT,
    override_signer TEXT,
    override_by     TEXT,
    applied_at      TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX restructuring_schemes_commune ON restructuring_schemes (commune_path, id);

-- One change of a scheme. kind: merge | split | rename.
-- merge: the parts in restructuring_item_units; into_code an existing receiver, or a new unit
-- (new_name, new_kind, new_local_code). split: unit_code and its parts. rename: unit_code,
-- new_name, new_kind. candidate_names: one per line, put to the households' vote.
CREATE TABLE restructuring_scheme_items (
    id              INTEGER PRIMARY KEY,
    scheme_id       INTEGER NOT NULL REFERENCES restructuring_schemes(id),
    kind            TEXT NOT NULL,
    unit_code       TEXT REFERENCES units(code),
    into_code       TEXT REFERENCES units(code),
    new_name        TEXT NOT NULL DEFAULT '',
    new_kind        TEXT NOT NULL DEFAULT '',
    new_local_code  TEXT NOT NULL DEFAULT '',
    adjacent        BOOLEAN NOT NULL DEFAULT 0,
    candidate_names TEXT NOT NULL DEFAULT ''
);
CREATE INDEX restructuring_scheme_items_scheme ON restructuring_scheme_items (scheme_id, id);

-- The units a merge joins.
CREATE TABLE restructuring_item_units (
    item_id   INTEGER NOT NULL REFERENCES restructuring_scheme_items(id),
    unit_code TEXT NOT NULL REFERENCES units(code),
    PRIMARY KEY (item_id, unit_code)
);

-- The new units a split makes.
CREATE TABLE restructuring_split_parts (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES restructuring_scheme_items(id),
    part_no    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    local_code TEXT NOT NULL,
    UNIQUE (item_id, part_no)
);

-- Which part each household of a split unit goes to: at most once per split (the key).
CREATE TABLE restructuring_split_households (
    item_id      INTEGER NOT NULL REFERENCES restructuring_scheme_items(id),
    household_id INTEGER NOT NULL REFERENCES households(id),
    part_id      INTEGER NOT NULL REFERENCES restructuring_split_parts(id),
    PRIMARY KEY (item_id, household_id)
);
CREATE INDEX restructuring_split_households_part ON restructuring_split_households (part_id);

-- The household ballots a scheme opened: consent of an affected unit, or a candidate name.
CREATE TABLE restructuring_scheme_votes (
    vote_id        INTEGER PRIMARY KEY REFERENCES votes(id),
    scheme_id      INTEGER NOT NULL REFERENCES restructuring_schemes(id),
    unit_code      TEXT NOT NULL REFERENCES units(code),
    purpose        TEXT NOT NULL,
    candidate_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX restructuring_scheme_votes_scheme ON restructuring_scheme_votes (scheme_id);
