//! The unit tree as it was on a date: the units open that day, each with the version (name,
//! kind, parent) valid that day. Validity is half-open: `valid_from <= day < valid_to`.
//! Dates are stored as `YYYY-MM-DD` texts, which compare as dates.

use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::Unit;
use tuquan_domain::text;

use crate::territory::{UnitCols, UnitFilter, UnitListItem, UnitPage};
use crate::{subtree, with_pool, Store, StoreError};

/// Units joined with their version valid on `$1`; both open that day.
const AS_OF_FROM: &str = "FROM units u JOIN unit_versions v ON v.unit_code = u.code \
     WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1) \
     AND u.valid_from <= $1 AND (u.valid_to IS NULL OR u.valid_to > $1)";

const AS_OF_COLUMNS: &str = "u.code, v.parent_code, u.province_code, u.path, u.level, v.kind, \
     v.name, u.codename, u.valid_from, u.valid_to, \
     (SELECT COUNT(*) FROM unit_versions cv JOIN units c ON c.code = cv.unit_code \
      WHERE cv.parent_code = u.code \
      AND cv.valid_from <= $1 AND (cv.valid_to IS NULL OR cv.valid_to > $1) \
      AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1)) AS child_count";

#[derive(sqlx::FromRow)]
struct AsOfRow {
    #[sqlx(flatten)]
    unit: UnitCols,
    child_count: i64,
}

impl AsOfRow {
    /// The item, sorted by the name of that day.
    fn item(self) -> UnitListItem {
        let unit = Unit::from(self.unit);
        let sort_key = text::sort_key(&unit.name);
        UnitListItem::new(unit, self.child_count, sort_key)
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
        row.map(|r| r.item()).ok_or(StoreError::NotFound)
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
            out.extend(row.map(|r| r.item()));
        }
        Ok(out)
    }

    /// Lists units as they were on `day`, matched and ordered by that day's names. Provinces
    /// and children are few: they are read whole; a search reads its matches light first.
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
        let mut items: Vec<UnitListItem> = rows.into_iter().map(|r| r.item()).collect();
        items.sort_by(|a, b| {
            let (a, b) = (a.cursor(), b.cursor());
            (a.sort_key, a.code).cmp(&(b.sort_key, b.code))
        });
        items.dedup_by(|a, b| a.unit.code == b.unit.code);
        let mut items: Vec<UnitListItem> = items.into_iter().filter(|i| after(i, cursor)).collect();
        Ok(page_of(&mut items, limit))
    }

    /// A search as of `day`: matched and ordered by the names valid that day. The matches
    /// are read light (code and that day's name), ordered by the collation key of that name
    /// (which no index holds: a past name has no stored key), and only the page is read
    /// whole; the cursor is that key and the code.
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
        let sql = format!(
            "SELECT u.code, v.name {AS_OF_FROM} \
             AND v.name_folded LIKE $2 ESCAPE '\\' AND u.path >= $3 AND u.path < $4"
        );
        let matches: Vec<(String, String)> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(day)
                .bind(pattern)
                .bind(&lo)
                .bind(&hi)
                .fetch_all(p)
                .await?
        });
        let mut keyed: Vec<(Vec<u8>, String)> = matches
            .into_iter()
            .map(|(code, name)| (text::sort_key(&name), code))
            .filter(|(key, code)| cursor.is_none_or(|c| (key, code) > (&c.sort_key, &c.code)))
            .collect();
        keyed.sort();
        keyed.dedup_by(|a, b| a.1 == b.1);
        keyed.truncate(limit.saturating_add(1));
        if keyed.is_empty() {
            return Ok(page_of(&mut Vec::new(), limit));
        }
        let marks: Vec<String> = (2..keyed.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {AS_OF_COLUMNS} {AS_OF_FROM} AND u.code IN ({})",
            marks.join(", ")
        );
        let rows: Vec<AsOfRow> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql).bind(day);
            for (_, code) in &keyed {
                q = q.bind(code);
            }
            q.fetch_all(p).await?
        });
        let mut items: Vec<UnitListItem> = rows.into_iter().map(|r| r.item()).collect();
        items.sort_by(|a, b| {
            let (a, b) = (a.cursor(), b.cursor());
            (a.sort_key, a.code).cmp(&(b.sort_key, b.code))
        });
        items.dedup_by(|a, b| a.unit.code == b.unit.code);
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
