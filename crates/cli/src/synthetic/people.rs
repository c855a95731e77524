//! One commune's residential units, households, residents and groups, as rows.
//!
//! Pure and deterministic: the same commune plan and seed give the same rows (identity
//! numbers are encrypted with a fresh nonce, so only their ciphertext differs). Ids are local
//! (1, 2, …) and shifted by the writer ([`CommuneRows::shift`]).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::{date, Date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuquan_domain::groups::{position_end, GroupKind, PositionRole, TermYears};
use tuquan_domain::people::{age_on, Cccd, Gender};
use tuquan_domain::territory::{NewResidentialUnit, NewResidentialUnitInput, SubdivisionScheme};
use tuquan_domain::territory::{Unit, UnitKind};
use tuquan_domain::text;
use tuquan_store::bulk::{Rows, Value};
use tuquan_store::identity::IdentityKey;

use super::names::{self, Weighted};

pub const UNIT_COLUMNS: &[&str] = &[
    "code",
    "parent_code",
    "province_code",
    "path",
    "level",
    "kind",
    "name",
    "name_folded",
    "sort_key",
    "codename",
    "valid_from",
    "valid_to",
    "created_at",
    "updated_at",
];
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "unit_code",
    "address",
    "address_folded",
    "phone",
    "representative_id",
    "representative_name",
    "name_folded",
    "sort_key",
    "member_count",
    "status",
    "created_at",
    "updated_at",
];
pub const RESIDENT_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "household_id",
    "unit_code",
    "full_name",
    "name_folded",
    "sort_key",
    "birth_date",
    "gender",
    "phone",
    "residence_type",
    "residence_since",
    "cccd_cipher",
    "cccd_masked",
    "cccd_index",
    "status",
    "created_at",
    "updated_at",
];
pub const GROUP_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "unit_code",
    "unit_path",
    "kind",
    "kind_label",
    "name",
    "name_folded",
    "sort_key",
    "status",
    "established_on",
    "dissolved_on",
    "created_at",
    "updated_at",
];
pub const GROUP_UNIT_COLUMNS: &[&str] = &["group_id", "unit_code", "unit_path"];
pub const DECISION_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "kind",
    "number",
    "issued_on",
    "issuer",
    "signer",
    "effective_on",
    "document_id",
    "created_at",
    "created_by",
];
pub const POSITION_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "resident_id",
    "role",
    "acting",
    "starts_on",
    "ends_on",
    "ended_on",
    "end_reason",
    "decision_ref",
    "note",
    "created_at",
    "updated_at",
];
pub const GROUP_EVENT_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "at",
    "actor_username",
    "event",
    "detail_json",
];

/// What the generator needs to know about a commune.
#[derive(Debug, Clone)]
pub struct CommunePlan {
    /// Position in the plan (0, 1, …): part of the RNG seed and of identity numbers.
    pub ordinal: usize,
    pub unit: Unit,
    pub households: u32,
    /// The residential unit kind for this commune (khu phố in a phường, ấp in a xã).
    pub unit_kind: UnitKind,
    pub scheme: SubdivisionScheme,
}

/// Shared settings of a run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub seed: u64,
    /// The day the data set "is": ages, terms and two years of feedback end here.
    pub as_of: Date,
    /// `created_at`/`updated_at` of the rows (one stamp for the whole load).
    pub stamp: String,
    /// How many communes the run has (identity numbers are partitioned by commune).
    pub communes: usize,
}

/// A commune's rows with local ids, and what the feedback generator needs of it.
pub struct CommuneRows {
    pub units: Rows,
    pub households: Rows,
    pub residents: Rows,
    pub groups: Rows,
    pub group_units: Rows,
    pub decisions: Rows,
    pub positions: Rows,
    pub group_events: Rows,
    /// (code, path) of the residential units, for feedback.
    pub unit_refs: Vec<(String, String)>,
    pub residents_count: u64,
}

impl CommuneRows {
    /// Shifts local ids by the table bases (households, residents, groups, decisions,
    /// positions, group events).
    pub fn shift(&mut self, b: &Bases) {
        shift(&mut self.households, &[(0, b.households), (6, b.residents)]);
        shift(&mut self.residents, &[(0, b.residents), (2, b.households)]);
        shift(&mut self.groups, &[(0, b.groups)]);
        shift(&mut self.group_units, &[(0, b.groups)]);
        shift(&mut self.decisions, &[(0, b.decisions), (2, b.groups)]);
        shift(
            &mut self.positions,
            &[(0, b.positions), (2, b.groups), (3, b.residents)],
        );
        shift(
            &mut self.group_events,
            &[(0, b.group_events), (2, b.groups)],
        );
    }

    /// How many rows each id-carrying table got, to advance the bases.
    pub fn counts(&self) -> Bases {
        Bases {
            households: self.households.len() as i64,
            residents: self.residents.len() as i64,
            groups: self.groups.len() as i64,
            decisions: self.decisions.len() as i64,
            positions: self.positions.len() as i64,
            group_events: self.group_events.len() as i64,
        }
    }

    pub fn into_tables(self) -> Vec<Rows> {
        vec![
            self.units,
            self.households,
            self.residents,
            self.groups,
            self.group_units,
            self.decisions,
            self.positions,
            self.group_events,
        ]
    }
}

/// The id before the first new row of each table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bases {
    pub households: i64,
    pub residents: i64,
    pub groups: i64,
    pub decisions: i64,
    pub positions: i64,
    pub group_events: i64,
}

impl Bases {
    pub fn advance(&mut self, by: &Bases) {
        self.households += by.households;
        self.residents += by.residents;
        self.groups += by.groups;
        self.decisions += by.decisions;
        self.positions += by.positions;
        self.group_events += by.group_events;
    }
}

fn shift(rows: &mut Rows, cols: &[(usize, i64)]) {
    let width = rows.columns.len();
    for row in rows.values.chunks_mut(width) {
        for (c, base) in cols {
            if let Value::Int(Some(v)) = &mut row[*c] {
                *v += base;
            }
        }
    }
}

/// A seeded RNG for one purpose of one commune.
pub fn rng_for(seed: u64, commune: &str, purpose: u64) -> ChaCha8Rng {
    let code: u64 = commune.parse().unwrap_or(0);
    ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (code << 8) ^ purpose)
}

/// Names are few compared with people: fold and collation keys are computed once each.
#[derive(Default)]
pub struct NameKeys(HashMap<String, (String, Vec<u8>)>);

impl NameKeys {
    pub fn get(&mut self, name: &str) -> (String, Vec<u8>) {
        if let Some(v) = self.0.get(name) {
            return v.clone();
        }
        let v = (text::fold(name), text::sort_key(name));
        self.0.insert(name.to_owned(), v.clone());
        v
    }
}

struct Person {
    name: String,
    born: Date,
    female: bool,
}

fn middle(rng: &mut ChaCha8Rng, female: bool, born_year: i16) -> &'static str {
    let old = born_year < 1980;
    let t: &Weighted<&str> = match (female, old) {
        (false, true) => &names::MIDDLE_MALE_OLD,
        (false, false) => &names::MIDDLE_MALE_YOUNG,
        (true, true) => &names::MIDDLE_FEMALE_OLD,
        (true, false) => &names::MIDDLE_FEMALE_YOUNG,
    };
    t.pick(rng)
}

fn person(rng: &mut ChaCha8Rng, family: &str, female: bool, age: i16, as_of: Date) -> Person {
    let year = as_of.year() - age;
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    let mut born = date(year, month, day);
    if born > as_of {
        born = date(year - 1, month, day);
    }
    let mid = middle(rng, female, born.year());
    let given = if female {
        names::GIVEN_FEMALE.pick(rng)
    } else {
        names::GIVEN_MALE.pick(rng)
    };
    Person {
        name: format!("{family} {mid} {given}"),
        born,
        female,
    }
}

/// Household sizes with a mean of about 3.2 (the 2019 census gives 3.5 nationally and
/// fewer in Ho Chi Minh City).
static SIZES: Weighted<u8> =
    Weighted::new(&[(1, 12), (2, 21), (3, 25), (4, 24), (5, 11), (6, 5), (7, 2)]);

/// The members of one household: a head, often a spouse, children, sometimes a parent.
fn household_members(rng: &mut ChaCha8Rng, as_of: Date) -> Vec<Person> {
    let size = usize::from(SIZES.pick(rng));
    let family = names::FAMILY.pick(rng);
    let head_female = rng.random_bool(if size == 1 { 0.5 } else { 0.3 });
    let head_age: i16 = if size == 1 {
        // Young people living alone and widowed elders.
        if rng.random_bool(0.6) {
            rng.random_range(19..=35)
        } else {
            rng.random_range(36..=88)
        }
    } else {
        let a: i16 = rng.random_range(24..=60);
        let b: i16 = rng.random_range(24..=75);
        (a + b) / 2
    };
    let mut out = vec![person(rng, family, head_female, head_age, as_of)];
    let mut slots = size - 1;
    if slots > 0 && rng.random_bool(0.88) {
        let spouse_family = names::FAMILY.pick(rng);
        let gap: i16 = rng.random_range(-2..=7);
        let age = if head_female {
            head_age + gap
        } else {
            head_age - gap
        }
        .max(18);
        out.push(person(rng, spouse_family, !head_female, age, as_of));
        slots -= 1;
    }
    if slots > 0 && head_age >= 40 && rng.random_bool(0.3) {
        let age = (head_age + rng.random_range(22..=32)).min(98);
        let female = rng.random_bool(0.65);
        let fam = if female {
            names::FAMILY.pick(rng)
        } else {
            family
        };
        out.push(person(rng, fam, female, age, as_of));
        slots -= 1;
    }
    for _ in 0..slots {
        let oldest = (head_age - 20).max(0);
        let youngest = (head_age - 42).max(0);
        let age = rng.random_range(youngest..=oldest);
        let female = rng.random_bool(0.49);
        out.push(person(rng, family, female, age, as_of));
    }
    out
}

const MOBILE_PREFIXES: &[&str] = &[
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "070", "077", "079",
    "083", "085", "032", "033", "034", "035", "036", "037", "038", "039",
];

fn mobile(rng: &mut ChaCha8Rng) -> String {
    let p = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{p}{:07}", rng.random_range(0..10_000_000))
}

/// Places of birth registration: most residents were registered in Ho Chi Minh City (079),
/// others came from elsewhere.
const BIRTH_PLACES: &[&str] = &[
    "079", "079", "079", "079", "079", "079", "079", "001", "038", "040", "042", "051", "052",
    "054", "064", "066", "072", "074", "080", "082", "083", "084", "086", "087", "089", "091",
    "092", "094", "096", "075", "077", "070",
];

/// Hands out identity numbers that are valid for the holder and unique in the run: the six
/// random digits of each (place, century and gender, year) group are partitioned between
/// communes and mixed by a bijection on 0..1,000,000.
struct CccdSource {
    slot: u64,
    width: u64,
    next: HashMap<(&'static str, u8, i16), u64>,
}

impl CccdSource {
    fn new(ordinal: usize, communes: usize) -> Self {
        let width = 1_000_000 / communes.max(1) as u64;
        Self {
            slot: ordinal as u64,
            width,
            next: HashMap::new(),
        }
    }

    fn issue(&mut self, rng: &mut ChaCha8Rng, born: Date, female: bool) -> Option<Cccd> {
        let start = rng.random_range(0..BIRTH_PLACES.len());
        for k in 0..BIRTH_PLACES.len() {
            let place_i = (start + k) % BIRTH_PLACES.len();
            let place = BIRTH_PLACES[place_i];
            let century = match born.year() {
                1800..=1899 => 8,
                1900..=1999 => 0,
                _ => 2,
            } + u8::from(female);
            let n = self.next.entry((place, century, born.year())).or_insert(0);
            if *n >= self.width {
                continue;
            }
            let serial = self.slot * self.width + *n;
            *n += 1;
            // 7919 is prime to 10^6, so this is a bijection of 0..10^6.
            let mixed = (serial * 7919 + 123_457) % 1_000_000;
            let raw = format!("{place}{century}{:02}{mixed:06}", born.year() % 100);
            let gender = if female { Gender::Female } else { Gender::Male };
            return Cccd::parse(&raw, born, gender).ok();
        }
        None
    }
}

fn int(v: i64) -> Value {
    Value::Int(Some(v))
}
fn txt(s: impl Into<String>) -> Value {
    Value::Text(Some(s.into()))
}
fn opt(s: Option<String>) -> Value {
    Value::Text(s)
}

/// Groups each residential unit has: (kind, name prefix, roles after the head, members
/// range). The mediation team exists in about half of the units.
const UNIT_GROUPS: &[(GroupKind, &str, u32, u32)] = &[
    (GroupKind::UnitLeadership, "Ban điều hành", 0, 0),
    (GroupKind::ToBaoVeAntt, "Tổ bảo vệ an ninh, trật tự", 3, 6),
    (GroupKind::BanCongTacMatTran, "Ban công tác Mặt trận", 2, 4),
    (GroupKind::ToHoaGiai, "Tổ hòa giải", 2, 4),
];

/// Generates one commune.
pub fn commune(plan: &CommunePlan, run: &RunSettings, key: &IdentityKey) -> CommuneRows {
    let mut rng = rng_for(run.seed, &plan.unit.code, 1);
    let mut keys = NameKeys::default();
    let mut cccds = CccdSource::new(plan.ordinal, run.communes);
    let c = &plan.unit;
    // Strings most rows repeat are shared, not copied.
    let stamp_v = Value::Shared(Arc::from(run.stamp.as_str()));
    let prov_v = Value::Shared(Arc::from(c.province_code.as_str()));
    let valid_from = "2025-07-01";
    let established = date(2025, 7, 15);
    let term_start = date(2025, 8, 1);
    let mut units = Rows::new("units", UNIT_COLUMNS);
    let mut households = Rows::new("households", HOUSEHOLD_COLUMNS);
    let mut residents = Rows::new("residents", RESIDENT_COLUMNS);
    let mut groups = Rows::new("community_groups", GROUP_COLUMNS);
    let mut group_units = Rows::new("group_units", GROUP_UNIT_COLUMNS);
    let mut decisions = Rows::new("group_decisions", DECISION_COLUMNS);
    let mut positions = Rows::new("group_positions", POSITION_COLUMNS);
    let mut group_events = Rows::new("group_events", GROUP_EVENT_COLUMNS);
    let mut unit_refs = Vec::new();

    // About 470 households per unit, between 30 and 60 units (the 2025 merged communes).
    let n_units = (plan.households / 470)
        .clamp(30, 60)
        .min(plan.households.max(1));
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
    // "UBND phường Sài Gòn", as decisions are headed.
    let issuer = match c.name.split_once(' ') {
        Some((kind, rest)) => format!("UBND {} {rest}", kind.to_lowercase()),
        None => format!("UBND {}", c.name),
    };
    let signer = format!("Chủ tịch UBND {}", c.name);
    let mut hh_id = 0i64;
    let mut res_id = 0i64;
    let mut group_id = 0i64;
    let mut decision_no = 0u32;
    let mut position_id = 0i64;
    let mut event_id = 0i64;
    let vf = valid_from.parse().expect("a date");
    let mut left = plan.households;
    for u in 0..n_units {
        let input = NewResidentialUnitInput {
            parent_code: c.code.clone(),
            local_code: format!("{prefix}{:02}", u + 1),
            name: format!("{label} {}", u + 1),
            kind: plan.unit_kind.as_str().into(),
            valid_from: Some(valid_from.into()),
        };
        let nu = NewResidentialUnit::parse(&input, c, &plan.scheme, vf)
            .expect("synthetic units follow the scheme");
        let ucode = nu.code.as_str().to_owned();
        let upath = nu.path.clone();
        let ucode_v = Value::Shared(Arc::from(ucode.as_str()));
        let upath_v = Value::Shared(Arc::from(upath.as_str()));
        units.push([
            ucode_v.clone(),
            txt(nu.parent_code.clone()),
            txt(nu.province_code.clone()),
            upath_v.clone(),
            int(nu.level),
            Value::Static(nu.kind.as_str()),
            txt(nu.name.clone()),
            txt(nu.name_folded.clone()),
            Value::Blob(nu.sort_key.clone()),
            Value::Text(None),
            txt(nu.valid_from.clone()),
            Value::Text(None),
            stamp_v.clone(),
            stamp_v.clone(),
        ]);
        unit_refs.push((ucode.clone(), upath.clone()));
        // Households of this unit (the last unit takes the remainder).
        let count = if u + 1 == n_units {
            left
        } else {
            let even = plan.households / n_units;
            let jitter = rng.random_range(0..=even / 5 + 1);
            (even + jitter - (even / 10)).min(left)
        };
        left -= count;
        // Working-age adults of the unit, for the groups.
        let mut adults: Vec<(i64, String)> = Vec::new();
        for _ in 0..count {
            hh_id += 1;
            let members = household_members(&mut rng, run.as_of);
            let street = streets[rng.random_range(0..streets.len())];
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
            let first_id = res_id + 1;
            let (head_folded, head_key) = keys.get(&members[0].name);
            households.push([
                int(hh_id),
                prov_v.clone(),
                ucode_v.clone(),
                txt(address),
                txt(address_folded),
                opt(phone),
                int(first_id),
                txt(members[0].name.clone()),
                txt(head_folded),
                Value::Blob(head_key),
                int(members.len() as i64),
                Value::Static("active"),
                stamp_v.clone(),
                stamp_v.clone(),
            ]);
            let arrived = date(
                run.as_of.year() - rng.random_range(0..30),
                rng.random_range(1..=12),
                1,
            )
            .min(run.as_of);
            for m in members {
                res_id += 1;
                let age = age_on(m.born, run.as_of);
                let (folded, sort_key) = keys.get(&m.name);
                let phone = (age >= 15 && rng.random_bool(0.8)).then(|| mobile(&mut rng));
                let cccd = if age >= 14 {
                    cccds.issue(&mut rng, m.born, m.female)
                } else {
                    None
                };
                let (cipher, masked, index) = match &cccd {
                    Some(n) => (
                        Some(key.encrypt(n.as_str())),
                        Some(n.masked()),
                        Some(key.blind_index(n.as_str())),
                    ),
                    None => (None, None, None),
                };
                if (25..=65).contains(&age) {
                    adults.push((res_id, m.name.clone()));
                }
                residents.push([
                    int(res_id),
                    prov_v.clone(),
                    int(hh_id),
                    ucode_v.clone(),
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
                    stamp_v.clone(),
                    stamp_v.clone(),
                ]);
            }
        }
        // The unit's groups, staffed with distinct working-age residents.
        let mut pool = adults.into_iter();
        for (kind, prefix_name, min_extra, max_extra) in UNIT_GROUPS {
            if *kind == GroupKind::ToHoaGiai && rng.random_bool(0.5) {
                continue;
            }
            group_id += 1;
            decision_no += 1;
            let gname = format!("{prefix_name} {label} {}", u + 1);
            let (gf, gk) = (text::fold(&gname), text::sort_key(&gname));
            groups.push([
                int(group_id),
                prov_v.clone(),
                ucode_v.clone(),
                upath_v.clone(),
                Value::Static(kind.as_str()),
                Value::Text(None),
                txt(gname.clone()),
                txt(gf),
                Value::Blob(gk),
                Value::Static("active"),
                txt(established.to_string()),
                Value::Text(None),
                stamp_v.clone(),
                stamp_v.clone(),
            ]);
            group_units.push([int(group_id), ucode_v.clone(), upath_v.clone()]);
            let number = format!("{decision_no}/QĐ-UBND");
            decisions.push([
                int(i64::from(decision_no)),
                prov_v.clone(),
                int(group_id),
                Value::Static("establishment"),
                txt(number.clone()),
                txt("2025-07-10"),
                txt(issuer.clone()),
                txt(signer.clone()),
                txt(established.to_string()),
                Value::Int(None),
                stamp_v.clone(),
                txt("synthetic-seed"),
            ]);
            let mut event = |name: &'static str, detail: serde_json::Value| {
                event_id += 1;
                group_events.push([
                    int(event_id),
                    prov_v.clone(),
                    int(group_id),
                    stamp_v.clone(),
                    txt("synthetic-seed"),
                    Value::Static(name),
                    txt(detail.to_string()),
                ]);
            };
            event(
                "created",
                serde_json::json!({"kind": kind.as_str(), "kind_label": null, "name": gname,
                    "unit_code": ucode, "unit_codes": [ucode], "status": "pending"}),
            );
            event(
                "established",
                serde_json::json!({"kind": "establishment", "number": number,
                    "issued_on": "2025-07-10", "issuer": issuer, "signer": signer,
                    "effective_on": established.to_string(), "scan": null}),
            );
            let mut roles = vec![PositionRole::Head, PositionRole::Deputy];
            if *max_extra > 0 {
                let extra = rng.random_range(*min_extra..=*max_extra);
                roles.extend(std::iter::repeat_n(PositionRole::Member, extra as usize));
            }
            let mut head_ends = None;
            for role in roles {
                let Some((rid, name)) = pool.next() else {
                    break;
                };
                let ends = position_end(*kind, role, false, term_start, TermYears::Five, head_ends);
                if role == PositionRole::Head {
                    head_ends = Some(ends);
                }
                position_id += 1;
                positions.push([
                    int(position_id),
                    prov_v.clone(),
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
                    stamp_v.clone(),
                    stamp_v.clone(),
                ]);
                event(
                    "appointed",
                    serde_json::json!({"full_name": name, "role": role.as_str(),
                        "acting": false, "starts_on": term_start.to_string(),
                        "ends_on": ends.to_string(), "decision_ref": null, "note": null}),
                );
            }
        }
    }
    CommuneRows {
        residents_count: residents.len() as u64,
        units,
        households,
        residents,
        groups,
        group_units,
        decisions,
        positions,
        group_events,
        unit_refs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cccd_source_gives_unique_valid_numbers() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut a = CccdSource::new(0, 2);
        let mut b = CccdSource::new(1, 2);
        let born = date(1985, 3, 4);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            for s in [&mut a, &mut b] {
                let c = s.issue(&mut rng, born, true).unwrap();
                assert!(seen.insert(c.as_str().to_owned()), "{}", c.as_str());
            }
        }
    }

    #[test]
    fn phones_are_what_the_product_accepts() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..100 {
            let m = mobile(&mut rng);
            assert_eq!(tuquan_domain::people::Phone::parse(&m).unwrap().as_str(), m);
        }
    }

    #[test]
    fn households_average_about_three_people_with_a_plausible_age_mix() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let as_of = date(2026, 11, 1);
        let (mut people, mut kids, mut elders) = (0, 0, 0);
        let n = 20_000;
        for _ in 0..n {
            for p in household_members(&mut rng, as_of) {
                people += 1;
                let age = age_on(p.born, as_of);
                assert!((0..=110).contains(&age));
                kids += i32::from(age < 15);
                elders += i32::from(age >= 65);
            }
        }
        let mean = f64::from(people) / f64::from(n);
        assert!((3.0..3.4).contains(&mean), "{mean}");
        let kid_share = f64::from(kids) / f64::from(people);
        let elder_share = f64::from(elders) / f64::from(people);
        assert!((0.15..0.32).contains(&kid_share), "{kid_share}");
        assert!((0.04..0.16).contains(&elder_share), "{elder_share}");
    }
}
