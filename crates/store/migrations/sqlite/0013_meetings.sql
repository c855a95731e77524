-- Meetings of a unit or of a group, their agenda, the frozen roll printed on the sign-in
-- sheet, attendance per roll row (a household, or a person at a group meeting), and the
-- minutes as versions (a finalised version is locked; a correction is a new version).
CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    province_code    TEXT NOT NULL,
    unit_code        TEXT NOT NULL REFERENCES units(code),
    unit_path        TEXT NOT NULL,
    -- A group's meeting (attendance by person); NULL for a meeting of the unit.
    group_id         INTEGER REFERENCES community_groups(id),
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    -- Vietnam time: `YYYY-MM-DD` and `HH:MM`.
    meeting_date     TEXT NOT NULL,
    meeting_time     TEXT NOT NULL,
    place            TEXT NOT NULL,
    chair_name       TEXT,
    secretary_name   TEXT,
    elects_head      BOOLEAN NOT NULL DEFAULT FALSE,
    -- Held in this many clusters whose attendance adds up (Art 18); 1 for one meeting.
    clusters         INTEGER NOT NULL DEFAULT 1,
    status           TEXT NOT NULL,
    -- The invitation published through the announcements.
    announcement_id  INTEGER REFERENCES announcements(id),
    -- When the roll (the sign-in sheet's rows) was frozen, and how many rows it has.
    roll_frozen_at   TEXT,
    roll_size        INTEGER,
    cancelled_reason TEXT,
    held_at          TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX meetings_unit ON meetings (unit_code, meeting_date, id);
CREATE INDEX meetings_path ON meetings (unit_path, meeting_date);

CREATE TABLE meeting_agenda (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
);

-- The roll, frozen when first printed or used: one row per household (or group member), in
-- Vietnamese order, with its short code.
CREATE TABLE meeting_roll (
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    row_no       INTEGER NOT NULL,
    code         TEXT NOT NULL,
    household_id INTEGER REFERENCES households(id),
    resident_id  INTEGER REFERENCES residents(id),
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    address      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, row_no),
    UNIQUE (meeting_id, code)
);

-- Who came for a roll row; one row each.
CREATE TABLE meeting_attendance (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    row_no        INTEGER NOT NULL,
    household_id  INTEGER REFERENCES households(id),
    resident_id   INTEGER REFERENCES residents(id),
    attendee_kind TEXT NOT NULL,
    attendee_name TEXT,
    -- The written authorisation of a proxy (files facility, owner kind 'proxy').
    proxy_file_id INTEGER,
    cluster       INTEGER NOT NULL DEFAULT 1,
    source        TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (meeting_id, row_no)
);

-- The minutes, one row per version; `content` is the JSON of the domain's MinutesContent.
CREATE TABLE meeting_minutes (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL,
    -- Why this version corrects the previous one (NULL for the first).
    reason       TEXT,
    content      TEXT NOT NULL,
    -- The signed paper scan (files facility, owner kind 'minutes_scan') and its SHA-256.
    scan_file_id INTEGER,
    scan_sha256  TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finalised_at TEXT,
    finalised_by TEXT,
    UNIQUE (meeting_id, version)
);
