//! The steps of a beats write on an open transaction `$tx` of either backend, each with its
//! audit rows: macros, because the two backends' transactions are different types. They
//! expand in `super`, whose imports they use.

/// Gives `$user` an area police grant on the unit of `$a` (an assignment of beat
/// `$a.beat_id`), with its audit row. Yields the grant's id.
macro_rules! grant_in_tx {
    ($tx:expr, $user:expr, $a:expr, $ts:expr, $ctx:expr) => {{
        let user: UserId = $user;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grants (user_id, role, unit_code, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user.get())
        .bind(Role::AreaPolice.as_str())
        .bind(&$a.unit_code)
        .bind($ts)
        .fetch_one(&mut *$tx)
        .await?;
        let mut e = entry("user.grant_added", "user", user.to_string(), &$a.unit_path);
        e.after = Some(json!({ "role": Role::AreaPolice.as_str(), "unit": $a.unit_code,
                               "beat_id": $a.beat_id }));
        insert_audit!(&mut *$tx, $ctx, &e)?;
        id
    }};
}

/// Removes grant `$grant` given for the unit of `$a` (an assignment of beat `$a.beat_id`),
/// with its audit row. Only the grant as given: one moved elsewhere meanwhile (a
/// restructuring moving grants to a successor) is no longer the assignment's.
macro_rules! revoke_in_tx {
    ($tx:expr, $grant:expr, $a:expr, $ctx:expr) => {{
        let user: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM grants WHERE id = $1 AND unit_code = $2 AND role = $3",
        )
        .bind($grant)
        .bind(&$a.unit_code)
        .bind(Role::AreaPolice.as_str())
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some(user) = user {
            sqlx::query("DELETE FROM grants WHERE id = $1")
                .bind($grant)
                .execute(&mut *$tx)
                .await?;
            let mut e = entry("user.grant_revoked", "user", user.to_string(), &$a.unit_path);
            e.before = Some(json!({ "role": Role::AreaPolice.as_str(), "unit": $a.unit_code,
                                    "beat_id": $a.beat_id }));
            insert_audit!(&mut *$tx, $ctx, &e)?;
        }
    }};
}

/// Writes one assignment, with the officer's grant and the audit rows. Yields its id.
macro_rules! assign_in_tx {
    ($tx:expr, $a:expr, $by:expr, $ts:expr, $ctx:expr) => {{
        let a: &NewAssignment = $a;
        let grant_id: Option<i64> = match a.officer_user_id {
            Some(user) => Some(grant_in_tx!($tx, user, a, $ts, $ctx)),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO beat_units (beat_id, unit_code, unit_path, valid_from, grant_id, \
             event_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(a.beat_id.get())
        .bind(&a.unit_code)
        .bind(&a.unit_path)
        .bind(&a.valid_from)
        .bind(grant_id)
        .bind(a.event_id)
        .bind($by)
        .bind($ts)
        .fetch_one(&mut *$tx)
        .await?;
        let mut e = entry("beat.unit_assigned", "beat", a.beat_id.to_string(), &a.unit_path);
        e.after = Some(json!({ "assignment": id, "unit": a.unit_code, "from": a.valid_from,
                               "event_id": a.event_id, "grant_id": grant_id }));
        insert_audit!(&mut *$tx, $ctx, &e)?;
        BeatAssignmentId(id)
    }};
}

/// Ends one open assignment and removes its grant; `Conflict` when it was ended meanwhile.
macro_rules! end_in_tx {
    ($tx:expr, $a:expr, $ctx:expr) => {{
        let a: &EndAssignment = $a;
        let n = sqlx::query(
            "UPDATE beat_units SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL",
        )
        .bind(a.assignment_id.get())
        .bind(&a.valid_to)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict { field: "valid_to" });
        }
        if let Some(g) = a.grant_id {
            revoke_in_tx!($tx, g, a, $ctx);
        }
        let mut e = entry("beat.unit_ended", "beat", a.beat_id.to_string(), &a.unit_path);
        e.after = Some(json!({ "assignment": a.assignment_id, "unit": a.unit_code,
                               "to": a.valid_to }));
        insert_audit!(&mut *$tx, $ctx, &e)?;
    }};
}

/// Opens a militia head's record with `$q` (an `INSERT … RETURNING id` that inserts nothing
/// when the unit has a head still), with its audit row; `Conflict` on `unit_code` when
/// nothing was inserted. Yields the new id.
macro_rules! open_head_in_tx {
    ($tx:expr, $q:expr, $unit_path:expr, $after:expr, $ctx:expr) => {{
        let id: Option<i64> = $q.fetch_optional(&mut *$tx).await?;
        let Some(id) = id else {
            return Err(StoreError::Conflict { field: "unit_code" });
        };
        let mut e = entry(
            "militia.appoint",
            "militia_head",
            id.to_string(),
            $unit_path,
        );
        e.after = Some($after);
        insert_audit!(&mut *$tx, $ctx, &e)?;
        MilitiaHeadId(id)
    }};
}

/// Writes `$c` (a `BeatChanges`): the ended assignments, the new ones, the militia heads
/// carried and ended, the notices. Yields the new assignments' ids.
macro_rules! changes_in_tx {
    ($tx:expr, $c:expr, $by:expr, $ts:expr, $ctx:expr) => {{
        let c: &BeatChanges = $c;
        for a in &c.ends {
            end_in_tx!($tx, a, $ctx);
        }
        let mut ids = Vec::with_capacity(c.assign.len());
        for a in &c.assign {
            ids.push(assign_in_tx!($tx, a, $by, $ts, $ctx));
        }
        for h in &c.heads {
            let q = sqlx::query_scalar(
                "INSERT INTO militia_heads (province_code, commune_code, unit_code, unit_path, \
                 full_name, phone, resident_id, valid_from, created_by, created_at) \
                 SELECT province_code, commune_code, $2, $3, full_name, phone, resident_id, \
                 $4, $5, $6 FROM militia_heads WHERE id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM militia_heads o WHERE o.unit_code = $7 AND o.valid_to IS NULL) \
                 RETURNING id",
            )
            .bind(h.from_head.get())
            .bind(&h.unit_code)
            .bind(&h.unit_path)
            .bind(&h.valid_from)
            .bind($by)
            .bind($ts)
            .bind(&h.unit_code);
            let after = json!({ "unit": h.unit_code, "from": h.valid_from,
                                "carried_from": h.from_head, "event_id": h.event_id });
            open_head_in_tx!($tx, q, &h.unit_path, after, $ctx);
        }
        for h in &c.head_ends {
            let n = sqlx::query(
                "UPDATE militia_heads SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL",
            )
            .bind(h.head_id.get())
            .bind(&h.valid_to)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "valid_to" });
            }
            let mut e = entry("militia.end", "militia_head", h.head_id.to_string(), &h.unit_path);
            e.after = Some(json!({ "to": h.valid_to, "event_id": h.event_id }));
            insert_audit!(&mut *$tx, $ctx, &e)?;
        }
        insert_messages!($tx, &c.msgs, $ts, true);
        ids
    }};
}
