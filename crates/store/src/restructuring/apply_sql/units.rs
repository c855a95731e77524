//! Units and households: moves, closing, renaming.

use super::{stmt, t, Counter, Ctx, Stmt, Val};
use crate::restructuring::apply::{Move, RenameRow, ScriptStep};

impl Ctx<'_> {
    pub(super) fn moves(&self, m: &Move, out: &mut Vec<Stmt>) {
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

    pub(super) fn close(&self, step: &ScriptStep, unit: &str, out: &mut Vec<Stmt>) {
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

    pub(super) fn rename(&self, i: usize, r: &RenameRow, out: &mut Vec<Stmt>) {
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
}
