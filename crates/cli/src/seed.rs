//! The demo neighbourhood: Phường Bến Thành (Thành phố Hồ Chí Minh, code 26743), its khu phố
//! and households with believable Vietnamese names. Deterministic, so every demo looks alike.

use std::fmt;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tuquan_domain::access::Role;
use tuquan_domain::territory::{NewResidentialUnit, NewResidentialUnitInput, SubdivisionScheme};
use tuquan_store::audit::AuditCtx;
use tuquan_store::households::NewHouseholdSummary;
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
const STREETS: &[&str] = &[
    "Lê Lợi",
    "Lê Thánh Tôn",
    "Nguyễn Trãi",
    "Phạm Ngũ Lão",
    "Bùi Viện",
    "Đề Thám",
    "Nguyễn Thái Học",
    "Cống Quỳnh",
    "Trần Hưng Đạo",
    "Lý Tự Trọng",
    "Nam Kỳ Khởi Nghĩa",
    "Phan Chu Trinh",
    "Trương Định",
    "Tôn Thất Tùng",
];

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

fn person(rng: &mut StdRng) -> String {
    let family = pick(rng, FAMILY);
    if rng.random_bool(0.5) {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_MALE),
            pick(rng, GIVEN_MALE)
        )
    } else {
        format!(
            "{family} {} {}",
            pick(rng, MIDDLE_FEMALE),
            pick(rng, GIVEN_FEMALE)
        )
    }
}

/// Loads the demo unless it is already there.
pub async fn demo(store: &Store) -> anyhow::Result<DemoReport> {
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
    let mut households = 0;
    for n in 1..=QUARTERS {
        let input = NewResidentialUnitInput {
            parent_code: DEMO_COMMUNE.into(),
            local_code: format!("kp{n:02}"),
            name: format!("Khu phố {n}"),
            kind: "khu_pho".into(),
            valid_from: Some("2025-07-01".into()),
        };
        let today = jiff::civil::date(2025, 7, 1);
        let new = NewResidentialUnit::parse(&input, &commune, &scheme, today)?;
        let unit = store.insert_residential_unit(&new, &ctx).await?.unit;
        let count = rng.random_range(25..=45);
        let batch: Vec<NewHouseholdSummary> = (0..count)
            .map(|_| NewHouseholdSummary {
                address: format!(
                    "{}{} {}",
                    rng.random_range(1..=220),
                    if rng.random_bool(0.2) { "/5" } else { "" },
                    pick(&mut rng, STREETS)
                ),
                representative_name: person(&mut rng),
                member_count: rng.random_range(1..=6),
            })
            .collect();
        store.insert_households(&unit, &batch, &ctx).await?;
        households += batch.len();
    }
    // One hash for all: argon2 is slow on purpose, and these accounts share a password.
    let hash = tuquan_web::auth::secret::hash_password(DEMO_PASSWORD);
    for (username, name, role, unit) in DEMO_ACCOUNTS {
        let new = NewUser {
            username: (*username).to_owned(),
            display_name: (*name).to_owned(),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        store
            .create_user(&new, &[(*role, unit.map(str::to_owned))], &ctx)
            .await?;
    }
    Ok(DemoReport {
        units: QUARTERS as usize,
        households,
        already_present: false,
    })
}
