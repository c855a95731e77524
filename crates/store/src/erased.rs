//! Erased subjects: the audit log after an erasure (issue 11 #8, docs/people.md).
//!
//! The log is append-only, so rows written before an approved erasure still hold the
//! person's values in their before/after JSON. The erasure records keyed hashes of the
//! person's identifying values (`erased_subjects`); every read of the log goes through
//! [`Store::redact_erased`], which replaces
//! - any string value whose hash matches an erased value, wherever it appears, and
//! - the personal fields of rows whose target is the erased resident,
//!
//! with the pseudonym the rest of the product shows. Who acted, when, on which record and
//! from where stay as written.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::audit::AuditRow;
use crate::residents::ResidentRecord;
use crate::{with_pool, Store, StoreError};

/// Keys that hold personal data in a row about a resident; redacted whatever their value.
const PERSONAL_KEYS: &[&str] = &[
    "full_name",
    "name",
    "display_name",
    "birth_date",
    "phone",
    "email",
    "cccd",
    "cccd_masked",
    "residence_since",
    "reason",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
];

/// The text shown instead of an erased person's values (as on their record).
pub fn pseudonym(resident_id: i64) -> String {
    format!("Đã ẩn danh #{resident_id}")
}

/// A value reduced to what identifies it: a phone number to its digits, text to its NFC,
/// space-collapsed, lower-case form. `None` for values too short to identify anyone.
fn normalize(v: &str) -> Option<String> {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let phone_like = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    let n = if phone_like && digits.len() >= 6 {
        digits
    } else {
        tuquan_domain::text::clean(v).to_lowercase()
    };
    (n.chars().count() >= 3).then_some(n)
}

impl Store {
    /// The keyed hash of a normalized value; without an identity key (tests, tools), a plain
    /// SHA-256.
    fn erased_digest(&self, normalized: &str) -> String {
        let tagged = format!("erased-subject\0{normalized}");
        match &self.identity {
            Some(key) => key.blind_index(&tagged),
            None => Sha256::digest(tagged.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }

    /// The (kind, digest) pairs an erasure of `r` records.
    pub(crate) fn erased_digests(&self, r: &ResidentRecord) -> Vec<(&'static str, String)> {
        [
            ("full_name", Some(r.full_name.as_str())),
            ("phone", r.phone.as_deref()),
            ("cccd_masked", r.cccd_masked.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, v)| Some((kind, self.erased_digest(&normalize(v?)?))))
        .collect()
    }

    /// Replaces an erased person's values in `rows` (see the module's documentation).
    pub async fn redact_erased(&self, rows: &mut [AuditRow]) -> Result<(), StoreError> {
        // Most logs have nobody erased: no hashing of every word then.
        let any: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT resident_id FROM erased_subjects LIMIT 1")
                .fetch_optional(p)
                .await?
        });
        if any.is_none() {
            return Ok(());
        }
        let mut parsed: Vec<[Option<Value>; 2]> = rows
            .iter()
            .map(|r| {
                let j =
                    |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
                [j(&r.before_json), j(&r.after_json)]
            })
            .collect();
        let mut digests: HashMap<String, String> = HashMap::new();
        for v in parsed.iter().flatten().flatten() {
            strings(v, &mut |s| {
                for n in normalize(s).into_iter().chain(windows(s)) {
                    digests
                        .entry(n.clone())
                        .or_insert_with(|| self.erased_digest(&n));
                }
            });
        }
        let targets: Vec<i64> = rows
            .iter()
            .filter(|r| r.target_type == "resident")
            .filter_map(|r| r.target_id.parse().ok())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let wanted: Vec<String> = digests
            .values()
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let by_digest = self.erased_by_digest(&wanted).await?;
        let erased_targets = self.erased_residents(&targets).await?;
        if by_digest.is_empty() && erased_targets.is_empty() {
            return Ok(());
        }
        for (row, values) in rows.iter_mut().zip(parsed.iter_mut()) {
            let target = (row.target_type == "resident")
                .then(|| row.target_id.parse::<i64>().ok())
                .flatten()
                .filter(|id| erased_targets.contains(id));
            let mut changed = false;
            let erased_of = |n: &str| by_digest.get(digests.get(n)?).copied();
            for v in values.iter_mut().flatten() {
                changed |= redact(v, target, &|s| erased_of(&normalize(s)?), &|s| {
                    windows(s)
                        .into_iter()
                        .filter_map(|w| Some((erased_of(&w)?, w)))
                        .collect()
                });
            }
            if changed {
                let [b, a] = values;
                row.before_json = b.as_ref().map(Value::to_string);
                row.after_json = a.as_ref().map(Value::to_string);
            }
        }
        Ok(())
    }

    /// Erased residents among `ids`.
    async fn erased_residents(&self, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
        let mut out = HashSet::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT DISTINCT resident_id FROM erased_subjects WHERE resident_id IN ({})",
                placeholders(chunk.len())
            );
            let found: Vec<i64> = with_pool!(self, p => {
                let mut q = sqlx::query_scalar(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            out.extend(found);
        }
        Ok(out)
    }

    /// The erased resident behind each of `digests` that belongs to one.
    async fn erased_by_digest(
        &self,
        digests: &[String],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let mut out = HashMap::new();
        for chunk in digests.chunks(500) {
            let sql = format!(
                "SELECT digest, resident_id FROM erased_subjects WHERE digest IN ({})",
                placeholders(chunk.len())
            );
            let found: Vec<(String, i64)> = with_pool!(self, p => {
                let mut q = sqlx::query_as(&sql);
                for d in chunk {
                    q = q.bind(d);
                }
                q.fetch_all(p).await?
            });
            out.extend(found);
        }
        Ok(out)
    }
}

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The runs of two to five words of a free text of three words or more, normalized as
/// [`normalize`] does (punctuation at the words' edges dropped): the candidates for an erased
/// full name inside a note or a reason. Texts past 300 words are searched in their first 300.
fn windows(s: &str) -> Vec<String> {
    let text = tuquan_domain::text::clean(s).to_lowercase();
    let words: Vec<&str> = text
        .split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(300)
        .collect();
    if words.len() < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for len in 2..=5.min(words.len()) {
        for w in words.windows(len) {
            out.push(w.join(" "));
        }
    }
    out
}

/// Calls `f` on every string in `v`.
fn strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, f)),
        Value::Object(o) => o.values().for_each(|x| strings(x, f)),
        _ => {}
    }
}

/// Redacts `v` in place: personal keys when the row is about the erased `target`, and every
/// string `erased_of` attributes to an erased resident. Whether anything changed.
/// `names_in` gives the erased names found inside a longer text, with their resident.
fn redact(
    v: &mut Value,
    target: Option<i64>,
    erased_of: &dyn Fn(&str) -> Option<i64>,
    names_in: &dyn Fn(&str) -> Vec<(i64, String)>,
) -> bool {
    match v {
        Value::String(s) => match erased_of(s) {
            Some(id) => {
                *s = pseudonym(id);
                true
            }
            None => {
                let mut changed = false;
                for (id, name) in names_in(s) {
                    if let Some(r) =
                        tuquan_domain::people::redact::redact_name(s, &name, &pseudonym(id))
                    {
                        *s = r;
                        changed = true;
                    }
                }
                changed
            }
        },
        Value::Array(a) => a
            .iter_mut()
            .fold(false, |c, x| redact(x, target, erased_of, names_in) | c),
        Value::Object(o) => {
            let mut changed = false;
            for (k, x) in o.iter_mut() {
                match target {
                    Some(id) if PERSONAL_KEYS.contains(&k.as_str()) && !x.is_null() => {
                        *x = Value::String(pseudonym(id));
                        changed = true;
                    }
                    _ => changed |= redact(x, target, erased_of, names_in),
                }
            }
            changed
        }
        _ => false,
    }
}

/// Records the digests of an erased resident, in the erasure's transaction.
macro_rules! record_erased {
    ($tx:expr, $resident_id:expr, $digests:expr, $at:expr) => {{
        for (kind, digest) in $digests {
            sqlx::query(
                "INSERT INTO erased_subjects (resident_id, kind, digest, erased_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind($resident_id)
            .bind(*kind)
            .bind(digest)
            .bind($at)
            .execute($tx)
            .await?;
        }
    }};
}
pub(crate) use record_erased;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_names_normalize() {
        assert_eq!(normalize("090 123-4567").as_deref(), Some("0901234567"));
        assert_eq!(
            normalize(" Nguyễn  Văn AN ").as_deref(),
            Some("nguyễn văn an")
        );
        assert_eq!(normalize("ok"), None);
    }

    #[test]
    fn redaction_keeps_structure_and_other_values() {
        let mut v = serde_json::json!({
            "full_name": "Lê Thị B", "status": "active",
            "members": [{"full_name": "Trần Văn C"}], "birth_date": "1990-02-03"
        });
        let changed = redact(
            &mut v,
            None,
            &|s| (s == "Trần Văn C").then_some(7),
            &|_| Vec::new(),
        );
        assert!(changed);
        assert_eq!(v["members"][0]["full_name"], pseudonym(7));
        assert_eq!(v["full_name"], "Lê Thị B");
        let changed = redact(&mut v, Some(9), &|_| None, &|_| Vec::new());
        assert!(changed);
        assert_eq!(v["full_name"], pseudonym(9));
        assert_eq!(v["birth_date"], pseudonym(9));
        assert_eq!(v["status"], "active");
    }
}
