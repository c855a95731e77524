//! The rules of meetings, votes and household ballots (Law on Grassroots Democracy
//! 10/2022/QH15, Decrees 59/2023 and 61/2023). Every threshold is a value of [`Thresholds`]
//! (defaults from the law, overridable per province as a setting) and every rule is a pure
//! function citing its article. Counts are of households unless said otherwise.

use serde::{Deserialize, Serialize};

/// A refusal by a rule: a stable code (`rule.{code}` in the locale catalogues) and the input
/// it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteRule {
    pub code: &'static str,
    pub field: &'static str,
}

const fn refuse<T>(code: &'static str, field: &'static str) -> Result<T, VoteRule> {
    Err(VoteRule { code, field })
}

/// What a threshold measures, for display and validation of its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// "More than N percent": the share must be strictly greater.
    PercentAbove,
    /// A number of households.
    Households,
    /// A number of calendar days ahead (at least).
    Days,
}

macro_rules! thresholds {
    ($($(#[$m:meta])* $field:ident: $key:ident => $code:literal, $default:literal, $measure:ident,
       $citation:literal;)*) => {
        /// One threshold: the key of its setting.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Key { $($(#[$m])* $key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            /// The stable code (settings rows, forms, `votes.rule.{code}` labels).
            pub fn as_str(self) -> &'static str {
                match self { $(Key::$key => $code),* }
            }

            pub fn parse(s: &str) -> Option<Key> {
                Key::ALL.iter().copied().find(|k| k.as_str() == s.trim())
            }

            /// The value the law sets.
            pub fn default_value(self) -> u32 {
                match self { $(Key::$key => $default),* }
            }

            pub fn measure(self) -> Measure {
                match self { $(Key::$key => Measure::$measure),* }
            }

            /// The legal source of the value.
            pub fn citation(self) -> &'static str {
                match self { $(Key::$key => $citation),* }
            }
        }

        /// The thresholds in force in a province. `Default` is the law's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub struct Thresholds { $($(#[$m])* pub $field: u32),* }

        impl Default for Thresholds {
            fn default() -> Self {
                Thresholds { $($field: $default),* }
            }
        }

        impl Thresholds {
            pub fn get(&self, key: Key) -> u32 {
                match key { $(Key::$key => self.$field),* }
            }

            pub fn set(&mut self, key: Key, value: u32) {
                match key { $(Key::$key => self.$field = value),* }
            }
        }
    };
}

thresholds! {
    /// The meeting proceeds with more than this percentage of ALL households represented.
    meeting_quorum_pct: MeetingQuorum => "meeting_quorum", 50, PercentAbove,
        "Luật 10/2022/QH15 Điều 18 khoản 2; Nghị định 61/2023/NĐ-CP Điều 10";
    /// A matter passes with more than this percentage of ALL households agreeing.
    pass_pct: MatterPass => "matter_pass", 50, PercentAbove,
        "Luật 10/2022/QH15 Điều 21 khoản 1; Nghị định 61/2023/NĐ-CP Điều 10";
    /// Procedural votes pass with more than this percentage of those PRESENT.
    procedural_pct: ProceduralPass => "procedural_pass", 50, PercentAbove,
        "Nghị định 59/2023/NĐ-CP Điều 3 khoản 5";
    /// From this many households the meeting may be held in clusters whose results add up.
    cluster_households: ClusterHouseholds => "cluster_households", 200, Households,
        "Luật 10/2022/QH15 Điều 18";
    /// The year-end meeting is announced at least this many days ahead.
    year_end_notice_days: YearEndNotice => "year_end_notice_days", 5, Days,
        "Luật 10/2022/QH15 Điều 33; Nghị định 59/2023/NĐ-CP Điều 10, 11";
    /// The list of candidates for head is posted at least this many days before the election.
    election_list_days: ElectionList => "election_list_days", 7, Days,
        "Nghị định 59/2023/NĐ-CP Điều 6–8";
    /// The plan of a head election is made at least this many days ahead.
    election_plan_days: ElectionPlan => "election_plan_days", 20, Days,
        "Nghị định 59/2023/NĐ-CP Điều 6";
    /// A draft community convention (hương ước, quy ước) is posted at least this many days.
    convention_draft_days: ConventionDraft => "convention_draft_days", 30, Days,
        "Luật 10/2022/QH15 Điều 15; Nghị định 61/2023/NĐ-CP";
}

/// The bounds of a counting committee for a secret ballot (Decree 59/2023 Art 3(5)).
pub const COUNTING_COMMITTEE: std::ops::RangeInclusive<u32> = 3..=5;
pub const COUNTING_COMMITTEE_CITATION: &str = "Nghị định 59/2023/NĐ-CP Điều 3 khoản 5";

impl Key {
    /// Whether `value` is acceptable for this threshold: a percentage 1–99 (a strict
    /// majority rule at 100 could never pass), a household count 1–100 000, days 0–365.
    pub fn valid(self, value: u32) -> bool {
        match self.measure() {
            Measure::PercentAbove => (1..=99).contains(&value),
            Measure::Households => (1..=100_000).contains(&value),
            Measure::Days => value <= 365,
        }
    }
}

/// `part` is strictly more than `pct` percent of `whole` (integer arithmetic, no rounding:
/// with 10 households and 50%, 5 fails and 6 passes; with 9, 4 fails and 5 passes).
pub fn more_than(part: u32, whole: u32, pct: u32) -> bool {
    whole > 0 && u64::from(part) * 100 > u64::from(whole) * u64::from(pct)
}

/// The fewest `part` that satisfies [`more_than`] (e.g. the households needed for a quorum).
pub fn needed(whole: u32, pct: u32) -> u32 {
    if whole == 0 {
        return 1;
    }
    let n = u64::from(whole) * u64::from(pct) / 100 + 1;
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The community meeting proceeds: more than half of ALL households of the unit are
/// represented (Law 10/2022/QH15 Art 18(2); Decree 61/2023 Art 10). Otherwise the matter goes
/// to household ballots (Law Art 19).
pub fn meeting_quorum(t: &Thresholds, represented: u32, all_households: u32) -> bool {
    more_than(represented, all_households, t.meeting_quorum_pct)
}

/// A matter passes: more than half of ALL households agree — not of those present or voting
/// (Law 10/2022/QH15 Art 21(1); Decree 61/2023 Art 10).
pub fn matter_passed(t: &Thresholds, agree: u32, all_households: u32) -> bool {
    more_than(agree, all_households, t.pass_pct)
}

/// A procedural vote (secretary, method, counting committee) passes with more than half of
/// those PRESENT (Decree 59/2023 Art 3(5)).
pub fn procedural_passed(t: &Thresholds, agree: u32, present: u32) -> bool {
    more_than(agree, present, t.procedural_pct)
}

/// The count of one vote: households (or people, for procedural votes) for, against and
/// abstaining.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.yes + self.no + self.abstain
    }
}

impl std::ops::Add for Tally {
    type Output = Tally;

    fn add(self, other: Tally) -> Tally {
        Tally {
            yes: self.yes + other.yes,
            no: self.no + other.no,
            abstain: self.abstain + other.abstain,
        }
    }
}

/// The meeting of a unit with at least `cluster_households` households may be held in
/// clusters (Law 10/2022/QH15 Art 18).
pub fn clusters_allowed(t: &Thresholds, all_households: u32) -> bool {
    all_households >= t.cluster_households
}

/// The results of the clusters of one meeting, added up (Law 10/2022/QH15 Art 18): the sum
/// is then judged against ALL households of the unit like a single meeting.
pub fn cluster_results(clusters: &[Tally]) -> Tally {
    clusters.iter().fold(Tally::default(), |a, c| a + *c)
}

/// What residents decide or are consulted on (Law 10/2022/QH15 Arts 15, 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    /// Contributions to build public works (Art 15(1)).
    Contribution,
    /// Collection and spending of community funds (Art 15(2)).
    CommunityFunds,
    /// Community conventions: hương ước, quy ước (Art 15(3)).
    Convention,
    /// Electing or dismissing the head of the unit (Art 15(4)).
    HeadElection,
    /// Electing or dismissing the deputy head.
    DeputyElection,
    /// Other self-management matters (Art 15(6)).
    OtherSelfManagement,
    /// Consultation (Art 25): plans, land use, naming or merging units.
    Consultation,
}

impl Matter {
    pub const ALL: &'static [Matter] = &[
        Matter::Contribution,
        Matter::CommunityFunds,
        Matter::Convention,
        Matter::HeadElection,
        Matter::DeputyElection,
        Matter::OtherSelfManagement,
        Matter::Consultation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Matter::Contribution => "contribution",
            Matter::CommunityFunds => "community_funds",
            Matter::Convention => "convention",
            Matter::HeadElection => "head_election",
            Matter::DeputyElection => "deputy_election",
            Matter::OtherSelfManagement => "other",
            Matter::Consultation => "consultation",
        }
    }

    pub fn parse(s: &str) -> Option<Matter> {
        Matter::ALL.iter().copied().find(|m| m.as_str() == s.trim())
    }

    /// The matters whose result appoints a position.
    pub fn is_election(self) -> bool {
        matches!(self, Matter::HeadElection | Matter::DeputyElection)
    }
}

impl TryFrom<String> for Matter {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Matter::parse(&s).ok_or(s)
    }
}

/// Whether households may vote online on a matter (Decree 59/2023 Art 5): only for "other
/// self-management matters" (Law Art 15(6)), never for an election, and only when the head and
/// the Front committee agreed and the community chose it unanimously.
pub fn online_allowed(matter: Matter, chosen_unanimously: bool) -> Result<(), VoteRule> {
    if matter.is_election() {
        return refuse("vote_online_election", "channel");
    }
    if matter != Matter::OtherSelfManagement {
        return refuse("vote_online_matter", "channel");
    }
    if !chosen_unanimously {
        return refuse("vote_online_not_unanimous", "online_unanimous");
    }
    Ok(())
}

/// A notice period that a date must respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The year-end meeting's notice (Law Art 33; Decree 59 Arts 10–11).
    YearEnd,
    /// The list of candidates for head posted before the election (Decree 59 Arts 6–8).
    ElectionList,
    /// The plan of a head election (Decree 59 Art 6).
    ElectionPlan,
    /// A draft convention posted before the vote (Law Art 15).
    ConventionDraft,
}

impl Notice {
    pub fn key(self) -> Key {
        match self {
            Notice::YearEnd => Key::YearEndNotice,
            Notice::ElectionList => Key::ElectionList,
            Notice::ElectionPlan => Key::ElectionPlan,
            Notice::ConventionDraft => Key::ConventionDraft,
        }
    }
}

/// The notice given on `given` for an event on `event` is long enough: at least the
/// threshold's days between them, counted in calendar days (given 1 June, event 6 June is 5
/// days).
pub fn notice_satisfied(
    t: &Thresholds,
    notice: Notice,
    given: jiff::civil::Date,
    event: jiff::civil::Date,
) -> bool {
    let days = i64::from(t.get(notice.key()));
    match given.until((jiff::Unit::Day, event)) {
        Ok(span) => i64::from(span.get_days()) >= days,
        Err(_) => false,
    }
}

/// A counting committee for a secret ballot has 3 to 5 named, distinct people (Decree
/// 59/2023 Art 3(5)).
pub fn counting_committee(names: &[String]) -> Result<(), VoteRule> {
    let mut seen: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_lowercase();
        if n.is_empty() {
            continue;
        }
        if seen.contains(&n) {
            return refuse("vote_committee_duplicate", "committee");
        }
        seen.push(n);
    }
    let size = u32::try_from(seen.len()).unwrap_or(u32::MAX);
    if !COUNTING_COMMITTEE.contains(&size) {
        return refuse("vote_committee_size", "committee");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
