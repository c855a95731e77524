-- Announcements passed on down the unit tree and acknowledged per household; the outbox of
-- every message the product sends; the delivery addresses each account chooses.
CREATE TABLE announcements (
    id               INTEGER PRIMARY KEY,
    unit_code        TEXT NOT NULL REFERENCES units(code),
    unit_path        TEXT NOT NULL,
    category         TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    version          INTEGER NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_until      TEXT,
    public           BOOLEAN NOT NULL,
    -- Optional narrowing to some group kinds or roles, comma-separated codes.
    group_kinds      TEXT NOT NULL DEFAULT '',
    roles            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    author_user_id   INTEGER REFERENCES users(id),
    author_name      TEXT NOT NULL,
    published_at     TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_reason TEXT
);
CREATE INDEX announcements_unit ON announcements (unit_code, id);

-- Every version stays readable; acknowledgements name the version they were given for.
CREATE TABLE announcement_versions (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    version         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (announcement_id, version)
);

-- One row per unit below the announcement's unit: its deadline, and when its head passed it on.
CREATE TABLE announcement_units (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    unit_code       TEXT NOT NULL REFERENCES units(code),
    parent_code     TEXT NOT NULL,
    depth           INTEGER NOT NULL,
    deadline        TEXT NOT NULL,
    passed_on_at    TEXT,
    passed_on_by    TEXT,
    note            TEXT,
    PRIMARY KEY (announcement_id, unit_code)
);
CREATE INDEX announcement_units_waiting ON announcement_units (unit_code, passed_on_at);

-- One acknowledgement per household and announcement; a new version raises `version` again.
CREATE TABLE announcement_acks (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    household_id    INTEGER NOT NULL REFERENCES households(id),
    unit_code       TEXT NOT NULL REFERENCES units(code),
    version         INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    resident_id     INTEGER REFERENCES residents(id),
    recorded_by     TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    UNIQUE (announcement_id, household_id)
);
CREATE INDEX announcement_acks_unit ON announcement_acks (announcement_id, unit_code);

-- Where an account wants messages: one address per channel (e-mail address, phone number).
CREATE TABLE delivery_addresses (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, channel)
);

-- Every message, written in the transaction of the change that causes it, delivered by the
-- worker; the idempotency key travels with it (Message-ID, Idempotency-Key header).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    -- What the message is about (`announcement`, id), for the author's delivery counts.
    about_type      TEXT NOT NULL,
    about_id        INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_about ON outbox (about_type, about_id);
