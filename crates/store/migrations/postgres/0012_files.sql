-- Files attached to records of any area (announcement attachments, meeting-minutes scans,
-- proxy authorisations, ballot-sheet photos): checked by content, fingerprinted (SHA-256),
-- kept with the owning record's unit so that reads are authorized by its path.
CREATE TABLE files (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_kind    TEXT NOT NULL COLLATE "C",
    owner_id      BIGINT NOT NULL,
    province_code TEXT NOT NULL COLLATE "C",
    path          TEXT NOT NULL COLLATE "C",
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         BYTEA NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- Set when a newer version of the record no longer carries the file; the row stays.
    removed_at    TEXT
);
CREATE INDEX files_owner ON files (owner_kind, owner_id, id);
