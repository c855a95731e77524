-- Files attached to records of any area (announcement attachments, meeting-minutes scans,
-- proxy authorisations, ballot-sheet photos): checked by content, fingerprinted (SHA-256),
-- kept with the owning record's unit so that reads are authorized by its path.
CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    owner_kind    TEXT NOT NULL,
    owner_id      INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    path          TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- Set when a newer version of the record no longer carries the file; the row stays.
    removed_at    TEXT
);
CREATE INDEX files_owner ON files (owner_kind, owner_id, id);
