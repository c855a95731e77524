-- Resident feedback (phản ánh, kiến nghị): categories, routing, holidays, items, their
-- history, photos and in-app notifications.

-- Categories; commune_code '' holds the defaults every commune starts with.
CREATE TABLE feedback_categories (
    commune_code    TEXT NOT NULL,
    code            TEXT NOT NULL,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    ack_minutes     BIGINT NOT NULL,
    resolve_minutes BIGINT NOT NULL,
    allow_anonymous BOOLEAN NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (commune_code, code)
);
INSERT INTO feedback_categories VALUES
    ('', 'security_order', 'An ninh, trật tự', 'Security and order', 480, 2400, TRUE, TRUE),
    ('', 'traffic', 'Giao thông', 'Traffic', 480, 2400, TRUE, TRUE),
    ('', 'environment', 'Môi trường, vệ sinh', 'Environment and sanitation', 480, 2400, TRUE, TRUE),
    ('', 'fire_risk', 'Nguy cơ cháy nổ', 'Fire risk', 240, 1440, TRUE, TRUE),
    ('', 'infrastructure', 'Hạ tầng (đường, điện, nước, chiếu sáng)', 'Infrastructure', 480, 2400, TRUE, TRUE),
    ('', 'administrative', 'Thủ tục hành chính', 'Administrative procedures', 480, 2400, FALSE, TRUE),
    ('', 'other', 'Khác', 'Other', 480, 4800, FALSE, TRUE);

-- A commune's routing table; category_code '' matches every category.
CREATE TABLE feedback_routes (
    commune_code  TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    category_code TEXT NOT NULL,
    level         TEXT NOT NULL,
    role          TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (commune_code, category_code)
);

-- Weekdays off and weekend days worked, nationwide.
CREATE TABLE work_calendar (
    day     TEXT COLLATE "C" PRIMARY KEY,
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL
);
-- 2026 (Decree 145/2020 and the 2025 amendment giving two days for National Day); officials
-- confirm each year's Tết and bridge days.
INSERT INTO work_calendar VALUES
    ('2026-01-01', 'holiday', 'Tết Dương lịch'),
    ('2026-02-16', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-17', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-18', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-19', 'holiday', 'Tết Nguyên đán'),
    ('2026-02-20', 'holiday', 'Tết Nguyên đán'),
    ('2026-04-27', 'holiday', 'Giỗ Tổ Hùng Vương (nghỉ bù)'),
    ('2026-04-30', 'holiday', 'Ngày Giải phóng miền Nam'),
    ('2026-05-01', 'holiday', 'Quốc tế Lao động'),
    ('2026-09-01', 'holiday', 'Quốc khánh'),
    ('2026-09-02', 'holiday', 'Quốc khánh');

CREATE TABLE feedback (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_code    TEXT NOT NULL UNIQUE,
    province_code    TEXT NOT NULL,
    commune_code     TEXT NOT NULL,
    unit_code        TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path        TEXT COLLATE "C" NOT NULL,
    category         TEXT NOT NULL,
    description      TEXT NOT NULL,
    address          TEXT,
    lat              DOUBLE PRECISION,
    lng              DOUBLE PRECISION,
    contact_name     TEXT,
    contact_phone    TEXT,
    contact_email    TEXT,
    submitter_id     BIGINT REFERENCES users(id),
    filed_by_id      BIGINT REFERENCES users(id),
    status           TEXT NOT NULL DEFAULT 'new',
    level            TEXT NOT NULL,
    role             TEXT NOT NULL,
    assignee_id      BIGINT REFERENCES users(id),
    ack_due_at       TEXT COLLATE "C" NOT NULL,
    resolve_due_at   TEXT COLLATE "C" NOT NULL,
    acknowledged_at  TEXT,
    resolved_at      TEXT,
    closed_at        TEXT,
    escalations      BIGINT NOT NULL DEFAULT 0,
    duplicate_of     BIGINT REFERENCES feedback(id),
    referred_to      TEXT,
    public_answer    TEXT,
    rating           BIGINT,
    reopen_count     BIGINT NOT NULL DEFAULT 0,
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX feedback_unit ON feedback (unit_path, id);
CREATE INDEX feedback_status ON feedback (status, resolve_due_at);
CREATE INDEX feedback_commune_created ON feedback (commune_code, created_at);

CREATE TABLE feedback_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feedback_id   BIGINT NOT NULL REFERENCES feedback(id),
    at            TEXT NOT NULL,
    actor_id      BIGINT REFERENCES users(id),
    actor_name    TEXT,
    kind          TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT,
    public_note   TEXT,
    internal_note TEXT
);
CREATE INDEX feedback_events_item ON feedback_events (feedback_id, id);

CREATE TABLE feedback_photos (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feedback_id  BIGINT NOT NULL REFERENCES feedback(id),
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX feedback_photos_item ON feedback_photos (feedback_id);

CREATE TABLE notifications (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    feedback_id BIGINT REFERENCES feedback(id),
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
