//! Free text that may name an erased person (issue 11 #8, docs/people.md): notes, summaries
//! and answers written by staff, descriptions written by senders, decisions' signers,
//! announcements. On approval of an erasure, in its transaction, the person's full name is
//! replaced there by the pseudonym (`tuquan_domain::people::redact`).

/// (table, column) of every free text the product shows.
pub(crate) const FREE_TEXT: &[(&str, &str)] = &[
    ("feedback", "description"),
    ("feedback", "public_summary"),
    ("feedback", "public_answer"),
    ("feedback_events", "public_note"),
    ("feedback_events", "internal_note"),
    ("group_decisions", "issuer"),
    ("group_decisions", "signer"),
    ("announcements", "title"),
    ("announcements", "body"),
    ("announcements", "withdrawn_reason"),
    ("announcement_versions", "title"),
    ("announcement_versions", "body"),
    ("announcement_units", "note"),
    ("files", "name"),
    ("meetings", "title"),
    ("meetings", "place"),
    ("meetings", "chair_name"),
    ("meetings", "secretary_name"),
    ("meetings", "cancelled_reason"),
    ("meeting_agenda", "title"),
    ("meeting_roll", "name"),
    ("meeting_attendance", "attendee_name"),
    ("meeting_minutes", "content"),
    ("meeting_minutes", "reason"),
    ("action_items", "title"),
    ("action_items", "description"),
    ("action_items", "resolution"),
    ("action_item_notes", "author_name"),
    ("action_item_notes", "note"),
    ("votes", "title"),
    ("votes", "matter"),
    ("votes", "committee"),
    ("consultations", "title"),
    ("consultations", "body"),
    ("consultations", "preamble"),
    ("consultation_articles", "text"),
    ("consultation_comments", "text"),
];

/// Replaces `$name` by `$anonymous` in every [`FREE_TEXT`]; evaluates to the number of
/// distinct texts changed. The database finds the candidates by the name's likely forms (as
/// recorded, lower case, upper case); Rust then matches whole words whatever the case and
/// spacing.
macro_rules! redact_free_text {
    ($tx:expr, $name:expr, $anonymous:expr) => {{
        let name: &str = $name;
        let anonymous: &str = $anonymous;
        let mut forms = tuquan_domain::people::redact::likely_forms(name);
        while forms.len() < 3 {
            forms.push(forms[0].clone());
        }
        let mut changed = 0usize;
        for (table, col) in $crate::erased_text::FREE_TEXT {
            let sql = format!(
                "SELECT DISTINCT {col} FROM {table} \
                 WHERE {col} LIKE $1 OR {col} LIKE $2 OR {col} LIKE $3"
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for f in &forms {
                q = q.bind(format!("%{f}%"));
            }
            let found: Vec<String> = q.fetch_all($tx).await?;
            for old in found {
                let Some(new) = tuquan_domain::people::redact::redact_name(&old, name, anonymous)
                else {
                    continue;
                };
                sqlx::query(&format!("UPDATE {table} SET {col} = $2 WHERE {col} = $1"))
                    .bind(&old)
                    .bind(&new)
                    .execute($tx)
                    .await?;
                changed += 1;
            }
        }
        changed
    }};
}
pub(crate) use redact_free_text;
