-- Votes at meetings and household ballots (issue #15 items 5, 6, 7, 9).

-- A province's thresholds, each from a date: the row in force on a day is the latest whose
-- effective_from is on or before it; keys without a row use the law's value.
CREATE TABLE vote_settings (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code  TEXT COLLATE "C" NOT NULL,
    key            TEXT NOT NULL,
    value          BIGINT NOT NULL,
    effective_from TEXT NOT NULL,
    created_by     TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (province_code, key, effective_from)
);

-- A vote: taken at a meeting (show of hands by household, secret ballot, procedural) or by
-- household ballots (mode 'ballot'). Counts of a secret ballot are totals only: how a person
-- voted is never stored.
CREATE TABLE votes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code  TEXT COLLATE "C" NOT NULL,
    unit_code      TEXT NOT NULL REFERENCES units(code),
    unit_path      TEXT COLLATE "C" NOT NULL,
    title          TEXT NOT NULL,
    matter         TEXT NOT NULL,
    mode           TEXT NOT NULL,
    meeting_id     BIGINT,
    from_vote_id   BIGINT REFERENCES votes(id),
    status         TEXT NOT NULL,
    online         BOOLEAN NOT NULL DEFAULT FALSE,
    all_households BIGINT NOT NULL,
    present        BIGINT NOT NULL DEFAULT 0,
    yes_count      BIGINT NOT NULL DEFAULT 0,
    no_count       BIGINT NOT NULL DEFAULT 0,
    abstain_count  BIGINT NOT NULL DEFAULT 0,
    committee      TEXT NOT NULL DEFAULT '',
    candidate_id   BIGINT REFERENCES residents(id),
    outcome        TEXT,
    thresholds     TEXT NOT NULL,
    created_by     TEXT,
    created_at     TEXT NOT NULL,
    closed_at      TEXT,
    published_at   TEXT
);
CREATE INDEX votes_unit ON votes (unit_path, id);

-- The roll of a ballot, frozen when it opens: the households of the unit's subtree then.
CREATE TABLE vote_roll (
    vote_id      BIGINT NOT NULL REFERENCES votes(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    unit_code    TEXT NOT NULL,
    unit_path    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (vote_id, household_id)
);

-- One vote per household across every channel: the primary key is the refusal.
CREATE TABLE vote_casts (
    vote_id      BIGINT NOT NULL REFERENCES votes(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    channel      TEXT NOT NULL,
    choice       TEXT NOT NULL,
    resident_id  BIGINT REFERENCES residents(id),
    recorded_by  TEXT NOT NULL,
    cast_at      TEXT NOT NULL,
    PRIMARY KEY (vote_id, household_id)
);

-- The two entries of the paper ballots, by two different people; they become casts when the
-- ballot closes, and only if they agree.
CREATE TABLE vote_paper (
    vote_id      BIGINT NOT NULL REFERENCES votes(id),
    entry_no     BIGINT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES households(id),
    choice       TEXT NOT NULL,
    PRIMARY KEY (vote_id, entry_no, household_id)
);
CREATE TABLE vote_paper_entries (
    vote_id       BIGINT NOT NULL REFERENCES votes(id),
    entry_no      BIGINT NOT NULL,
    entered_by_id BIGINT NOT NULL,
    entered_by    TEXT NOT NULL,
    sheet_file_id BIGINT,
    entered_at    TEXT NOT NULL,
    PRIMARY KEY (vote_id, entry_no)
);

-- Every change to a tally, with its before and after.
CREATE TABLE vote_tally_log (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vote_id  BIGINT NOT NULL REFERENCES votes(id),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    change   TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX vote_tally_log_vote ON vote_tally_log (vote_id, id);
