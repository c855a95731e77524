//! The statements of applying a restructuring script, in order. Each is one SQL text for
//! both backends; household moves and group endings are set-based (one statement per unit,
//! not per row), so a whole ward applies in seconds.

use serde_json::json;

use crate::audit::AuditCtx;

use super::apply::{ApplyScript, GroupOp, Heir, Move, ScriptStep};

/// A bound value; `Event(i)` is the id of step `i`'s event, known once it is inserted.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Bytes(Vec<u8>),
    Event(usize),
    EventText(usize),
}

/// How many rows a statement must touch; anything else means the tree changed since the
/// plan was checked, and the whole transaction is abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    Any,
    Rows(u64),
}

/// Which count of the report a statement's affected rows add to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    Households,
    Residents,
    GroupsCarried,
    GroupsMerged,
    GroupsDissolved,
    PositionsEnded,
    Thanked,
    GrantsMoved,
    GrantsEnded,
    Feedback,
    Regulations,
}

#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    pub sql: String,
    pub args: Vec<Val>,
    pub returns_event: bool,
    pub expect: Expect,
    pub counter: Option<Counter>,
    /// The field a unique violation or an unexpected row count is reported on.
    pub conflict_field: &'static str,
}

fn stmt(sql: impl Into<String>, args: Vec<Val>) -> Stmt {
    Stmt {
        sql: sql.into(),
        args,
        returns_event: false,
        expect: Expect::Any,
        counter: None,
        conflict_field: "plan",
    }
}

impl Stmt {
    fn counted(mut self, c: Counter) -> Self {
        self.counter = Some(c);
        self
    }

    fn expect(mut self, n: u64, field: &'static str) -> Self {
        self.expect = Expect::Rows(n);
        self.conflict_field = field;
        self
    }
}

fn t(s: &str) -> Val {
    Val::Text(s.to_owned())
}

const OPEN_FEEDBACK: &str = "status IN ('new', 'acknowledged', 'in_progress')";
/// The grants of the unit's officials: area police grants follow their beat, not the unit
/// (the beats' own carry-over), and a resident's grant follows their household.
const MOVABLE_GRANT: &str = "role NOT IN ('area_police', 'resident')";
pub(crate) const END_REASON: &str = "unit_restructured";

struct Ctx<'a> {
    s: &'a ApplyScript,
    who: String,
    ts: String,
}

/// Every statement of the script, in the order they run.
pub(crate) fn statements(s: &ApplyScript, ctx: &AuditCtx, ts: &str) -> Vec<Stmt> {
    let c = Ctx {
        s,
        who: ctx
            .actor_username
            .clone()
            .unwrap_or_else(|| "system".into()),
        ts: ts.to_owned(),
    };
    let mut out = Vec::new();
    for (i, step) in s.steps.iter().enumerate() {
        c.step(i, step, &mut out);
    }
    c.groups(&mut out);
    out
}

impl Ctx<'_> {
    fn step(&self, i: usize, step: &ScriptStep, out: &mut Vec<Stmt>) {
        let s = self.s;
        let mut ev = stmt(
            "INSERT INTO unit_events (province_code, commune_code, kind, effective_on, \
             basis_number, basis_date, basis_signer, basis_file_id, scheme_id, note, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            vec![
                t(&s.province_code),
                t(&s.commune_code),
                t(step.kind.as_str()),
                t(&s.effective_on),
                t(&s.basis_number),
                t(&s.basis_date),
                t(&s.basis_signer),
                Val::OptInt(s.basis_file_id),
                Val::OptInt(s.scheme_id),
                t(&step.note),
                t(&self.who),
                t(&self.ts),
            ],
        );
        ev.returns_event = true;
        out.push(ev);
        for u in &step.new_units {
            out.push(
                stmt(
                    "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, \
                     name_folded, sort_key, codename, valid_from, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $11)",
                    vec![
                        t(&u.code),
                        t(&u.parent_code),
                        t(&s.province_code),
                        t(&u.path),
                        Val::Int(u.level),
                        t(u.kind.as_str()),
                        t(&u.name),
                        t(&u.name_folded),
                        Val::Bytes(u.sort_key.clone()),
                        t(&s.effective_on),
                        t(&self.ts),
                    ],
                )
                .expect(1, "code"),
            );
            out.push(stmt(
                "UPDATE unit_versions SET event_id = $1 WHERE unit_code = $2 AND valid_to IS NULL",
                vec![Val::Event(i), t(&u.code)],
            ));
        }
        let closes = step.rename.is_none();
        for u in &step.predecessors {
            self.participant(i, u, "predecessor", out);
        }
        for u in &step.contributors {
            self.participant(i, u, "contributor", out);
        }
        for m in &step.moves {
            self.moves(m, out);
        }
        if closes {
            for u in &step.predecessors {
                self.close(step, u, out);
            }
        }
        if let Some(r) = &step.rename {
            self.rename(i, r, out);
        }
        for u in &step.successors {
            self.participant(i, u, "successor", out);
        }
        for u in &step.receivers {
            self.participant(i, u, "receiver", out);
        }
        for h in &step.heirs {
            self.heir(i, h, out);
        }
        let kept = step
            .receivers
            .iter()
            .chain(&step.contributors)
            .chain(step.rename.iter().map(|r| &r.code));
        for u in kept {
            out.push(
                stmt(
                    "UPDATE regulations SET needs_resign_since = $2, needs_resign_event_id = $3 \
                     WHERE id = (SELECT MAX(id) FROM regulations WHERE unit_code = $1) \
                     AND needs_resign_since IS NULL",
                    vec![t(u), t(&s.effective_on), Val::Event(i)],
                )
                .counted(Counter::Regulations),
            );
        }
    }

    /// A participant with the count of its active households at this point of the step
    /// (before the moves for those that give, after for those that take).
    fn participant(&self, i: usize, unit: &str, role: &str, out: &mut Vec<Stmt>) {
        out.push(stmt(
            "INSERT INTO unit_event_participants (event_id, unit_code, role, households) \
             SELECT $1, $2, $3, COUNT(*) FROM households WHERE unit_code = $4 AND status = 'active'",
            vec![Val::Event(i), t(unit), t(role), t(unit)],
        ));
    }

    fn moves(&self, m: &Move, out: &mut Vec<Stmt>) {
        let d = &self.s.effective_on;
        let (from, to, chunks): (&str, &str, Vec<Option<&[i64]>>) = match m {
            Move::Whole { from, to } => (from, to, vec![None]),
            Move::Listed {
                from,
                to,
                households,
            } => (from, to, households.chunks(500).map(Some).collect()),
        };
        for chunk in chunks {
            let only = chunk.map_or(String::new(), |ids| {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(" AND id IN ({})", list.join(", "))
            });
            let mut record = stmt(
                format!(
                    "INSERT INTO household_moves (household_id, from_unit, to_unit, moved_on, \
                     created_at) SELECT id, $1, $2, $3, $4 FROM households \
                     WHERE unit_code = $5 AND status = 'active'{only}"
                ),
                vec![t(from), t(to), t(d), t(&self.ts), t(from)],
            )
            .counted(Counter::Households);
            if let Some(ids) = chunk {
                record = record.expect(ids.len() as u64, "households");
            }
            out.push(record);
            out.push(
                stmt(
                    format!(
                        "UPDATE residents SET unit_code = $1, updated_at = $2 WHERE household_id IN \
                         (SELECT id FROM households WHERE unit_code = $3 AND status = 'active'{only})"
                    ),
                    vec![t(to), t(&self.ts), t(from)],
                )
                .counted(Counter::Residents),
            );
            out.push(stmt(
                format!(
                    "UPDATE households SET unit_code = $1, updated_at = $2 \
                     WHERE unit_code = $3 AND status = 'active'{only}"
                ),
                vec![t(to), t(&self.ts), t(from)],
            ));
        }
    }

    fn close(&self, step: &ScriptStep, unit: &str, out: &mut Vec<Stmt>) {
        let d = &self.s.effective_on;
        out.push(
            stmt(
                "UPDATE units SET valid_to = $2, updated_at = $3 WHERE code = $1 AND valid_to IS NULL",
                vec![t(unit), t(d), t(&self.ts)],
            )
            .expect(1, "unit"),
        );
        out.push(stmt(
            "UPDATE unit_versions SET valid_to = $2 WHERE unit_code = $1 AND valid_to IS NULL",
            vec![t(unit), t(d)],
        ));
        // The old predecessor links, kept for the pages that still read them.
        for succ in step.successors.iter().chain(&step.receivers) {
            out.push(stmt(
                "INSERT INTO unit_links (predecessor_code, successor_code, change, effective_on) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                vec![t(unit), t(succ), t(step.kind.as_str()), t(d)],
            ));
        }
    }

    fn rename(&self, i: usize, r: &super::apply::RenameRow, out: &mut Vec<Stmt>) {
        let d = &self.s.effective_on;
        out.push(stmt(
            "UPDATE unit_versions SET valid_to = $2 WHERE unit_code = $1 AND valid_to IS NULL",
            vec![t(&r.code), t(d)],
        ));
        out.push(
            stmt(
                "UPDATE units SET name = $2, name_folded = $3, sort_key = $4, kind = $5, \
                 updated_at = $6 WHERE code = $1 AND valid_to IS NULL",
                vec![
                    t(&r.code),
                    t(&r.name),
                    t(&r.name_folded),
                    Val::Bytes(r.sort_key.clone()),
                    t(r.kind.as_str()),
                    t(&self.ts),
                ],
            )
            .expect(1, "unit"),
        );
        out.push(stmt(
            "INSERT INTO unit_versions (unit_code, name, name_folded, kind, parent_code, \
             valid_from, valid_to, event_id) \
             SELECT code, name, name_folded, kind, parent_code, $2, NULL, $3 FROM units WHERE code = $1",
            vec![t(&r.code), t(d), Val::Event(i)],
        ));
    }

    /// Open feedback goes to the heir; grants follow it or end with a notice.
    fn heir(&self, i: usize, h: &Heir, out: &mut Vec<Stmt>) {
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

    /// Explicit group dispositions, then every other group of a closed unit dissolved.
    fn groups(&self, out: &mut Vec<Stmt>) {
        let last = self.s.steps.len().saturating_sub(1);
        let mut named: Vec<i64> = Vec::new();
        for op in &self.s.groups {
            match op {
                GroupOp::CarryOver { group, to } => {
                    named.push(*group);
                    self.carry(*group, to, out);
                }
                GroupOp::Merge { groups, into } => {
                    named.push(*into);
                    for g in groups.iter().filter(|g| *g != into) {
                        named.push(*g);
                        self.end_groups(
                            last,
                            "id = $1",
                            vec![Val::Int(*g)],
                            Counter::GroupsMerged,
                            out,
                        );
                    }
                }
                GroupOp::Dissolve { group } => {
                    named.push(*group);
                    self.end_groups(
                        last,
                        "id = $1",
                        vec![Val::Int(*group)],
                        Counter::GroupsDissolved,
                        out,
                    );
                }
            }
        }
        let except = if named.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = named.iter().map(i64::to_string).collect();
            format!(" AND id NOT IN ({})", list.join(", "))
        };
        for (i, step) in self.s.steps.iter().enumerate() {
            if step.rename.is_some() {
                continue;
            }
            for u in &step.predecessors {
                self.end_groups(
                    i,
                    &format!("unit_code = $1{except}"),
                    vec![t(u)],
                    Counter::GroupsDissolved,
                    out,
                );
            }
        }
    }

    fn carry(&self, group: i64, to: &str, out: &mut Vec<Stmt>) {
        out.push(
            stmt(
                "UPDATE community_groups SET unit_code = $2, \
                 unit_path = (SELECT path FROM units WHERE code = $3), updated_at = $4 \
                 WHERE id = $1 AND status <> 'dissolved' \
                 AND EXISTS (SELECT 1 FROM units WHERE code = $5 AND valid_to IS NULL)",
                vec![Val::Int(group), t(to), t(to), t(&self.ts), t(to)],
            )
            .expect(1, "groups")
            .counted(Counter::GroupsCarried),
        );
        out.push(stmt(
            "DELETE FROM group_units WHERE group_id = $1 \
             AND unit_code IN (SELECT code FROM units WHERE valid_to IS NOT NULL)",
            vec![Val::Int(group)],
        ));
        out.push(stmt(
            "INSERT INTO group_units (group_id, unit_code, unit_path) \
             SELECT $1, code, path FROM units WHERE code = $2 ON CONFLICT DO NOTHING",
            vec![Val::Int(group), t(to)],
        ));
        out.push(self.group_event("id = $1", vec![Val::Int(group)], "restructured_carried"));
    }

    fn group_event(&self, sel: &str, mut args: Vec<Val>, event: &str) -> Stmt {
        let n = args.len();
        let detail = json!({
            "effective_on": self.s.effective_on, "number": self.s.basis_number,
        })
        .to_string();
        args.extend([t(&self.ts), t(&self.who), t(event), t(&detail)]);
        stmt(
            format!(
                "INSERT INTO group_events (province_code, group_id, at, actor_username, event, detail_json) \
                 SELECT province_code, id, ${}, ${}, ${}, ${} FROM community_groups \
                 WHERE status <> 'dissolved' AND {sel}",
                n + 1,
                n + 2,
                n + 3,
                n + 4
            ),
            args,
        )
    }

    /// Ends the groups `sel` chooses (over `community_groups`, its arguments first): thanks
    /// for the people whose post ends, their positions ended, the groups dissolved.
    fn end_groups(
        &self,
        i: usize,
        sel: &str,
        args: Vec<Val>,
        counter: Counter,
        out: &mut Vec<Stmt>,
    ) {
        let d = &self.s.effective_on;
        let n = args.len();
        let groups =
            format!("(SELECT id FROM community_groups WHERE status <> 'dissolved' AND {sel})");
        let mut a = args.clone();
        a.extend([
            t(&self.s.commune_code),
            t(d),
            t(END_REASON),
            Val::Event(i),
            t(&self.ts),
            t(&self.who),
        ]);
        out.push(
            stmt(
                format!(
                    "INSERT INTO service_thanks (province_code, commune_code, unit_code, unit_path, \
                     resident_id, position_id, group_id, role, served_from, served_to, reason, \
                     event_id, created_at, created_by) \
                     SELECT p.province_code, ${c}, g.unit_code, g.unit_path, p.resident_id, p.id, \
                     p.group_id, p.role, p.starts_on, ${d}, ${r}, ${e}, ${ts}, ${w} \
                     FROM group_positions p JOIN community_groups g ON g.id = p.group_id \
                     WHERE p.ended_on IS NULL AND p.ends_on >= ${d} AND p.group_id IN {groups}",
                    c = n + 1,
                    d = n + 2,
                    r = n + 3,
                    e = n + 4,
                    ts = n + 5,
                    w = n + 6,
                ),
                a,
            )
            .counted(Counter::Thanked),
        );
        out.push(self.group_event(sel, args.clone(), "restructured_ended"));
        let mut a = args.clone();
        a.extend([t(d), t(END_REASON), t(&self.ts)]);
        out.push(
            stmt(
                format!(
                    "UPDATE group_positions SET \
                     ended_on = CASE WHEN ends_on < ${d} THEN ends_on ELSE ${d} END, \
                     end_reason = CASE WHEN ends_on < ${d} THEN 'term_ended' ELSE ${r} END, \
                     updated_at = ${ts} WHERE ended_on IS NULL AND group_id IN {groups}",
                    d = n + 1,
                    r = n + 2,
                    ts = n + 3,
                ),
                a,
            )
            .counted(Counter::PositionsEnded),
        );
        let mut a = args;
        a.extend([t(d), t(&self.ts)]);
        out.push(
            stmt(
                format!(
                    "UPDATE community_groups SET status = 'dissolved', dissolved_on = ${d}, \
                     updated_at = ${ts} WHERE status <> 'dissolved' AND {sel}",
                    d = n + 1,
                    ts = n + 2,
                ),
                a,
            )
            .counted(counter),
        );
    }
}
