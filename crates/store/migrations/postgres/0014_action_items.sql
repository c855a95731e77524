-- Action items ("rõ người, rõ việc"): tasks set by resolutions, each with one owner — a
-- resident, an account, or a group's post resolved to its holder when read — a due date and
-- a status; the history of progress notes; the meetings each open item was carried into.
CREATE TABLE action_items (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code     TEXT COLLATE "C" NOT NULL,
    unit_code         TEXT COLLATE "C" NOT NULL REFERENCES units(code),
    unit_path         TEXT COLLATE "C" NOT NULL,
    group_id          BIGINT REFERENCES community_groups(id),
    meeting_id        BIGINT REFERENCES meetings(id),
    resolution        TEXT,
    title             TEXT NOT NULL,
    description       TEXT,
    owner_kind        TEXT NOT NULL,
    owner_resident_id BIGINT REFERENCES residents(id),
    owner_user_id     BIGINT REFERENCES users(id),
    owner_group_id    BIGINT REFERENCES community_groups(id),
    owner_role        TEXT,
    due_on            TEXT NOT NULL,
    status            TEXT NOT NULL,
    -- The Vietnam date it was marked done (for "done on time").
    done_on           TEXT,
    -- The last Vietnam date the overdue flag went out (at most once a day).
    flagged_on        TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX action_items_unit ON action_items (unit_path, due_on, id);
CREATE INDEX action_items_pending ON action_items (due_on, id) WHERE status IN ('open', 'in_progress');
CREATE INDEX action_items_meeting ON action_items (meeting_id) WHERE meeting_id IS NOT NULL;

CREATE TABLE action_item_notes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id        BIGINT NOT NULL REFERENCES action_items(id),
    at             TEXT NOT NULL,
    author_user_id BIGINT REFERENCES users(id),
    author_name    TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX action_item_notes_item ON action_item_notes (item_id, id);

CREATE TABLE action_item_carries (
    item_id    BIGINT NOT NULL REFERENCES action_items(id),
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    carried_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, item_id)
);

-- Each item with its owner resolved now: the person who owes it (a position's current
-- holder: the post not ended, latest start first), the account to tell, and the names shown.
CREATE VIEW action_items_resolved AS
SELECT x.*,
       un.name AS unit_name,
       g.name AS group_name,
       og.name AS owner_group_name,
       COALESCE(r.full_name, ou.display_name) AS holder_name,
       CASE WHEN x.owner_kind = 'account' THEN x.owner_user_id
            ELSE (SELECT MIN(u.id) FROM users u
                  WHERE u.resident_id = x.holder_resident_id AND NOT u.disabled) END
           AS holder_user_id
FROM (SELECT i.*,
             CASE i.owner_kind
                 WHEN 'resident' THEN i.owner_resident_id
                 WHEN 'position' THEN (SELECT p.resident_id FROM group_positions p
                                       WHERE p.group_id = i.owner_group_id
                                         AND p.role = i.owner_role AND p.ended_on IS NULL
                                       ORDER BY p.starts_on DESC, p.id DESC LIMIT 1)
             END AS holder_resident_id
      FROM action_items i) x
JOIN units un ON un.code = x.unit_code
LEFT JOIN community_groups g ON g.id = x.group_id
LEFT JOIN community_groups og ON og.id = x.owner_group_id
LEFT JOIN residents r ON r.id = x.holder_resident_id
LEFT JOIN users ou ON ou.id = x.owner_user_id AND x.owner_kind = 'account';
