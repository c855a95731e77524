//! The people of the synthetic data set: names, household make-up, phones and identity
//! numbers, each drawn from a seeded RNG.

use std::collections::HashMap;

use jiff::civil::{date, Date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuquan_domain::people::{Cccd, Gender};
use tuquan_domain::text;
use tuquan_store::bulk::Value;

use super::names::{self, Weighted};

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

pub(super) struct Person {
    pub name: String,
    pub born: Date,
    pub female: bool,
}

pub(super) fn middle(rng: &mut ChaCha8Rng, female: bool, born_year: i16) -> &'static str {
    let old = born_year < 1980;
    let t: &Weighted<&str> = match (female, old) {
        (false, true) => &names::MIDDLE_MALE_OLD,
        (false, false) => &names::MIDDLE_MALE_YOUNG,
        (true, true) => &names::MIDDLE_FEMALE_OLD,
        (true, false) => &names::MIDDLE_FEMALE_YOUNG,
    };
    t.pick(rng)
}

pub(super) fn person(
    rng: &mut ChaCha8Rng,
    family: &str,
    female: bool,
    age: i16,
    as_of: Date,
) -> Person {
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
pub(super) static SIZES: Weighted<u8> =
    Weighted::new(&[(1, 12), (2, 21), (3, 25), (4, 24), (5, 11), (6, 5), (7, 2)]);

/// The members of one household: a head, often a spouse, children, sometimes a parent.
pub(super) fn household_members(rng: &mut ChaCha8Rng, as_of: Date) -> Vec<Person> {
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

pub(super) const MOBILE_PREFIXES: &[&str] = &[
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "070", "077", "079",
    "083", "085", "032", "033", "034", "035", "036", "037", "038", "039",
];

pub(super) fn mobile(rng: &mut ChaCha8Rng) -> String {
    let p = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{p}{:07}", rng.random_range(0..10_000_000))
}

/// Places of birth registration: most residents were registered in Ho Chi Minh City (079),
/// others came from elsewhere.
pub(super) const BIRTH_PLACES: &[&str] = &[
    "079", "079", "079", "079", "079", "079", "079", "001", "038", "040", "042", "051", "052",
    "054", "064", "066", "072", "074", "080", "082", "083", "084", "086", "087", "089", "091",
    "092", "094", "096", "075", "077", "070",
];

/// Hands out identity numbers that are valid for the holder and unique in the run: the six
/// random digits of each (place, century and gender, year) group are partitioned between
/// communes and mixed by a bijection on 0..1,000,000.
pub(super) struct CccdSource {
    slot: u64,
    width: u64,
    next: HashMap<(&'static str, u8, i16), u64>,
}

impl CccdSource {
    pub(super) fn new(ordinal: usize, communes: usize) -> Self {
        let width = 1_000_000 / communes.max(1) as u64;
        Self {
            slot: ordinal as u64,
            width,
            next: HashMap::new(),
        }
    }

    pub(super) fn issue(&mut self, rng: &mut ChaCha8Rng, born: Date, female: bool) -> Option<Cccd> {
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

pub(super) fn int(v: i64) -> Value {
    Value::Int(Some(v))
}
pub(super) fn txt(s: impl Into<String>) -> Value {
    Value::Text(Some(s.into()))
}
pub(super) fn opt(s: Option<String>) -> Value {
    Value::Text(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuquan_domain::people::age_on;

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
