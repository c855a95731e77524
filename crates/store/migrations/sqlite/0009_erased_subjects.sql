-- Erased subjects (issue 11 #8): the audit log is append-only, so rows written before an
-- approved erasure keep the person's values in their before/after JSON. Instead of editing
-- them, the erasure records keyed hashes (HMAC-SHA-256 under the identity key) of the
-- person's identifying values here, and every read of the log redacts the values that
-- match and the personal fields of rows about the person. The hashes reveal nothing
-- without the key.
CREATE TABLE erased_subjects (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    digest      TEXT NOT NULL,
    erased_at   TEXT NOT NULL
);
CREATE INDEX erased_subjects_digest ON erased_subjects (digest);
CREATE INDEX erased_subjects_resident ON erased_subjects (resident_id);
