-- Groups (tổ nhân dân tự quản, tổ bảo vệ ANTT, tổ hòa giải, ban công tác Mặt trận, a unit's
-- leadership, other kinds), their decisions, positions and history; uploaded documents;
-- coordination regulations (QCPH); the term length per province.

-- The term of office per province, in months (30 or 60; 60 when absent).
CREATE TABLE group_settings (
    province_code TEXT COLLATE "C" PRIMARY KEY REFERENCES units(code),
    term_months   BIGINT NOT NULL CHECK (term_months IN (30, 60)),
    updated_at    TEXT NOT NULL
);

-- Uploaded files (decision and regulation scans), kept in the database so that both
-- backends back them up with everything else. `unit_path` is the unit whose officials may
-- read it.
CREATE TABLE documents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code TEXT COLLATE "C" NOT NULL,
    unit_path     TEXT COLLATE "C" NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BYTEA NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT
);

CREATE TABLE community_groups (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code  TEXT COLLATE "C" NOT NULL,
    -- The unit the group belongs to (a commune or a residential unit).
    unit_code      TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path      TEXT COLLATE "C" NOT NULL,
    kind           TEXT NOT NULL,
    kind_label     TEXT,
    name           TEXT NOT NULL,
    name_folded    TEXT COLLATE "C" NOT NULL,
    sort_key       BYTEA NOT NULL,
    status         TEXT NOT NULL,
    established_on TEXT,
    dissolved_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX community_groups_path ON community_groups (unit_path, sort_key, id);
-- One leadership per unit.
CREATE UNIQUE INDEX community_groups_leadership ON community_groups (unit_code)
    WHERE kind = 'unit_leadership';

-- The units a group covers (one or more).
CREATE TABLE group_units (
    group_id  BIGINT NOT NULL REFERENCES community_groups(id),
    unit_code TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (group_id, unit_code)
);
CREATE INDEX group_units_path ON group_units (unit_path);

-- Establishment and dissolution decisions; never deleted.
CREATE TABLE group_decisions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code TEXT COLLATE "C" NOT NULL,
    group_id      BIGINT NOT NULL REFERENCES community_groups(id),
    kind          TEXT NOT NULL,
    number        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    signer        TEXT NOT NULL,
    effective_on  TEXT NOT NULL,
    document_id   BIGINT REFERENCES documents(id),
    created_at    TEXT NOT NULL,
    created_by    TEXT
);
CREATE INDEX group_decisions_group ON group_decisions (group_id, id);

-- Every position ever held; a past holder keeps their row (service history).
CREATE TABLE group_positions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code TEXT COLLATE "C" NOT NULL,
    group_id      BIGINT NOT NULL REFERENCES community_groups(id),
    resident_id   BIGINT NOT NULL REFERENCES residents(id),
    role          TEXT NOT NULL,
    acting        BOOLEAN NOT NULL DEFAULT FALSE,
    starts_on     TEXT NOT NULL,
    -- The end of the term; `ended_on` when it actually ended, if it has.
    ends_on       TEXT NOT NULL,
    ended_on      TEXT,
    end_reason    TEXT,
    decision_ref  TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX group_positions_group ON group_positions (group_id, ended_on);
CREATE INDEX group_positions_resident ON group_positions (resident_id);
-- At most one current head per group, and one current position per person in a group.
-- Terms past their end are closed (ended_on = ends_on) before a new appointment.
CREATE UNIQUE INDEX group_positions_one_head ON group_positions (group_id)
    WHERE role = 'head' AND ended_on IS NULL;
CREATE UNIQUE INDEX group_positions_one_seat ON group_positions (group_id, resident_id)
    WHERE ended_on IS NULL;

-- The group's own history, in words a commune official reads.
CREATE TABLE group_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code  TEXT COLLATE "C" NOT NULL,
    group_id       BIGINT NOT NULL REFERENCES community_groups(id),
    at             TEXT NOT NULL,
    actor_username TEXT,
    event          TEXT NOT NULL,
    detail_json    TEXT NOT NULL
);
CREATE INDEX group_events_group ON group_events (group_id, id);

-- Coordination regulation (quy chế phối hợp) versions per residential unit.
CREATE TABLE regulations (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code          TEXT COLLATE "C" NOT NULL,
    unit_code              TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path              TEXT COLLATE "C" NOT NULL,
    version                BIGINT NOT NULL,
    signed_on              TEXT NOT NULL,
    unit_head_name         TEXT NOT NULL,
    front_head_name        TEXT NOT NULL,
    unit_head_position_id  BIGINT REFERENCES group_positions(id),
    front_head_position_id BIGINT REFERENCES group_positions(id),
    note                   TEXT,
    document_id            BIGINT REFERENCES documents(id),
    created_at             TEXT NOT NULL,
    created_by             TEXT,
    UNIQUE (unit_code, version)
);
CREATE INDEX regulations_path ON regulations (unit_path);

-- Yearly reviews that kept the regulation unchanged.
CREATE TABLE regulation_reviews (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code TEXT COLLATE "C" NOT NULL,
    unit_code     TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    regulation_id BIGINT NOT NULL REFERENCES regulations(id),
    reviewed_on   TEXT NOT NULL,
    note          TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT
);
CREATE INDEX regulation_reviews_unit ON regulation_reviews (unit_code, reviewed_on);
