//! The unit tree as it was on a date: the units open that day, each with the version (name,
//! kind, parent) valid that day. Validity is half-open: `valid_from <= day < valid_to`.
//! Dates are stored as `YYYY-MM-DD` texts, which compare as dates.

use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::{Unit, UnitKind};
use tuquan_domain::text;

use crate::territory::{UnitFilter, UnitListItem, UnitPage};
use crate::{subtree, with_pool, Store, StoreError};

/// Units joined with their version valid on `$1`; both open that day.
const AS_OF_FROM: &str = "FROM units u JOIN unit_versions v ON v.unit_code = u.code \
     WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1) \
     AND u.valid_from <= $1 AND (u.valid_to IS NULL OR u.valid_to > $1)";

const AS_OF_COLUMNS: &str = "u.code, v.parent_code, u.province_code, u.path, u.level, v.kind, \
     v.name, u.codename, u.valid_from, u.valid_to, u.sort_key, \
     (SELECT COUNT(*) FROM unit_versions cv JOIN units c ON c.code = cv.unit_code \
      WHERE cv.parent_code = u.code \
      AND cv.valid_from <= $1 AND (cv.valid_to IS NULL OR cv.valid_to > $1) \
      AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1)) AS child_count";

#[derive(sqlx::FromRow)]
struct AsOfRow {
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
    sort_key: Vec<u8>,
    child_count: i64,
}

impl AsOfRow {
    /// The item, sorted by the name of that day (`by_name`) or by today's name.
    fn item(self, by_name: bool) -> UnitListItem {
        let sort_key = if by_name {
            text::sort_key(&self.name)
        } else {
            self.sort_key
        };
        UnitListItem::new(
            Unit {
                code: self.code,
                parent_code: self.parent_code,
                province_code: self.province_code,
                path: self.path,
                level: self.level,
                kind: self.kind,
                name: self.name,
                codename: self.codename,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
            },
            self.child_count,
            sort_key,
        )
    }
}

fn after(item: &UnitListItem, cursor: Option<&Cursor>) -> bool {
    match cursor {
        None => true,
        Some(c) => {
            let key = item.cursor();
            (&key.sort_key, &key.code) > (&c.sort_key, &c.code)
        }
    }
}

impl Store {
    /// A unit as it was on `day` (`YYYY-MM-DD`): not found if it was not open that day.
    pub async fn unit_as_of(&self, code: &str, day: &str) -> Result<UnitListItem, StoreError> {
        let sql = format!(
            "SELECT {AS_OF_COLUMNS} {AS_OF_FROM} AND u.code = $2 \
             ORDER BY v.valid_from DESC, v.id DESC LIMIT 1"
        );
        let row: Option<AsOfRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(day).bind(code).fetch_optional(p).await?
        });
        row.map(|r| r.item(true)).ok_or(StoreError::NotFound)
    }

    /// The ancestors of a unit as they were on `day`, from its province down to its parent;
    /// paths never change, so they are the prefixes of its path.
    pub async fn ancestors_as_of(
        &self,
        unit: &Unit,
        day: &str,
    ) -> Result<Vec<UnitListItem>, StoreError> {
        let mut out = Vec::new();
        for (i, _) in unit.path.match_indices('/') {
            let prefix = &unit.path[..i];
            let sql = format!(
                "SELECT {AS_OF_COLUMNS} {AS_OF_FROM} AND u.path = $2 \
                 ORDER BY v.valid_from DESC, v.id DESC LIMIT 1"
            );
            let row: Option<AsOfRow> = with_pool!(self, p => {
                sqlx::query_as(&sql).bind(day).bind(prefix).fetch_optional(p).await?
            });
            out.extend(row.map(|r| r.item(true)));
        }
        Ok(out)
    }

    /// Lists units as they were on `day`. Provinces and children are few: they are read
    /// whole and ordered by that day's names; a search is ordered by today's names (its
    /// cursor pages through the index).
    pub async fn list_units_as_of(
        &self,
        filter: &UnitFilter<'_>,
        day: &str,
        cursor: Option<&Cursor>,
        limit: Limit,
    ) -> Result<UnitPage, StoreError> {
        let limit = limit.get() as usize;
        let (condition, bind) = match filter {
            UnitFilter::Provinces => ("u.level = 1 AND $2 = $2", String::new()),
            UnitFilter::ChildrenOf(code) => ("v.parent_code = $2", (*code).to_owned()),
            UnitFilter::Search { query, within } => {
                return self
                    .search_as_of(&query.like_pattern, *within, day, cursor, limit)
                    .await;
            }
        };
        let sql = format!("SELECT {AS_OF_COLUMNS} {AS_OF_FROM} AND {condition}");
        let rows: Vec<AsOfRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(day).bind(&bind).fetch_all(p).await?
        });
        let mut items: Vec<UnitListItem> = rows.into_iter().map(|r| r.item(true)).collect();
        items.sort_by(|a, b| {
            let (a, b) = (a.cursor(), b.cursor());
            (a.sort_key, a.code).cmp(&(b.sort_key, b.code))
        });
        items.dedup_by(|a, b| a.unit.code == b.unit.code);
        let mut items: Vec<UnitListItem> = items.into_iter().filter(|i| after(i, cursor)).collect();
        Ok(page_of(&mut items, limit))
    }

    async fn search_as_of(
        &self,
        pattern: &str,
        within: Option<&Unit>,
        day: &str,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<UnitPage, StoreError> {
        let (lo, hi) = match within {
            Some(u) => subtree(&u.path),
            None => (String::new(), "~".to_owned()),
        };
        let (after_key, after_code) = match cursor {
            Some(c) => (Some(c.sort_key.clone()), c.code.clone()),
            None => (None, String::new()),
        };
        let sql = format!(
            "SELECT {AS_OF_COLUMNS} {AS_OF_FROM} \
             AND v.name_folded LIKE $2 ESCAPE '\\' AND u.path >= $3 AND u.path < $4 \
             AND ($5 IS NULL OR u.sort_key > $5 OR (u.sort_key = $5 AND u.code > $6)) \
             ORDER BY u.sort_key, u.code LIMIT $7"
        );
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let rows: Vec<AsOfRow> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(day)
                .bind(pattern)
                .bind(&lo)
                .bind(&hi)
                .bind(after_key)
                .bind(after_code)
                .bind(fetch)
                .fetch_all(p)
                .await?
        });
        let mut items: Vec<UnitListItem> = rows.into_iter().map(|r| r.item(false)).collect();
        Ok(page_of(&mut items, limit))
    }
}

fn page_of(items: &mut Vec<UnitListItem>, limit: usize) -> UnitPage {
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(UnitListItem::cursor)
    } else {
        None
    };
    UnitPage {
        items: std::mem::take(items),
        next,
    }
}
