-- What a restructuring scheme does with each group of a unit it closes (docs/restructuring.md,
-- "Groups"): carry it over to one of the scheme's new or surviving units (`to_code`: a new
-- unit's code does not exist until the scheme is applied, so it is not a foreign key), merge it
-- into another group (`into_group_id`), or dissolve it. A group without a row is dissolved.
-- action: carry_over | merge | dissolve.
CREATE TABLE restructuring_scheme_groups (
    scheme_id     BIGINT NOT NULL REFERENCES restructuring_schemes(id),
    group_id      BIGINT NOT NULL REFERENCES community_groups(id),
    action        TEXT NOT NULL,
    to_code       TEXT COLLATE "C",
    into_group_id BIGINT REFERENCES community_groups(id),
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (scheme_id, group_id)
);
