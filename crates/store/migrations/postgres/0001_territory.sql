-- The territory tree: provinces, communes and residential units (materialized path).
-- Codes and paths use the "C" collation so that range scans and cursors compare bytes,
-- exactly as SQLite does.
CREATE TABLE units (
    code          TEXT COLLATE "C" PRIMARY KEY,
    parent_code   TEXT COLLATE "C" REFERENCES units(code),
    province_code TEXT COLLATE "C" NOT NULL,
    path          TEXT COLLATE "C" NOT NULL UNIQUE,
    level         BIGINT NOT NULL CHECK (level >= 1),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_folded   TEXT COLLATE "C" NOT NULL,
    sort_key      BYTEA NOT NULL,
    codename      TEXT,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX units_parent_order ON units (parent_code, sort_key, code);
CREATE INDEX units_level_order ON units (level, sort_key, code);

-- Restructuring history: a unit that was merged, split or renamed points to its successors.
CREATE TABLE unit_links (
    predecessor_code TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    successor_code   TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    change           TEXT NOT NULL,
    effective_on     TEXT NOT NULL,
    PRIMARY KEY (predecessor_code, successor_code)
);
CREATE INDEX unit_links_successor ON unit_links (successor_code);

-- Which residential unit kinds sit at which level below a commune, per province or commune.
CREATE TABLE subdivision_schemes (
    scope_code TEXT COLLATE "C" PRIMARY KEY REFERENCES units(code),
    levels     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Households, kept minimal until the people registry arrives; counted on unit pages.
CREATE TABLE households (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code       TEXT COLLATE "C" NOT NULL,
    unit_code           TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    address             TEXT NOT NULL,
    representative_name TEXT NOT NULL,
    name_folded         TEXT NOT NULL,
    member_count        BIGINT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'active',
    created_at          TEXT NOT NULL
);
CREATE INDEX households_unit ON households (unit_code);
