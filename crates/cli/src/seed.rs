//! The demo neighbourhood: Phường Bến Thành (Thành phố Hồ Chí Minh, code 26743), its khu phố
//! and households with believable Vietnamese names. Deterministic, so every demo looks alike.

use std::fmt;

use jiff::civil::{date, Date};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tuquan_domain::access::Role;
use tuquan_domain::people::{NewHousehold, NewHouseholdInput, NewResident, NewResidentInput};
use tuquan_domain::territory::{NewResidentialUnit, NewResidentialUnitInput, SubdivisionScheme};
use tuquan_store::audit::AuditCtx;
use tuquan_store::users::NewUser;
use tuquan_store::Store;

pub const DEMO_COMMUNE: &str = "26743";
const DEMO_PROVINCE: &str = "79";
/// HCMC ended its sub-khu-phố tier in 2024: one level of khu phố and ấp (domain.md).
const HCMC_LEVELS: &str = "khu_pho,ap";
const QUARTERS: u32 = 12;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai",
];
const MIDDLE_MALE: &[&str] = &["Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh", "Công", "Gia"];
const MIDDLE_FEMALE: &[&str] = &["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bảo", "Hồng"];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khang", "Long", "Nam", "Phúc", "Quân",
    "Sơn", "Tâm", "Thắng", "Toàn", "Tuấn", "Việt",
];
const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Oanh",
    "Phương", "Thảo", "Trang", "Uyên", "Vy", "Yến",
];
/// The demo's streets: the first of the synthetic data set's (the same order, so the demo
/// stays as it was).
fn streets() -> &'static [&'static str] {
    &crate::synthetic::names::STREETS[..14]
}

/// The demo accounts' shared password, printed with the accounts.
pub const DEMO_PASSWORD: &str = "tuquan-demo";

/// One demo account per role: (username, display name, role, unit).
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "Quản trị hệ thống", Role::SystemAdmin, None),
    (
        "tinh.hcm",
        "Trần Văn Tỉnh",
        Role::ProvinceOfficial,
        Some("79"),
    ),
    (
        "canbo.benthanh",
        "Lê Thị Xuân",
        Role::CommuneOfficial,
        Some("26743"),
    ),
    (
        "congan.benthanh",
        "Phạm Quốc An",
        Role::CommunePolice,
        Some("26743"),
    ),
    (
        "mattran.kp01",
        "Võ Thị Hồng",
        Role::FrontCommittee,
        Some("26743-kp01"),
    ),
    (
        "totruong.kp01",
        "Nguyễn Văn Bình",
        Role::UnitHead,
        Some("26743-kp01"),
    ),
    (
        "topho.kp01",
        "Đặng Thị Lan",
        Role::DeputyHead,
        Some("26743-kp01"),
    ),
    (
        "tonhandan.kp01",
        "Huỳnh Minh Tâm",
        Role::GroupLeader,
        Some("26743-kp01"),
    ),
    (
        "tovien.kp01",
        "Bùi Văn Sơn",
        Role::GroupMember,
        Some("26743-kp01"),
    ),
    (
        "csrkv.kp01",
        "Hồ Đức Thắng",
        Role::AreaPolice,
        Some("26743-kp01"),
    ),
    (
        "dan.kp01",
        "Ngô Thị Mai",
        Role::Resident,
        Some("26743-kp01"),
    ),
];

pub struct DemoReport {
    pub units: usize,
    pub households: usize,
    pub already_present: bool,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_present {
            write!(f, "Demo data already present (Phường Bến Thành, /territory/{DEMO_COMMUNE}); nothing to do.")
        } else {
            writeln!(
                f,
                "Demo loaded: Phường Bến Thành (/territory/{DEMO_COMMUNE}) with {} khu phố and {} households.",
                self.units, self.households
            )?;
            writeln!(
                f,
                "Demo accounts, all with the password \"{DEMO_PASSWORD}\":"
            )?;
            for (username, name, role, unit) in DEMO_ACCOUNTS {
                writeln!(
                    f,
                    "  {username:<16} {:<18} {:<11} {name}",
                    role.as_str(),
                    unit.unwrap_or("(country)")
                )?;
            }
            Ok(())
        }
    }
}

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

/// A name for someone of the given gender in the given family.
fn person(rng: &mut StdRng, family: &str, female: bool) -> String {
    if female {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_FEMALE),
            pick(rng, GIVEN_FEMALE)
        )
    } else {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_MALE),
            pick(rng, GIVEN_MALE)
        )
    }
}

/// A CCCD consistent with the birth date and gender (born in the old HCMC, code 079).
fn cccd(rng: &mut StdRng, born: Date, female: bool) -> String {
    let century = match born.year() {
        1900..=1999 => 0,
        _ => 2,
    } + u8::from(female);
    format!(
        "079{century}{:02}{:06}",
        born.year() % 100,
        rng.random_range(0..1_000_000)
    )
}

fn member(rng: &mut StdRng, family: &str, female: bool, born: Date, today: Date) -> NewResident {
    let adult = tuquan_domain::people::age_on(born, today) >= 14;
    let input = NewResidentInput {
        full_name: person(rng, family, female),
        birth_date: born.to_string(),
        gender: if female { "female" } else { "male" }.into(),
        phone: adult
            .then(|| format!("09{:08}", rng.random_range(0..100_000_000)))
            .filter(|_| rng.random_bool(0.7)),
        residence_type: if rng.random_bool(0.85) {
            "permanent"
        } else {
            "temporary"
        }
        .into(),
        residence_since: Some(
            born.max(date(
                2000 + rng.random_range(0..24),
                1 + rng.random_range(0..12),
                1,
            ))
            .to_string(),
        ),
        cccd: adult.then(|| cccd(rng, born, female)),
    };
    NewResident::parse(&input, today).expect("demo residents follow the rules")
}

fn birth(rng: &mut StdRng, from_year: i16, to_year: i16) -> Date {
    date(
        rng.random_range(from_year..=to_year),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    )
}

/// A household: a representative, maybe a spouse, children, sometimes a grandparent.
fn household(rng: &mut StdRng, today: Date) -> (NewHousehold, Vec<NewResident>) {
    let family = pick(rng, FAMILY);
    let address = format!(
        "{}{} {}",
        rng.random_range(1..=220),
        if rng.random_bool(0.2) { "/5" } else { "" },
        pick(rng, streets())
    );
    let h = NewHousehold::parse(&NewHouseholdInput {
        address,
        phone: rng
            .random_bool(0.5)
            .then(|| format!("028{:07}", rng.random_range(0..10_000_000))),
    })
    .expect("demo households follow the rules");
    let head_female = rng.random_bool(0.4);
    let head_born = birth(rng, 1950, 1995);
    let mut members = vec![member(rng, family, head_female, head_born, today)];
    let size = rng.random_range(1..=6);
    if size >= 2 {
        let spouse_family = pick(rng, FAMILY);
        let born = birth(rng, head_born.year() - 3, head_born.year() + 5);
        members.push(member(rng, spouse_family, !head_female, born, today));
    }
    for _ in 2..size {
        let kid_from = (head_born.year() + 20).min(2024);
        let born = birth(rng, kid_from, 2024.min(kid_from + 20));
        let female = rng.random_bool(0.5);
        members.push(member(rng, family, female, born, today));
    }
    (h, members)
}

/// Loads the demo unless it is already there.
pub async fn demo(
    store: &Store,
    with_feedback: bool,
    with_meetings: bool,
) -> anyhow::Result<DemoReport> {
    super::commands::ensure_territory(store).await?;
    let first = format!("{DEMO_COMMUNE}-kp01");
    if store.unit(&first).await.is_ok() {
        return Ok(DemoReport {
            units: 0,
            households: 0,
            already_present: true,
        });
    }
    let ctx = AuditCtx {
        actor_username: Some("demo-seed".into()),
        ..AuditCtx::default()
    };
    store
        .set_scheme(DEMO_PROVINCE, &SubdivisionScheme::parse(HCMC_LEVELS)?, &ctx)
        .await?;
    let commune = store.unit(DEMO_COMMUNE).await?.unit;
    let scheme = store.scheme_for(&commune).await?;
    let mut rng = StdRng::seed_from_u64(26743);
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    let mut households = 0;
    for n in 1..=QUARTERS {
        let input = NewResidentialUnitInput {
            parent_code: DEMO_COMMUNE.into(),
            local_code: format!("kp{n:02}"),
            name: format!("Khu phố {n}"),
            kind: "khu_pho".into(),
            valid_from: Some("2025-07-01".into()),
        };
        let new = NewResidentialUnit::parse(&input, &commune, &scheme, date(2025, 7, 1))?;
        let unit = store.insert_residential_unit(&new, &ctx).await?.unit;
        let count = rng.random_range(25..=45);
        let batch: Vec<_> = (0..count).map(|_| household(&mut rng, today)).collect();
        store
            .create_households_with_members(&unit, &batch, &ctx)
            .await?;
        households += batch.len();
    }
    // The resident account's own household, in Khu phố 1, for "my data".
    let kp01 = store.unit(&format!("{DEMO_COMMUNE}-kp01")).await?.unit;
    let own = (
        NewHousehold::parse(&NewHouseholdInput {
            address: "15 Lê Thánh Tôn".into(),
            phone: None,
        })?,
        vec![NewResident::parse(
            &NewResidentInput {
                full_name: "Ngô Thị Mai".into(),
                birth_date: "1978-05-14".into(),
                gender: "female".into(),
                phone: Some("0903123456".into()),
                residence_type: "permanent".into(),
                residence_since: Some("2001-03-01".into()),
                cccd: Some("079178012345".into()),
            },
            today,
        )?],
    );
    let own_id = store
        .create_households_with_members(&kp01, std::slice::from_ref(&own), &ctx)
        .await?[0];
    households += 1;
    // One hash for all: argon2 is slow on purpose, and these accounts share a password.
    let hash = tuquan_app::access::secret::hash_password(DEMO_PASSWORD);
    for (username, name, role, unit) in DEMO_ACCOUNTS {
        let new = NewUser {
            username: (*username).to_owned(),
            display_name: (*name).to_owned(),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        let id = store
            .create_user(&new, &[(*role, unit.map(str::to_owned))], &ctx)
            .await?;
        if *role == Role::Resident {
            let member = store.residents_of_household(own_id).await?;
            store
                .link_resident(id, member.first().map(|m| m.id), &ctx)
                .await?;
        }
    }
    crate::seed_groups::demo_groups(store, &ctx).await?;
    if with_feedback {
        crate::seed_announcements::demo_announcements(store).await?;
    }
    // Meetings, minutes, action items, ballots and a consultation (issue 15): alive on
    // `serve --demo` whether or not the feedback demo is on.
    if with_meetings {
        crate::seed_meetings::demo_meetings(store).await?;
        crate::seed_action_items::demo_action_items(store).await?;
        crate::seed_votes::demo_votes(store).await?;
        // After the votes: the khu phố that elects its head there has none before.
        crate::seed_groups::demo_khu_pho_leaders(store, &ctx).await?;
        crate::seed_consultations::demo_consultations(store).await?;
        crate::seed_restructuring::demo_restructuring(store).await?;
    }
    // The beats and militia heads go with the restructuring demo (meetings) too: the scheme
    // applied and the beats carried leave a clean report; the concerns are feedback.
    if with_feedback || with_meetings {
        crate::seed_beats::demo_beats(store, with_feedback).await?;
    }
    if with_feedback {
        crate::seed_feedback::demo_feedback(store, DEMO_COMMUNE).await?;
    }
    Ok(DemoReport {
        units: QUARTERS as usize,
        households,
        already_present: false,
    })
}

/// `serve --demo --smtp …`: the demo's officials and heads receive their messages by e-mail
/// too (`{username}@demo.tuquan.vn`), so that publishing at the ward, passing on at Khu phố 1
/// or a new feedback item shows up at the local SMTP server.
pub async fn demo_email_addresses(store: &Store) -> anyhow::Result<()> {
    let ctx = AuditCtx::cli();
    for username in [
        "canbo.benthanh",
        "totruong.kp01",
        "topho.kp01",
        "tonhandan.kp01",
    ] {
        if let Some(u) = store.user_by_username(username).await? {
            let address = format!("{username}@demo.tuquan.vn");
            store
                .set_delivery_address(u.id, "email", Some(&address), &ctx)
                .await?;
        }
    }
    Ok(())
}
