//! Reads of beats, their units and militia heads.

use super::*;

impl Store {
    /// The beats of a commune, the open ones first, by name.
    pub async fn beats_of_commune(&self, commune: &str) -> Result<Vec<BeatRecord>, StoreError> {
        let sql = format!(
            "SELECT {BEAT_COLUMNS} WHERE b.commune_code = $1 \
             ORDER BY CASE WHEN b.valid_to IS NULL THEN 0 ELSE 1 END, b.name, b.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(commune).fetch_all(p).await?
        }))
    }

    pub async fn beat(&self, id: BeatId) -> Result<BeatRecord, StoreError> {
        let sql = format!("SELECT {BEAT_COLUMNS} WHERE b.id = $1");
        let r: Option<BeatRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        r.ok_or(StoreError::NotFound)
    }

    /// Every assignment of a beat, open ones first, then by unit path and start.
    pub async fn beat_assignments(
        &self,
        beat_id: BeatId,
    ) -> Result<Vec<BeatUnitRecord>, StoreError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} WHERE a.beat_id = $1 \
             ORDER BY CASE WHEN a.valid_to IS NULL THEN 0 ELSE 1 END, a.unit_path, a.valid_from, a.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(beat_id.get()).fetch_all(p).await?
        }))
    }

    pub async fn beat_assignment(
        &self,
        id: BeatAssignmentId,
    ) -> Result<BeatUnitRecord, StoreError> {
        let sql = format!("SELECT {ASSIGNMENT_COLUMNS} WHERE a.id = $1");
        let r: Option<BeatUnitRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        r.ok_or(StoreError::NotFound)
    }

    /// The assignments open on `day` of the commune's beats, and of other beats reaching
    /// into the commune.
    pub async fn beat_covers_on(
        &self,
        commune: &Unit,
        day: &str,
    ) -> Result<Vec<BeatUnitRecord>, StoreError> {
        let (lo, hi) = subtree(&commune.path);
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} WHERE (b.commune_code = $1 OR (a.unit_path >= $2 \
             AND a.unit_path < $3)) AND a.valid_from <= $4 \
             AND (a.valid_to IS NULL OR a.valid_to > $4) ORDER BY a.unit_path, a.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(&commune.code).bind(&lo).bind(&hi).bind(day)
                .fetch_all(p).await?
        }))
    }

    /// The open assignments of the commune's beats and of units in it, whatever the date.
    pub async fn beat_covers_open(
        &self,
        commune: &Unit,
    ) -> Result<Vec<BeatUnitRecord>, StoreError> {
        let (lo, hi) = subtree(&commune.path);
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} WHERE (b.commune_code = $1 OR (a.unit_path >= $2 \
             AND a.unit_path < $3)) AND a.valid_to IS NULL ORDER BY a.unit_path, a.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(&commune.code).bind(&lo).bind(&hi).fetch_all(p).await?
        }))
    }

    /// The residential units of a commune open on `day`, by path (parents first).
    pub async fn units_open_on(
        &self,
        commune: &Unit,
        day: &str,
    ) -> Result<Vec<AlignUnitRow>, StoreError> {
        let (lo, hi) = subtree(&commune.path);
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT code, path, parent_code, level, name FROM units \
                 WHERE path >= $1 AND path < $2 AND valid_from <= $3 \
                 AND (valid_to IS NULL OR valid_to > $3) ORDER BY path",
            )
            .bind(&lo).bind(&hi).bind(day).fetch_all(p).await?
        }))
    }

    /// The units of a commune with a militia head on `day`.
    pub async fn militia_units_on(
        &self,
        commune: &str,
        day: &str,
    ) -> Result<BTreeSet<String>, StoreError> {
        let rows: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT unit_code FROM militia_heads WHERE commune_code = $1 \
                 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)",
            )
            .bind(commune).bind(day).fetch_all(p).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Every militia head of a commune, open ones first, by unit.
    pub async fn militia_of_commune(
        &self,
        commune: &str,
    ) -> Result<Vec<MilitiaRecord>, StoreError> {
        let sql = format!(
            "SELECT {MILITIA_COLUMNS} WHERE m.commune_code = $1 \
             ORDER BY CASE WHEN m.valid_to IS NULL THEN 0 ELSE 1 END, m.unit_path, m.valid_from DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(commune).fetch_all(p).await?
        }))
    }

    pub async fn militia_head(&self, id: MilitiaHeadId) -> Result<MilitiaRecord, StoreError> {
        let sql = format!("SELECT {MILITIA_COLUMNS} WHERE m.id = $1");
        let r: Option<MilitiaRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        r.ok_or(StoreError::NotFound)
    }

    /// The participants of the commune's recorded restructuring events, in order of
    /// effective date.
    pub async fn event_parts_of_commune(
        &self,
        commune: &str,
    ) -> Result<Vec<EventPartRow>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT e.id AS event_id, e.kind, e.effective_on, pa.unit_code, u.path AS unit_path, \
                 pa.role, pa.households FROM unit_events e JOIN unit_event_participants pa ON pa.event_id = e.id \
                 JOIN units u ON u.code = pa.unit_code WHERE e.commune_code = $1 \
                 ORDER BY e.effective_on, e.id, u.path, pa.role",
            )
            .bind(commune).fetch_all(p).await?
        }))
    }
}
