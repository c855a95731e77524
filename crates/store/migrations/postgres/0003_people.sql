-- Households and residents, consent, erasure requests.
ALTER TABLE households ADD COLUMN phone TEXT;
ALTER TABLE households ADD COLUMN address_folded TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN representative_id BIGINT;
ALTER TABLE households ADD COLUMN sort_key BYTEA NOT NULL DEFAULT ''::bytea;
ALTER TABLE households ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
CREATE INDEX households_unit_order ON households (unit_code, sort_key, id);

-- A household moving between units keeps its history here.
CREATE TABLE household_moves (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households(id),
    from_unit    TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    to_unit      TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    moved_on     TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX household_moves_household ON household_moves (household_id);

CREATE TABLE residents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code   TEXT COLLATE "C" NOT NULL,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    unit_code       TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    full_name       TEXT NOT NULL,
    name_folded     TEXT COLLATE "C" NOT NULL,
    sort_key        BYTEA NOT NULL,
    birth_date      TEXT NOT NULL,
    gender          TEXT NOT NULL,
    phone           TEXT,
    residence_type  TEXT NOT NULL,
    residence_since TEXT,
    -- The identity number: encrypted (XChaCha20-Poly1305), masked for lists, and a keyed hash
    -- to find duplicates without decrypting.
    cccd_cipher     TEXT,
    cccd_masked     TEXT,
    cccd_index      TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'active',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_unit_order ON residents (unit_code, sort_key, id);

CREATE TABLE consents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    purpose     TEXT NOT NULL,
    granted     BOOLEAN NOT NULL,
    given_on    TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX consents_resident ON consents (resident_id);

CREATE TABLE erasure_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id  BIGINT NOT NULL REFERENCES residents(id),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    requested_by TEXT,
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT
);
CREATE INDEX erasure_requests_resident ON erasure_requests (resident_id);

ALTER TABLE users ADD COLUMN resident_id BIGINT REFERENCES residents(id);
