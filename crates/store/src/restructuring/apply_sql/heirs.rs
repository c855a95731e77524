//! What a closed unit leaves to its heir: open feedback and the accounts' grants.

use serde_json::json;

use super::{stmt, t, Counter, Ctx, Stmt, Val, MOVABLE_GRANT, OPEN_FEEDBACK};
use crate::restructuring::apply::Heir;

impl Ctx<'_> {
    /// Open feedback goes to the heir; grants follow it or end with a notice.
    pub(super) fn heir(&self, i: usize, h: &Heir, out: &mut Vec<Stmt>) {
        let note = format!("{} → {}", h.closed, h.to);
        out.push(stmt(
            format!(
                "INSERT INTO feedback_events (feedback_id, at, kind, internal_note) \
                 SELECT id, $1, 'rerouted', $2 FROM feedback WHERE unit_code = $3 AND {OPEN_FEEDBACK}"
            ),
            vec![t(&self.ts), t(&note), t(&h.closed)],
        ));
        out.push(
            stmt(
                format!(
                    "UPDATE feedback SET unit_code = $1, \
                     unit_path = (SELECT path FROM units WHERE code = $2), updated_at = $3 \
                     WHERE unit_code = $4 AND {OPEN_FEEDBACK}"
                ),
                vec![t(&h.to), t(&h.to), t(&self.ts), t(&h.closed)],
            )
            .counted(Counter::Feedback),
        );
        // A resident's grant goes where their household went (the heir when no resident is
        // linked to the account).
        out.push(
            stmt(
                "UPDATE grants SET unit_code = COALESCE((SELECT r.unit_code FROM users us \
                 JOIN residents r ON r.id = us.resident_id WHERE us.id = grants.user_id), $1) \
                 WHERE unit_code = $2 AND role = 'resident'",
                vec![t(&h.to), t(&h.closed)],
            )
            .counted(Counter::GrantsMoved),
        );
        let (action, after) = if h.keep_grants {
            ("grant.moved", h.to.as_str())
        } else {
            ("grant.removed", "")
        };
        out.push(stmt(
            format!(
                "INSERT INTO audit_log (at, actor_user_id, actor_username, action, target_type, \
                 target_id, unit_path, before_json, after_json, request_id, client_addr) \
                 SELECT $1, NULL, $2, $3, 'grant', CAST(id AS TEXT), $4, \
                 '{{\"role\":\"' || role || '\",\"unit\":\"' || unit_code || '\"}}', $5, NULL, NULL \
                 FROM grants WHERE unit_code = $6 AND {MOVABLE_GRANT}"
            ),
            vec![
                t(&self.ts),
                t(&self.who),
                t(action),
                t(&self.s.commune_path),
                Val::OptText((!after.is_empty()).then(|| json!({ "unit": after }).to_string())),
                t(&h.closed),
            ],
        ));
        if h.keep_grants {
            out.push(
                stmt(
                    format!(
                        "UPDATE grants SET unit_code = $1 WHERE unit_code = $2 AND {MOVABLE_GRANT}"
                    ),
                    vec![t(&h.to), t(&h.closed)],
                )
                .counted(Counter::GrantsMoved),
            );
            return;
        }
        let notice = self.s.grant_notice.clone();
        out.push(stmt(
            format!(
                "INSERT INTO outbox (idempotency_key, channel, recipient, user_id, subject, body, \
                 purpose, about_type, about_id, attempts, next_attempt_at, status, created_at, sent_at) \
                 SELECT 'restructuring-' || CAST($1 AS TEXT) || '-grant-' || CAST(g.id AS TEXT), 'in_app', \
                 CAST(g.user_id AS TEXT), g.user_id, REPLACE($2, '{{unit}}', u.name), \
                 REPLACE($3, '{{unit}}', u.name), 'restructuring.grant_ended', 'unit_event', $4, 0, \
                 $5, 'sent', $6, $7 FROM grants g JOIN units u ON u.code = g.unit_code \
                 WHERE g.unit_code = $8 AND g.{MOVABLE_GRANT}"
            ),
            vec![
                Val::EventText(i),
                t(&notice),
                t(&notice),
                Val::Event(i),
                t(&self.ts),
                t(&self.ts),
                t(&self.ts),
                t(&h.closed),
            ],
        ));
        out.push(stmt(
            format!(
                "INSERT INTO notifications (user_id, feedback_id, kind, message, created_at) \
                 SELECT g.user_id, NULL, 'restructuring.grant_ended', REPLACE($1, '{{unit}}', u.name), $2 \
                 FROM grants g JOIN units u ON u.code = g.unit_code \
                 WHERE g.unit_code = $3 AND g.{MOVABLE_GRANT}"
            ),
            vec![t(&notice), t(&self.ts), t(&h.closed)],
        ));
        out.push(
            stmt(
                format!("DELETE FROM grants WHERE unit_code = $1 AND {MOVABLE_GRANT}"),
                vec![t(&h.closed)],
            )
            .counted(Counter::GrantsEnded),
        );
    }
}
