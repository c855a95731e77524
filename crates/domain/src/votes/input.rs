//! Inputs of votes, parsed into values that can only be valid; every wrong field at once.

use serde::Deserialize;

use super::kinds::{Choice, Mode};
use super::rules::{Key, Matter, Tally};
use crate::{Checks, FieldError, FieldErrorKind, MeetingId, ResidentId};

fn title(raw: &str) -> Result<String, FieldError> {
    crate::text::required(raw, "title", 300)
}

fn matter(raw: &str) -> Result<Matter, FieldError> {
    Matter::parse(raw).ok_or_else(|| FieldError::new("matter", FieldErrorKind::UnknownValue, raw))
}

/// A count of households or people: a whole number 0–100 000; blank is 0.
pub fn count(raw: &str, field: &'static str) -> Result<u32, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(0);
    }
    let out = || {
        FieldError::new(
            field,
            FieldErrorKind::OutOfRange {
                min: 0,
                max: 100_000,
            },
            s,
        )
    };
    let n: i64 = s
        .parse()
        .map_err(|_| FieldError::new(field, FieldErrorKind::InvalidFormat, s))?;
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= 100_000)
        .ok_or_else(out)
}

/// A vote taken at a meeting, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MeetingVoteInput {
    pub title: String,
    pub matter: String,
    pub mode: String,
    pub present: String,
    pub yes: String,
    pub no: String,
    pub abstain: String,
    /// The counting committee of a secret ballot, one name per line.
    pub committee: String,
    pub meeting_id: Option<MeetingId>,
    /// An election's candidates: (resident number, votes) as typed, one per row.
    pub candidates: Vec<(String, String)>,
    /// An election: the day the list of candidates was posted (`YYYY-MM-DD`).
    pub list_posted_on: String,
}

/// A vote taken at a meeting, parsed.
#[derive(Debug, Clone)]
pub struct MeetingVote {
    pub title: String,
    pub matter: Matter,
    pub mode: Mode,
    pub present: u32,
    pub tally: Tally,
    pub committee: Vec<String>,
    pub meeting_id: Option<MeetingId>,
    /// An election's candidates and the votes of each.
    pub candidates: Vec<(ResidentId, u32)>,
    pub list_posted_on: Option<jiff::civil::Date>,
}

impl MeetingVote {
    pub fn parse(i: &MeetingVoteInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let title = c.check(title(&i.title));
        let matter = c.check(matter(&i.matter));
        let mode = c.check(
            Mode::parse(&i.mode)
                .filter(|m| *m != Mode::Ballot)
                .ok_or_else(|| FieldError::new("mode", FieldErrorKind::UnknownValue, &i.mode)),
        );
        let present = c.check(count(&i.present, "present"));
        let yes = c.check(count(&i.yes, "yes"));
        let no = c.check(count(&i.no, "no"));
        let abstain = c.check(count(&i.abstain, "abstain"));
        let committee: Vec<String> = i
            .committee
            .lines()
            .map(crate::text::clean)
            .filter(|s| !s.is_empty())
            .collect();
        let candidates = match super::election::parse_candidate_rows(&i.candidates) {
            Ok(rows) => Some(rows),
            Err(e) => {
                e.into_iter().for_each(|e| {
                    c.check::<()>(Err(e));
                });
                None
            }
        };
        let list_posted_on = c.check(crate::time::parse_date(
            Some(&i.list_posted_on),
            "list_posted_on",
        ));
        let errors = c.into_errors();
        match (title, matter, mode, present, yes, no, abstain) {
            (
                Some(title),
                Some(matter),
                Some(mode),
                Some(present),
                Some(yes),
                Some(no),
                Some(abstain),
            ) if errors.is_empty() => Ok(MeetingVote {
                title,
                matter,
                mode,
                present,
                tally: Tally { yes, no, abstain },
                committee,
                meeting_id: i.meeting_id,
                candidates: candidates.unwrap_or_default(),
                list_posted_on: list_posted_on.flatten(),
            }),
            _ => Err(errors),
        }
    }
}

/// Household ballots to open, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BallotInput {
    pub title: String,
    pub matter: String,
    /// The community chose online voting unanimously (only for other matters).
    pub online: bool,
    /// An election by ballots: the one candidate's resident number.
    pub candidate: String,
    /// An election: the day the list of candidates was posted (`YYYY-MM-DD`).
    pub list_posted_on: String,
}

/// Household ballots to open, parsed.
#[derive(Debug, Clone)]
pub struct Ballot {
    pub title: String,
    pub matter: Matter,
    pub online: bool,
    pub candidate: Option<ResidentId>,
    pub list_posted_on: Option<jiff::civil::Date>,
}

impl Ballot {
    pub fn parse(i: &BallotInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let title = c.check(title(&i.title));
        let matter = c.check(matter(&i.matter));
        let candidate = c.check(match i.candidate.trim() {
            "" => Ok(None),
            s => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(|n| Some(ResidentId(n)))
                .ok_or_else(|| FieldError::new("candidate", FieldErrorKind::InvalidFormat, s)),
        });
        let list_posted_on = c.check(crate::time::parse_date(
            Some(&i.list_posted_on),
            "list_posted_on",
        ));
        let errors = c.into_errors();
        match (title, matter, candidate, list_posted_on) {
            (Some(title), Some(matter), Some(candidate), Some(list_posted_on))
                if errors.is_empty() =>
            {
                Ok(Ballot {
                    title,
                    matter,
                    online: i.online,
                    candidate,
                    list_posted_on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A choice as typed; blank is "no ballot from this household" (`None`).
pub fn choice(raw: &str, field: &'static str) -> Result<Option<Choice>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Choice::parse(s)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, FieldErrorKind::UnknownValue, s))
}

/// A threshold setting as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingInput {
    pub key: String,
    pub value: String,
    pub effective_from: String,
}

/// A threshold setting, parsed: a known key, a value its measure accepts, a date.
#[derive(Debug, Clone)]
pub struct Setting {
    pub key: Key,
    pub value: u32,
    pub effective_from: jiff::civil::Date,
}

impl Setting {
    /// The value is one its threshold accepts (a rule, not a format: any whole number is
    /// well-formed, the threshold decides): a percentage 1–99, households 1–100 000, days
    /// 0–365.
    pub fn in_range(&self) -> Result<(), super::VoteRule> {
        if self.key.valid(self.value) {
            Ok(())
        } else {
            Err(super::VoteRule {
                code: match self.key.measure() {
                    super::Measure::PercentAbove => "vote_setting_percent",
                    super::Measure::Households => "vote_setting_households",
                    super::Measure::Days => "vote_setting_days",
                },
                field: "value",
            })
        }
    }

    pub fn parse(i: &SettingInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let key = c.check(
            Key::parse(&i.key)
                .ok_or_else(|| FieldError::new("key", FieldErrorKind::UnknownValue, &i.key)),
        );
        let value = c.check(match i.value.trim() {
            "" => Err(FieldError::new("value", FieldErrorKind::Required, "")),
            v => v
                .parse::<u32>()
                .map_err(|_| FieldError::new("value", FieldErrorKind::InvalidFormat, v)),
        });
        let from = c.check(
            i.effective_from
                .trim()
                .parse::<jiff::civil::Date>()
                .map_err(|_| {
                    let kind = if i.effective_from.trim().is_empty() {
                        FieldErrorKind::Required
                    } else {
                        FieldErrorKind::InvalidFormat
                    };
                    FieldError::new("effective_from", kind, &i.effective_from)
                }),
        );
        let errors = c.into_errors();
        match (key, value, from) {
            (Some(key), Some(value), Some(effective_from)) if errors.is_empty() => Ok(Setting {
                key,
                value,
                effective_from,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrong_field_at_once() {
        let e = MeetingVote::parse(&MeetingVoteInput {
            title: " ".into(),
            matter: "x".into(),
            mode: "ballot".into(),
            present: "-1".into(),
            yes: "abc".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "matter", "mode", "present", "yes"]);
    }

    #[test]
    fn a_setting_out_of_its_range_names_the_value() {
        let e = Setting::parse(&SettingInput {
            key: "meeting_quorum".into(),
            value: "x".into(),
            effective_from: "".into(),
        })
        .unwrap_err();
        assert_eq!(e[0].field, "value");
        assert_eq!(e[0].kind, FieldErrorKind::InvalidFormat);
        assert_eq!(e[1].field, "effective_from");
        let hundred = Setting::parse(&SettingInput {
            key: "meeting_quorum".into(),
            value: "100".into(),
            effective_from: "2027-01-01".into(),
        })
        .unwrap();
        assert_eq!(hundred.in_range().unwrap_err().code, "vote_setting_percent");
        let ok = Setting::parse(&SettingInput {
            key: "matter_pass".into(),
            value: "66".into(),
            effective_from: "2027-01-01".into(),
        })
        .unwrap();
        assert_eq!(ok.value, 66);
    }
}
