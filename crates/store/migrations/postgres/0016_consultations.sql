-- Consultations on a draft document of a unit (hương ước, quy ước, a plan): the text split
-- into articles, and households' comments per article, online or entered from paper.
CREATE TABLE consultations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_code     TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path     TEXT COLLATE "C" NOT NULL,
    province_code TEXT COLLATE "C" NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    preamble      TEXT NOT NULL,
    opens_on      TEXT NOT NULL,
    closes_on     TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    opened_at     TEXT,
    closed_at     TEXT
);
CREATE INDEX consultations_unit ON consultations (unit_code, id);
CREATE INDEX consultations_path ON consultations (unit_path, status);

-- Replaced whole while the consultation is a draft; fixed once it opens.
CREATE TABLE consultation_articles (
    consultation_id BIGINT NOT NULL REFERENCES consultations(id),
    number BIGINT NOT NULL,
    heading         TEXT NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (consultation_id, number)
);

-- Every comment stays; a household may comment on an article more than once.
CREATE TABLE consultation_comments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations(id),
    article BIGINT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES households(id),
    unit_code       TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path       TEXT COLLATE "C" NOT NULL,
    stance          TEXT NOT NULL,
    text            TEXT,
    channel         TEXT NOT NULL,
    resident_id BIGINT REFERENCES residents(id),
    recorded_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    FOREIGN KEY (consultation_id, article) REFERENCES consultation_articles(consultation_id, number)
);
CREATE INDEX consultation_comments_by ON consultation_comments (consultation_id, article, id);
CREATE INDEX consultation_comments_household ON consultation_comments (consultation_id, household_id);
