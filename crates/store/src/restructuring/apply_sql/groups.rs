//! Groups: carried over, merged or dissolved; their posts ended with thanks.

use serde_json::json;

use super::{stmt, t, Counter, Ctx, Stmt, Val, END_REASON};
use crate::restructuring::apply::GroupOp;

impl Ctx<'_> {
    /// Explicit group dispositions, then every other group of a closed unit dissolved.
    pub(super) fn groups(&self, out: &mut Vec<Stmt>) {
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
        self.coverage(out);
    }

    /// Groups that stay (a ward-level team, a group of another unit) but cover a unit this
    /// plan closes now cover its successors and receivers instead, with a line in their
    /// history; done after the dispositions, so the groups ended meanwhile are left alone.
    fn coverage(&self, out: &mut Vec<Stmt>) {
        for step in self.s.steps.iter().filter(|s| s.rename.is_none()) {
            for u in &step.predecessors {
                let covering = "id IN (SELECT group_id FROM group_units WHERE unit_code = $1)";
                out.push(self.group_event(covering, vec![t(u)], "restructured_coverage"));
                for to in step.successors.iter().chain(&step.receivers) {
                    out.push(stmt(
                        "INSERT INTO group_units (group_id, unit_code, unit_path) \
                         SELECT gu.group_id, u.code, u.path FROM group_units gu \
                         JOIN community_groups g ON g.id = gu.group_id JOIN units u ON u.code = $2 \
                         WHERE gu.unit_code = $1 AND g.status <> 'dissolved' ON CONFLICT DO NOTHING",
                        vec![t(u), t(to)],
                    ));
                }
                out.push(
                    stmt(
                        "DELETE FROM group_units WHERE unit_code = $1 AND group_id IN \
                         (SELECT id FROM community_groups WHERE status <> 'dissolved')",
                        vec![t(u)],
                    )
                    .counted(Counter::GroupsCoverage),
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
