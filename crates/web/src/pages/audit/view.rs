//! One audit row as officials read it: the action and the actor in words, the unit by name,
//! the details as a before/after table with field labels.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use tuquan_app::access::audit::{is_read, AuditRow};

use crate::i18n::{local_time, Lang};
use crate::pages::common::vn_date;

/// One line of the details table.
pub struct FieldChange {
    pub label: String,
    pub before: String,
    pub after: String,
}

pub struct AuditRowView {
    pub at: String,
    pub actor: String,
    pub action: String,
    /// Reads are marked so they stand apart from changes.
    pub is_read: bool,
    pub target: String,
    /// The target's page, where there is one.
    pub target_href: Option<String>,
    pub unit: Option<String>,
    pub changes: Vec<FieldChange>,
    /// Whether the row has a "before" column at all.
    pub has_before: bool,
    pub request_id: Option<String>,
    pub request_href: Option<String>,
    pub client_addr: Option<String>,
}

impl AuditRowView {
    pub fn has_details(&self) -> bool {
        !self.changes.is_empty() || self.request_id.is_some() || self.client_addr.is_some()
    }
}

/// `key` from the catalogue, or `fallback` when it has none.
fn label_or(lang: Lang, key: &str, fallback: impl FnOnce() -> String) -> String {
    lang.t_opt(key).map(str::to_owned).unwrap_or_else(fallback)
}

/// Who acted: the account's name (and username); system actors by a readable name.
fn actor(lang: Lang, r: &AuditRow) -> String {
    match (&r.actor_name, &r.actor_username) {
        (Some(name), Some(user)) => format!("{name} ({user})"),
        (Some(name), None) => name.clone(),
        (None, Some(user)) => label_or(lang, &format!("audit.actor.{user}"), || {
            format!("{} ({user})", lang.t("audit.system"))
        }),
        (None, None) => lang.t("audit.system").to_owned(),
    }
}

/// The action in words; an action without a label shows its code.
pub fn action_label(lang: Lang, action: &str) -> String {
    label_or(lang, &format!("audit.a.{action}"), || action.to_owned())
}

fn target(lang: Lang, r: &AuditRow) -> String {
    let kind = label_or(lang, &format!("audit.t.{}", r.target_type), || {
        r.target_type.replace('_', " ")
    });
    if r.target_id.is_empty() {
        kind
    } else {
        format!("{kind} {}", r.target_id)
    }
}

fn target_href(r: &AuditRow) -> Option<String> {
    let id = r.target_id.parse::<i64>().ok()?;
    match r.target_type.as_str() {
        "user" => Some(format!("/users/{id}")),
        "resident" => Some(format!("/residents/{id}")),
        "household" => Some(format!("/households/{id}")),
        _ => None,
    }
}

/// A value as people read it: dates dd/mm/yyyy, times in Vietnam time, yes/no.
fn show(lang: Lang, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::Bool(b)) => lang.t(if *b { "audit.yes" } else { "audit.no" }).to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.is_empty() => "—".to_owned(),
        Some(Value::String(s)) => {
            if s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok() {
                vn_date(s)
            } else if s.len() > 19 && s.parse::<jiff::Timestamp>().is_ok() {
                local_time(s)
            } else {
                s.clone()
            }
        }
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| show(lang, Some(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, x)| format!("{}: {}", field_label(lang, k), show(lang, Some(x))))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn field_label(lang: Lang, key: &str) -> String {
    label_or(lang, &format!("audit.f.{key}"), || key.replace('_', " "))
}

/// The before/after table: one line per field present on either side; a value that is not
/// an object shows as one line.
/// A coded value in words where the catalogue has it (roles, statuses, genders…).
fn coded(lang: Lang, target_type: &str, key: &str, v: Option<&Value>) -> String {
    let code = v.and_then(Value::as_str).unwrap_or("");
    let catalogue_key = match (key, target_type) {
        ("role", _) => format!("role.{code}"),
        ("gender", _) => format!("gender.{code}"),
        ("residence_type", _) => format!("residence.{code}"),
        ("status", "feedback") => format!("fbs_status_{code}"),
        ("status", "resident") => format!("resident_status.{code}"),
        ("status", "household") => format!("household_status.{code}"),
        _ => String::new(),
    };
    match lang.t_opt(&catalogue_key) {
        Some(text) if !code.is_empty() => text.to_owned(),
        _ => show(lang, v),
    }
}

fn changes(
    lang: Lang,
    target_type: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Vec<FieldChange> {
    let obj = |v: &Option<Value>| v.as_ref().and_then(Value::as_object).cloned();
    match (obj(&before), obj(&after)) {
        (b, a) if b.is_some() || a.is_some() => {
            let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
            // Keys of `after` first, in their written order, then those only in `before`.
            let mut keys: Vec<&String> = a.keys().collect();
            let seen: BTreeSet<&String> = keys.iter().copied().collect();
            keys.extend(b.keys().filter(|k| !seen.contains(k)));
            keys.into_iter()
                .map(|k| FieldChange {
                    label: field_label(lang, k),
                    before: coded(lang, target_type, k, b.get(k)),
                    after: coded(lang, target_type, k, a.get(k)),
                })
                .collect()
        }
        _ if before.is_none() && after.is_none() => Vec::new(),
        _ => vec![FieldChange {
            label: lang.t("audit.value").to_owned(),
            before: show(lang, before.as_ref()),
            after: show(lang, after.as_ref()),
        }],
    }
}

pub fn row_view(lang: Lang, r: AuditRow, unit_names: &HashMap<String, String>) -> AuditRowView {
    let json = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let (before, after): (Option<Value>, Option<Value>) =
        (json(&r.before_json), json(&r.after_json));
    let has_before = before.is_some();
    let request_href = r.request_id.as_ref().map(|id| {
        format!(
            "/audit?{}",
            serde_urlencoded::to_string([("request_id", id.as_str()), ("kind", "all")])
                .unwrap_or_default()
        )
    });
    AuditRowView {
        at: local_time(&r.at),
        actor: actor(lang, &r),
        action: action_label(lang, &r.action),
        is_read: is_read(&r.action),
        target: target(lang, &r),
        target_href: target_href(&r),
        unit: r
            .unit_path
            .as_ref()
            .map(|p| unit_names.get(p).cloned().unwrap_or_else(|| p.clone())),
        changes: changes(lang, &r.target_type, before, after),
        has_before,
        request_href,
        request_id: r.request_id,
        client_addr: r.client_addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_people_write_them() {
        let l = Lang::En;
        assert_eq!(show(l, Some(&Value::from("1990-02-03"))), "03/02/1990");
        assert_eq!(show(l, None), "—");
        assert_eq!(show(l, Some(&Value::from(true))), l.t("audit.yes"));
        let c = changes(
            l,
            "resident",
            Some(serde_json::json!({"full_name": "A", "phone": "1"})),
            Some(serde_json::json!({"full_name": "B"})),
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].before, "A");
        assert_eq!(c[0].after, "B");
        assert_eq!(c[1].after, "—");
        assert_ne!(c[0].label, "full_name", "fields have labels");
    }

    /// Every action the product writes (`grep -r 'action: "' crates`, `audit_read(`).
    const KNOWN_ACTIONS: &[&str] = &[
        "announcement.acknowledge",
        "announcement.edit",
        "announcement.not_reached_viewed",
        "announcement.pass_on",
        "announcement.publish",
        "announcement.withdraw",
        "erasure.list_viewed",
        "feedback.calendar_set",
        "feedback.category_set",
        "feedback.create",
        "feedback.escalate",
        "feedback.inbox_viewed",
        "feedback.photo_viewed",
        "feedback.route_set",
        "feedback.step",
        "feedback.summary",
        "feedback.transition",
        "feedback.viewed",
        "group.appoint",
        "group.create",
        "group.decision",
        "group.decision_printed",
        "group.position_end",
        "group.term_years",
        "household.create",
        "household.export",
        "household.import",
        "household.import_checked",
        "household.list_printed",
        "household.list_viewed",
        "household.move",
        "household.representative",
        "household.status",
        "household.update",
        "household.viewed",
        "identity.viewed",
        "notification.read_all",
        "regulation.review",
        "regulation.sign",
        "resident.consent",
        "resident.create",
        "resident.erased",
        "resident.erasure_refused",
        "resident.erasure_requested",
        "resident.exported",
        "resident.list_viewed",
        "resident.service_viewed",
        "resident.status",
        "resident.update",
        "resident.viewed",
        "session.ended_by_password_change",
        "session.login",
        "session.login_failed",
        "session.login_locked",
        "session.logout",
        "session.logout_everywhere",
        "synthetic.seed",
        "territory.import",
        "territory.scheme_set",
        "token.create",
        "token.revoke",
        "unit.create",
        "user.create",
        "user.delivery_address",
        "user.disable",
        "user.enable",
        "user.grant_added",
        "user.grant_revoked",
        "user.password_changed",
        "user.password_reset",
        "user.resident_linked",
    ];

    #[test]
    fn every_action_written_has_a_label() {
        for lang in [Lang::Vi, Lang::En] {
            for a in KNOWN_ACTIONS {
                assert!(lang.t_opt(&format!("audit.a.{a}")).is_some(), "{a}");
            }
        }
    }
}
