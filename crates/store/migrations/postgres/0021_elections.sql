-- Elections of a unit's head or deputy (issue #15 item 7): the candidates named on the vote
-- with the votes of each, the day their list was posted, and the commune's recognition of the
-- result, which appoints the elected resident through the groups area.

ALTER TABLE votes ADD COLUMN list_posted_on TEXT;

CREATE TABLE vote_candidates (
    vote_id     BIGINT NOT NULL REFERENCES votes(id),
    position    BIGINT NOT NULL,
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    full_name   TEXT NOT NULL,
    votes       BIGINT NOT NULL DEFAULT 0,
    elected     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (vote_id, resident_id)
);

-- One recognition per election: the primary key refuses a second.
CREATE TABLE vote_recognitions (
    vote_id         BIGINT PRIMARY KEY REFERENCES votes(id),
    resident_id     BIGINT NOT NULL REFERENCES residents(id),
    decision_number TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    position_id     BIGINT NOT NULL REFERENCES group_positions(id),
    grants_added    BIGINT NOT NULL DEFAULT 0,
    recognised_by   TEXT,
    recognised_at   TEXT NOT NULL
);
