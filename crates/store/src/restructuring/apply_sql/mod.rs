//! The statements of applying a restructuring script, in order. Each is one SQL text for
//! both backends; household moves and group endings are set-based (one statement per unit,
//! not per row), so a whole ward applies in seconds. By sub-area: here the events, their
//! participants and the regulations to re-sign; `units` the units and households; `heirs`
//! what a closed unit leaves (open feedback, grants); `groups` the groups and their posts.

use crate::audit::AuditCtx;

use super::apply::{ApplyScript, ScriptStep};

mod groups;
mod heirs;
mod units;

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
    GroupsCoverage,
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
                Val::OptInt(s.scheme_id.map(|id| id.get())),
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
}
