//! One commune's residential units, households, residents and groups, as rows.
//!
//! Pure and deterministic: the same commune plan and seed give the same rows (identity
//! numbers are encrypted with a fresh nonce, so only their ciphertext differs). Ids are local
//! (1, 2, …) and shifted by the writer ([`CommuneRows::shift`]). The RNG is drawn in one
//! fixed order: units, then each unit's households and residents, then its groups.

use std::sync::Arc;

use jiff::civil::{date, Date};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tuquan_domain::groups::{position_end, GroupKind, PositionRole, TermYears};
use tuquan_domain::people::age_on;
use tuquan_domain::territory::{NewResidentialUnit, NewResidentialUnitInput, UnitKind};
use tuquan_domain::text;
use tuquan_store::bulk::{Rows, Value};
use tuquan_store::identity::IdentityKey;

use super::names;
pub use super::persons::rng_for;
use super::persons::{household_members, int, mobile, opt, txt, CccdSource, NameKeys};
pub use super::rows::*;

/// Groups each residential unit has: (kind, name prefix, roles after the head, members
/// range). The mediation team exists in about half of the units.
const UNIT_GROUPS: &[(GroupKind, &str, u32, u32)] = &[
    (GroupKind::UnitLeadership, "Ban điều hành", 0, 0),
    (GroupKind::ToBaoVeAntt, "Tổ bảo vệ an ninh, trật tự", 3, 6),
    (GroupKind::BanCongTacMatTran, "Ban công tác Mặt trận", 2, 4),
    (GroupKind::ToHoaGiai, "Tổ hòa giải", 2, 4),
];

const VALID_FROM: &str = "2025-07-01";

/// Generates one commune.
pub fn commune(plan: &CommunePlan, run: &RunSettings, key: &IdentityKey) -> CommuneRows {
    let mut b = Builder::new(plan, run, key);
    // About 470 households per unit, between 30 and 60 units (the 2025 merged communes).
    let n_units = (plan.households / 470)
        .clamp(30, 60)
        .min(plan.households.max(1));
    let mut left = plan.households;
    for u in 0..n_units {
        let unit = b.unit(u);
        // Households of this unit (the last unit takes the remainder).
        let count = if u + 1 == n_units {
            left
        } else {
            let even = plan.households / n_units;
            let jitter = b.rng.random_range(0..=even / 5 + 1);
            (even + jitter - (even / 10)).min(left)
        };
        left -= count;
        // Working-age adults of the unit, for the groups.
        let mut adults: Vec<(i64, String)> = Vec::new();
        for _ in 0..count {
            b.household(&unit, &mut adults);
        }
        // The unit's groups, staffed with distinct working-age residents.
        let mut pool = adults.into_iter();
        for group in UNIT_GROUPS {
            if group.0 == GroupKind::ToHoaGiai && b.rng.random_bool(0.5) {
                continue;
            }
            b.group(&unit, u, group, &mut pool);
        }
    }
    let t = b.rows;
    CommuneRows {
        residents_count: t.residents.len() as u64,
        units: t.units,
        households: t.households,
        residents: t.residents,
        groups: t.groups,
        group_units: t.group_units,
        decisions: t.decisions,
        positions: t.positions,
        group_events: t.group_events,
        unit_refs: t.unit_refs,
    }
}

/// The tables being filled.
struct Tables {
    units: Rows,
    households: Rows,
    residents: Rows,
    groups: Rows,
    group_units: Rows,
    decisions: Rows,
    positions: Rows,
    group_events: Rows,
    unit_refs: Vec<(String, String)>,
}

/// The last local id of each table.
#[derive(Default)]
struct Ids {
    household: i64,
    resident: i64,
    group: i64,
    decision: u32,
    position: i64,
    event: i64,
}

/// One residential unit as its rows refer to it.
struct UnitRef {
    code: String,
    code_v: Value,
    path_v: Value,
}

/// The generator of one commune: its RNG, settings, tables and counters.
struct Builder<'a> {
    plan: &'a CommunePlan,
    run: &'a RunSettings,
    key: &'a IdentityKey,
    rng: ChaCha8Rng,
    keys: NameKeys,
    cccds: CccdSource,
    // Strings most rows repeat are shared, not copied.
    stamp_v: Value,
    prov_v: Value,
    prefix: &'static str,
    label: &'static str,
    streets: Vec<&'static str>,
    /// "UBND phường Sài Gòn", as decisions are headed, and who signs them.
    issuer: String,
    signer: String,
    valid_from: Date,
    rows: Tables,
    ids: Ids,
}

impl<'a> Builder<'a> {
    fn new(plan: &'a CommunePlan, run: &'a RunSettings, key: &'a IdentityKey) -> Self {
        let mut rng = rng_for(run.seed, &plan.unit.code, 1);
        let c = &plan.unit;
        let (prefix, label) = match plan.unit_kind {
            UnitKind::Ap => ("ap", "Ấp"),
            UnitKind::Thon => ("thon", "Thôn"),
            UnitKind::ToDanPho => ("tdp", "Tổ dân phố"),
            _ => ("kp", "Khu phố"),
        };
        let mut streets: Vec<&str> = Vec::new();
        while streets.len() < 12 {
            let s = names::STREETS[rng.random_range(0..names::STREETS.len())];
            if !streets.contains(&s) {
                streets.push(s);
            }
        }
        let issuer = match c.name.split_once(' ') {
            Some((kind, rest)) => format!("UBND {} {rest}", kind.to_lowercase()),
            None => format!("UBND {}", c.name),
        };
        Self {
            plan,
            run,
            key,
            rng,
            keys: NameKeys::default(),
            cccds: CccdSource::new(plan.ordinal, run.communes),
            stamp_v: Value::Shared(Arc::from(run.stamp.as_str())),
            prov_v: Value::Shared(Arc::from(c.province_code.as_str())),
            prefix,
            label,
            streets,
            issuer,
            signer: format!("Chủ tịch UBND {}", c.name),
            valid_from: VALID_FROM.parse().expect("a date"),
            rows: Tables {
                units: Rows::new("units", UNIT_COLUMNS),
                households: Rows::new("households", HOUSEHOLD_COLUMNS),
                residents: Rows::new("residents", RESIDENT_COLUMNS),
                groups: Rows::new("community_groups", GROUP_COLUMNS),
                group_units: Rows::new("group_units", GROUP_UNIT_COLUMNS),
                decisions: Rows::new("group_decisions", DECISION_COLUMNS),
                positions: Rows::new("group_positions", POSITION_COLUMNS),
                group_events: Rows::new("group_events", GROUP_EVENT_COLUMNS),
                unit_refs: Vec::new(),
            },
            ids: Ids::default(),
        }
    }

    /// The `u`-th residential unit (from 0).
    fn unit(&mut self, u: u32) -> UnitRef {
        let c = &self.plan.unit;
        let input = NewResidentialUnitInput {
            parent_code: c.code.clone(),
            local_code: format!("{}{:02}", self.prefix, u + 1),
            name: format!("{} {}", self.label, u + 1),
            kind: self.plan.unit_kind.as_str().into(),
            valid_from: Some(VALID_FROM.into()),
        };
        let nu = NewResidentialUnit::parse(&input, c, &self.plan.scheme, self.valid_from)
            .expect("synthetic units follow the scheme");
        let code = nu.code.as_str().to_owned();
        let path = nu.path.clone();
        let code_v = Value::Shared(Arc::from(code.as_str()));
        let path_v = Value::Shared(Arc::from(path.as_str()));
        self.rows.units.push([
            code_v.clone(),
            txt(nu.parent_code.clone()),
            txt(nu.province_code.clone()),
            path_v.clone(),
            int(nu.level),
            Value::Static(nu.kind.as_str()),
            txt(nu.name.clone()),
            txt(nu.name_folded.clone()),
            Value::Blob(nu.sort_key.clone()),
            Value::Text(None),
            txt(nu.valid_from.clone()),
            Value::Text(None),
            self.stamp_v.clone(),
            self.stamp_v.clone(),
        ]);
        self.rows.unit_refs.push((code.clone(), path));
        UnitRef {
            code,
            code_v,
            path_v,
        }
    }

    /// One household of `unit` and its residents; working-age adults join `adults`.
    fn household(&mut self, unit: &UnitRef, adults: &mut Vec<(i64, String)>) {
        let rng = &mut self.rng;
        self.ids.household += 1;
        let hh_id = self.ids.household;
        let members = household_members(rng, self.run.as_of);
        let street = self.streets[rng.random_range(0..self.streets.len())];
        let address = if rng.random_bool(0.3) {
            format!(
                "{}/{} {}",
                rng.random_range(1..=400),
                rng.random_range(1..=60),
                street
            )
        } else {
            format!("{} {}", rng.random_range(1..=400), street)
        };
        let address_folded = text::fold(&address);
        let phone = rng
            .random_bool(0.35)
            .then(|| format!("028{:08}", rng.random_range(0..100_000_000)));
        let temporary = rng.random_bool(0.15);
        let first_id = self.ids.resident + 1;
        let (head_folded, head_key) = self.keys.get(&members[0].name);
        self.rows.households.push([
            int(hh_id),
            self.prov_v.clone(),
            unit.code_v.clone(),
            txt(address),
            txt(address_folded),
            opt(phone),
            int(first_id),
            txt(members[0].name.clone()),
            txt(head_folded),
            Value::Blob(head_key),
            int(members.len() as i64),
            Value::Static("active"),
            self.stamp_v.clone(),
            self.stamp_v.clone(),
        ]);
        let as_of = self.run.as_of;
        let arrived = date(
            as_of.year() - self.rng.random_range(0..30),
            self.rng.random_range(1..=12),
            1,
        )
        .min(as_of);
        for m in members {
            self.ids.resident += 1;
            let res_id = self.ids.resident;
            let age = age_on(m.born, as_of);
            let (folded, sort_key) = self.keys.get(&m.name);
            let phone = (age >= 15 && self.rng.random_bool(0.8)).then(|| mobile(&mut self.rng));
            let cccd = if age >= 14 {
                self.cccds.issue(&mut self.rng, m.born, m.female)
            } else {
                None
            };
            let (cipher, masked, index) = match &cccd {
                Some(n) => (
                    Some(self.key.encrypt(n.as_str())),
                    Some(n.masked()),
                    Some(self.key.blind_index(n.as_str())),
                ),
                None => (None, None, None),
            };
            if (25..=65).contains(&age) {
                adults.push((res_id, m.name.clone()));
            }
            self.rows.residents.push([
                int(res_id),
                self.prov_v.clone(),
                int(hh_id),
                unit.code_v.clone(),
                txt(m.name),
                txt(folded),
                Value::Blob(sort_key),
                txt(m.born.to_string()),
                Value::Static(if m.female { "female" } else { "male" }),
                opt(phone),
                Value::Static(if temporary { "temporary" } else { "permanent" }),
                txt(arrived.max(m.born).to_string()),
                opt(cipher),
                opt(masked),
                opt(index),
                Value::Static("active"),
                self.stamp_v.clone(),
                self.stamp_v.clone(),
            ]);
        }
    }

    /// A group's history event.
    fn event(&mut self, group_id: i64, name: &'static str, detail: serde_json::Value) {
        self.ids.event += 1;
        self.rows.group_events.push([
            int(self.ids.event),
            self.prov_v.clone(),
            int(group_id),
            self.stamp_v.clone(),
            txt("synthetic-seed"),
            Value::Static(name),
            txt(detail.to_string()),
        ]);
    }

    /// One group of the `u`-th unit, established by decision and staffed from `pool`.
    fn group(
        &mut self,
        unit: &UnitRef,
        u: u32,
        &(kind, prefix_name, min_extra, max_extra): &(GroupKind, &str, u32, u32),
        pool: &mut impl Iterator<Item = (i64, String)>,
    ) {
        let established = date(2025, 7, 15);
        self.ids.group += 1;
        self.ids.decision += 1;
        let (group_id, decision_no) = (self.ids.group, self.ids.decision);
        let gname = format!("{prefix_name} {} {}", self.label, u + 1);
        let (gf, gk) = (text::fold(&gname), text::sort_key(&gname));
        self.rows.groups.push([
            int(group_id),
            self.prov_v.clone(),
            unit.code_v.clone(),
            unit.path_v.clone(),
            Value::Static(kind.as_str()),
            Value::Text(None),
            txt(gname.clone()),
            txt(gf),
            Value::Blob(gk),
            Value::Static("active"),
            txt(established.to_string()),
            Value::Text(None),
            self.stamp_v.clone(),
            self.stamp_v.clone(),
        ]);
        self.rows
            .group_units
            .push([int(group_id), unit.code_v.clone(), unit.path_v.clone()]);
        let number = format!("{decision_no}/QĐ-UBND");
        self.rows.decisions.push([
            int(i64::from(decision_no)),
            self.prov_v.clone(),
            int(group_id),
            Value::Static("establishment"),
            txt(number.clone()),
            txt("2025-07-10"),
            txt(self.issuer.clone()),
            txt(self.signer.clone()),
            txt(established.to_string()),
            Value::Int(None),
            self.stamp_v.clone(),
            txt("synthetic-seed"),
        ]);
        self.event(
            group_id,
            "created",
            serde_json::json!({"kind": kind.as_str(), "kind_label": null, "name": gname,
                "unit_code": unit.code, "unit_codes": [unit.code], "status": "pending"}),
        );
        self.event(
            group_id,
            "established",
            serde_json::json!({"kind": "establishment", "number": number,
                "issued_on": "2025-07-10", "issuer": self.issuer, "signer": self.signer,
                "effective_on": established.to_string(), "scan": null}),
        );
        let mut roles = vec![PositionRole::Head, PositionRole::Deputy];
        if max_extra > 0 {
            let extra = self.rng.random_range(min_extra..=max_extra);
            roles.extend(std::iter::repeat_n(PositionRole::Member, extra as usize));
        }
        self.staff(kind, group_id, roles, pool);
    }

    /// Appoints the group's positions, one resident each, for a five-year term.
    fn staff(
        &mut self,
        kind: GroupKind,
        group_id: i64,
        roles: Vec<PositionRole>,
        pool: &mut impl Iterator<Item = (i64, String)>,
    ) {
        let term_start = date(2025, 8, 1);
        let mut head_ends = None;
        for role in roles {
            let Some((rid, name)) = pool.next() else {
                break;
            };
            let ends = position_end(kind, role, false, term_start, TermYears::Five, head_ends);
            if role == PositionRole::Head {
                head_ends = Some(ends);
            }
            self.ids.position += 1;
            self.rows.positions.push([
                int(self.ids.position),
                self.prov_v.clone(),
                int(group_id),
                int(rid),
                Value::Static(role.as_str()),
                Value::Bool(false),
                txt(term_start.to_string()),
                txt(ends.to_string()),
                Value::Text(None),
                Value::Text(None),
                Value::Text(None),
                Value::Text(None),
                self.stamp_v.clone(),
                self.stamp_v.clone(),
            ]);
            self.event(
                group_id,
                "appointed",
                serde_json::json!({"full_name": name, "role": role.as_str(),
                    "acting": false, "starts_on": term_start.to_string(),
                    "ends_on": ends.to_string(), "decision_ref": null, "note": null}),
            );
        }
    }
}
