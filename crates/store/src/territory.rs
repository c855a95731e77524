//! Storage of the unit tree.

use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::{
    NewResidentialUnit, SearchQuery, SubdivisionScheme, Tier, Unit, UnitKind,
};

use serde_json::json;

use crate::audit::{insert_audit, Arg, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, subtree, with_pool, Store, StoreError};

const UNIT_COLUMNS: &str = "code, parent_code, province_code, path, level, kind, name, codename, \
     valid_from, valid_to, sort_key, \
     (SELECT COUNT(*) FROM units c WHERE c.parent_code = units.code AND c.valid_to IS NULL) \
     AS child_count";

/// The columns of a stored [`Unit`], read by every query of units (flattened into rows that
/// carry more beside it).
#[derive(sqlx::FromRow)]
pub(crate) struct UnitCols {
    code: String,
    parent_code: Option<String>,
    province_code: String,
    path: String,
    level: i64,
    #[sqlx(try_from = "String")]
    kind: UnitKind,
    name: String,
    codename: Option<String>,
    valid_from: String,
    valid_to: Option<String>,
}

impl From<UnitCols> for Unit {
    fn from(r: UnitCols) -> Self {
        Unit {
            code: r.code,
            parent_code: r.parent_code,
            province_code: r.province_code,
            path: r.path,
            level: r.level,
            kind: r.kind,
            name: r.name,
            codename: r.codename,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    #[sqlx(flatten)]
    unit: UnitCols,
    sort_key: Vec<u8>,
    child_count: i64,
}

/// A unit with what lists need beside it.
#[derive(Debug, Clone)]
pub struct UnitListItem {
    pub unit: Unit,
    pub child_count: i64,
    sort_key: Vec<u8>,
}

impl UnitListItem {
    /// An item read elsewhere (the tree as of a date), sorted by `sort_key`.
    pub(crate) fn new(unit: Unit, child_count: i64, sort_key: Vec<u8>) -> Self {
        Self {
            unit,
            child_count,
            sort_key,
        }
    }

    pub fn cursor(&self) -> Cursor {
        Cursor {
            sort_key: self.sort_key.clone(),
            code: self.unit.code.clone(),
        }
    }
}

impl From<UnitRow> for UnitListItem {
    fn from(r: UnitRow) -> Self {
        Self {
            unit: r.unit.into(),
            child_count: r.child_count,
            sort_key: r.sort_key,
        }
    }
}

/// One page of units in Vietnamese order, with the cursor of the next page if any.
#[derive(Debug, Clone)]
pub struct UnitPage {
    pub items: Vec<UnitListItem>,
    pub next: Option<Cursor>,
}

/// Which units to list.
#[derive(Debug, Clone)]
pub enum UnitFilter<'a> {
    /// The provinces.
    Provinces,
    /// The current children of a unit.
    ChildrenOf(&'a str),
    /// Units whose folded name matches, optionally only inside one unit's subtree.
    Search {
        query: &'a SearchQuery,
        within: Option<&'a Unit>,
    },
}

pub use crate::restructuring::import::ImportReport;

fn into_page(rows: Vec<UnitRow>, limit: Limit) -> Result<UnitPage, StoreError> {
    let limit = limit.get() as usize;
    let mut items: Vec<UnitListItem> = rows.into_iter().map(UnitListItem::from).collect();
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(UnitListItem::cursor)
    } else {
        None
    };
    Ok(UnitPage { items, next })
}

impl Store {
    /// Lists units in Vietnamese collation order, one page at a time.
    pub async fn list_units(
        &self,
        filter: &UnitFilter<'_>,
        after: Option<&Cursor>,
        limit: Limit,
    ) -> Result<UnitPage, StoreError> {
        let (after_key, after_code) = match after {
            Some(c) => (Some(c.sort_key.clone()), c.code.clone()),
            None => (None, String::new()),
        };
        let fetch = i64::from(limit.get()) + 1;
        // The WHERE clause is picked from fixed texts; user input only ever travels as binds.
        let (condition, a, b, c) = match filter {
            UnitFilter::Provinces => ("level = 1 AND $1 = $2 AND $3 = $3", "", "", String::new()),
            UnitFilter::ChildrenOf(code) => (
                "parent_code = $1 AND $2 = $2 AND $3 = $3",
                *code,
                "",
                String::new(),
            ),
            UnitFilter::Search { query, within } => {
                let (lo, hi) = match within {
                    Some(u) => subtree(&u.path),
                    None => (String::new(), "~".to_owned()),
                };
                let sql = "name_folded LIKE $1 ESCAPE '\\' AND path >= $2 AND path < $3";
                return self
                    .query_unit_page(
                        sql,
                        (&query.like_pattern, &lo, &hi),
                        after_key,
                        after_code,
                        fetch,
                        limit,
                    )
                    .await;
            }
        };
        self.query_unit_page(condition, (a, b, &c), after_key, after_code, fetch, limit)
            .await
    }

    async fn query_unit_page(
        &self,
        condition: &str,
        binds: (&str, &str, &str),
        after_key: Option<Vec<u8>>,
        after_code: String,
        fetch: i64,
        limit: Limit,
    ) -> Result<UnitPage, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units WHERE {condition} AND valid_to IS NULL \
             AND ($4 IS NULL OR sort_key > $4 OR (sort_key = $4 AND code > $5)) \
             ORDER BY sort_key, code LIMIT $6"
        );
        let rows: Vec<UnitRow> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(binds.0)
                .bind(binds.1)
                .bind(binds.2)
                .bind(after_key)
                .bind(after_code)
                .bind(fetch)
                .fetch_all(p)
                .await?
        });
        into_page(rows, limit)
    }

    /// One unit by code, current or historical.
    pub async fn unit(&self, code: &str) -> Result<UnitListItem, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1");
        let row: Option<UnitRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_optional(p).await?
        });
        row.map(UnitListItem::from).ok_or(StoreError::NotFound)
    }

    /// The ancestors of a unit, from its province down to its parent.
    pub async fn ancestors(&self, unit: &Unit) -> Result<Vec<UnitListItem>, StoreError> {
        // The ancestors' paths are the prefixes of the unit's materialized path
        // (`79/26743/kp01` → `79`, `79/26743`): a few lookups on the unique path index. (A
        // recursive query over `parent_code` made PostgreSQL hash-join the whole table.)
        let prefixes: Vec<&str> = unit
            .path
            .match_indices('/')
            .map(|(i, _)| &unit.path[..i])
            .collect();
        if prefixes.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=prefixes.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units WHERE path IN ({}) ORDER BY level",
            marks.join(", ")
        );
        let rows: Vec<UnitRow> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for prefix in &prefixes {
                q = q.bind(*prefix);
            }
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(UnitListItem::from).collect())
    }

    /// How many provinces are stored; zero means the territory has never been loaded.
    pub async fn province_count(&self) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE level = 1")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }

    /// How many current provinces and communes are stored.
    pub async fn unit_counts(&self) -> Result<(i64, i64), StoreError> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT level, COUNT(*) FROM units WHERE level <= 2 AND valid_to IS NULL \
                 GROUP BY level",
            )
            .fetch_all(p)
            .await?
        });
        let count = |l| rows.iter().find(|r| r.0 == l).map_or(0, |r| r.1);
        Ok((count(1), count(2)))
    }

    /// A commune that has residential units, to point a visitor at a living example.
    pub async fn a_commune_with_units(&self) -> Result<Option<Unit>, StoreError> {
        let code: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT parent_code FROM units WHERE level = 3 AND valid_to IS NULL \
                 ORDER BY sort_key, code LIMIT 1",
            )
            .fetch_optional(p)
            .await?
        });
        match code {
            Some(c) => Ok(Some(self.unit(&c).await?.unit)),
            None => Ok(None),
        }
    }

    /// The subdivision scheme that applies below `unit`'s commune: the commune's own, else its
    /// province's, else the national default for the commune's kind.
    pub async fn scheme_for(&self, unit: &Unit) -> Result<SubdivisionScheme, StoreError> {
        let commune_code = unit.code.split('-').next().unwrap_or(&unit.code).to_owned();
        let commune = if unit.kind.tier() == Tier::Commune {
            unit.clone()
        } else {
            self.unit(&commune_code).await?.unit
        };
        let rows: Vec<(String, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT scope_code, levels FROM subdivision_schemes \
                 WHERE scope_code = $1 OR scope_code = $2",
            )
            .bind(&commune.code)
            .bind(&commune.province_code)
            .fetch_all(p)
            .await?
        });
        let pick = rows
            .iter()
            .find(|(scope, _)| *scope == commune.code)
            .or_else(|| rows.first());
        match pick {
            Some((_, levels)) => Ok(SubdivisionScheme::parse(levels)?),
            None => Ok(SubdivisionScheme::default_for(commune.kind)),
        }
    }

    /// Sets the scheme of a province or a commune.
    pub async fn set_scheme(
        &self,
        scope_code: &str,
        scheme: &SubdivisionScheme,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let scope = self.unit(scope_code).await?.unit;
        if scope.kind.tier() == Tier::Residential {
            return Err(StoreError::Invalid(tuquan_domain::FieldError::new(
                "code",
                tuquan_domain::FieldErrorKind::NotAllowedHere,
                "a scheme is set on a province or a commune",
            )));
        }
        let ts = now();
        let before: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT levels FROM subdivision_schemes WHERE scope_code = $1")
                .bind(scope_code)
                .fetch_optional(p)
                .await?
        });
        let entry = AuditEntry {
            action: "territory.scheme_set",
            target_type: "unit",
            target_id: scope_code.to_owned(),
            unit_path: Some(scope.path.clone()),
            before: before.map(|b| json!({ "levels": b })),
            after: Some(json!({ "levels": scheme.format() })),
        };
        self.execute_audited(
            "INSERT INTO subdivision_schemes (scope_code, levels, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (scope_code) DO UPDATE SET levels = excluded.levels, \
             updated_at = excluded.updated_at",
            &[
                Arg::Text(scope_code),
                Arg::Text(&scheme.format()),
                Arg::Text(&ts),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Stores a new residential unit. The code must be new: codes are never reused.
    pub async fn insert_residential_unit(
        &self,
        u: &NewResidentialUnit,
        ctx: &AuditCtx,
    ) -> Result<UnitListItem, StoreError> {
        let ts = now();
        let entry = AuditEntry {
            action: "unit.create",
            target_type: "unit",
            target_id: u.code.as_str().to_owned(),
            unit_path: Some(u.path.clone()),
            before: None,
            after: Some(json!({
                "code": u.code.as_str(), "parent_code": u.parent_code, "name": u.name,
                "kind": u.kind.as_str(), "path": u.path, "valid_from": u.valid_from,
            })),
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, \
                 name_folded, sort_key, codename, valid_from, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $11)",
            )
            .bind(u.code.as_str())
            .bind(&u.parent_code)
            .bind(&u.province_code)
            .bind(&u.path)
            .bind(u.level)
            .bind(u.kind.as_str())
            .bind(&u.name)
            .bind(&u.name_folded)
            .bind(&u.sort_key)
            .bind(&u.valid_from)
            .bind(&ts)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("local_code"))?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
        });
        self.unit(u.code.as_str()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_excludes_siblings_with_longer_codes() {
        let (lo, hi) = subtree("79/26743");
        assert!("79/26743/kp01".as_bytes() >= lo.as_bytes());
        assert!("79/26743/kp01".as_bytes() < hi.as_bytes());
        assert!("79/267430".as_bytes() >= hi.as_bytes());
        assert!("79/26743".as_bytes() < lo.as_bytes());
    }
}
