//! Raw input for groups, decisions and positions, parsed into values that can only be valid
//! or into a `FieldError` naming the field.

use jiff::civil::Date;
use serde::Deserialize;

use super::{DecisionKind, GroupKind, PositionRole};
use crate::error::{FieldError, FieldErrorKind};
use crate::territory::UnitCode;
use crate::text;

pub const GROUP_NAME_MAX: usize = 120;
pub const KIND_LABEL_MAX: usize = 80;
pub const DECISION_NUMBER_MAX: usize = 50;
pub const ISSUER_MAX: usize = 200;
pub const PERSON_NAME_MAX: usize = 100;
pub const NOTE_MAX: usize = 500;
/// A group covers at most this many units.
pub const MAX_UNITS: usize = 50;

/// A date as people type it: `YYYY-MM-DD` or `DD/MM/YYYY`.
pub fn parse_date(raw: &str, field: &'static str) -> Result<Date, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if let Ok(d) = raw.parse::<Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = raw.split(['/', '.']).collect();
    if let [d, m, y] = parts.as_slice() {
        if let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) {
            if let Ok(date) = Date::new(y, m, d) {
                return Ok(date);
            }
        }
    }
    Err(FieldError::new(
        field,
        FieldErrorKind::InvalidFormat,
        format!("not a date (YYYY-MM-DD or DD/MM/YYYY): {raw}"),
    ))
}

/// An optional date: blank means `default`.
fn date_or(raw: Option<&str>, field: &'static str, default: Date) -> Result<Date, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => parse_date(s, field),
    }
}

fn not_after(d: Date, limit: Date, field: &'static str) -> Result<Date, FieldError> {
    if d > limit {
        return Err(FieldError::new(
            field,
            FieldErrorKind::NotAllowedHere,
            "a date in the future",
        ));
    }
    if d.year() < 1945 {
        return Err(FieldError::new(
            field,
            FieldErrorKind::NotAllowedHere,
            "implausibly old",
        ));
    }
    Ok(d)
}

/// Cleaned text, required and at most `max` characters.
pub fn required_text(raw: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let s = text::clean(raw);
    if s.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max },
            "long",
        ));
    }
    Ok(s)
}

/// Cleaned text or `None` when blank; at most `max` characters.
pub fn optional_text(
    raw: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(text::clean).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > max => Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max },
            "long",
        )),
        Some(s) => Ok(Some(s)),
    }
}

/// Raw input for a new group.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewGroupInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub kind_label: Option<String>,
    #[serde(default)]
    pub name: String,
    /// The units the group covers; blank means only the unit it is created in.
    #[serde(default)]
    pub unit_codes: Vec<String>,
}

/// A new group that passed every rule. Whether its units lie inside the unit it belongs to is
/// checked against the stored tree by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub kind: GroupKind,
    /// For `Other`: what kind of group it is.
    pub kind_label: Option<String>,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    /// Distinct; empty means the group's own unit.
    pub unit_codes: Vec<UnitCode>,
}

impl NewGroup {
    pub fn parse(input: &NewGroupInput) -> Result<Self, FieldError> {
        let kind = match input.kind.trim() {
            "" => return Err(FieldError::new("kind", FieldErrorKind::Required, "empty")),
            k => GroupKind::parse(k)
                .filter(|k| k.creatable())
                .ok_or_else(|| {
                    FieldError::new("kind", FieldErrorKind::UnknownValue, "not a group kind")
                })?,
        };
        let kind_label = if kind == GroupKind::Other {
            Some(required_text(
                input.kind_label.as_deref().unwrap_or(""),
                "kind_label",
                KIND_LABEL_MAX,
            )?)
        } else {
            None
        };
        let name = required_text(&input.name, "name", GROUP_NAME_MAX)?;
        let mut unit_codes: Vec<UnitCode> = Vec::new();
        for raw in input
            .unit_codes
            .iter()
            .flat_map(|s| s.split([',', ' ', '\n']))
            .filter(|s| !s.trim().is_empty())
        {
            let code = UnitCode::parse(raw).map_err(|e| FieldError {
                field: "unit_codes",
                ..e
            })?;
            if !unit_codes.contains(&code) {
                unit_codes.push(code);
            }
        }
        if unit_codes.len() > MAX_UNITS {
            return Err(FieldError::new(
                "unit_codes",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: MAX_UNITS as i64,
                },
                "too many units",
            ));
        }
        Ok(Self {
            name_folded: text::fold(&name),
            sort_key: text::sort_key(&name),
            kind,
            kind_label,
            name,
            unit_codes,
        })
    }
}

/// Raw input for an establishment or dissolution decision.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewDecisionInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub signer: String,
    /// Blank: the day of issue.
    #[serde(default)]
    pub effective_on: Option<String>,
}

/// A decision (quyết định) that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub kind: DecisionKind,
    /// Số quyết định, e.g. `125/QĐ-UBND`.
    pub number: String,
    pub issued_on: Date,
    /// Cơ quan ban hành, e.g. `UBND phường Bến Thành`.
    pub issuer: String,
    /// Người ký.
    pub signer: String,
    pub effective_on: Date,
}

impl NewDecision {
    pub fn parse(input: &NewDecisionInput, today: Date) -> Result<Self, FieldError> {
        let kind = match input.kind.trim() {
            "" => return Err(FieldError::new("kind", FieldErrorKind::Required, "empty")),
            k => DecisionKind::parse(k).ok_or_else(|| {
                FieldError::new(
                    "kind",
                    FieldErrorKind::UnknownValue,
                    "establishment or dissolution",
                )
            })?,
        };
        let number = required_text(&input.number, "number", DECISION_NUMBER_MAX)?;
        let issued_on = not_after(
            parse_date(&input.issued_on, "issued_on")?,
            today,
            "issued_on",
        )?;
        let issuer = required_text(&input.issuer, "issuer", ISSUER_MAX)?;
        let signer = required_text(&input.signer, "signer", PERSON_NAME_MAX)?;
        let effective_on = date_or(input.effective_on.as_deref(), "effective_on", issued_on)?;
        if effective_on < issued_on {
            return Err(FieldError::new(
                "effective_on",
                FieldErrorKind::NotAllowedHere,
                "before the day of issue",
            ));
        }
        Ok(Self {
            kind,
            number,
            issued_on,
            issuer,
            signer,
            effective_on,
        })
    }
}

/// Raw input for an appointment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewPositionInput {
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub role: String,
    /// Blank: today.
    #[serde(default)]
    pub starts_on: Option<String>,
    /// An acting head (quyền trưởng), for at most six months.
    #[serde(default)]
    pub acting: bool,
    /// The decision that recognises or appoints the person, e.g. `45/QĐ-UBND`.
    #[serde(default)]
    pub decision_ref: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosition {
    pub resident_id: i64,
    pub role: PositionRole,
    pub starts_on: Date,
    pub acting: bool,
    pub decision_ref: Option<String>,
    pub note: Option<String>,
}

impl NewPosition {
    pub fn parse(input: &NewPositionInput, today: Date) -> Result<Self, FieldError> {
        let resident_id = input
            .resident_id
            .ok_or_else(|| FieldError::new("resident_id", FieldErrorKind::Required, "empty"))?;
        if resident_id <= 0 {
            return Err(FieldError::new(
                "resident_id",
                FieldErrorKind::InvalidFormat,
                "not an id",
            ));
        }
        let role = match input.role.trim() {
            "" => return Err(FieldError::new("role", FieldErrorKind::Required, "empty")),
            r => PositionRole::parse(r).ok_or_else(|| {
                FieldError::new("role", FieldErrorKind::UnknownValue, "not a position")
            })?,
        };
        let starts_on = date_or(input.starts_on.as_deref(), "starts_on", today)?;
        if starts_on.year() < 1945 {
            return Err(FieldError::new(
                "starts_on",
                FieldErrorKind::NotAllowedHere,
                "implausibly old",
            ));
        }
        Ok(Self {
            resident_id,
            role,
            starts_on,
            acting: input.acting,
            decision_ref: optional_text(
                input.decision_ref.as_deref(),
                "decision_ref",
                DECISION_NUMBER_MAX,
            )?,
            note: optional_text(input.note.as_deref(), "note", NOTE_MAX)?,
        })
    }
}

/// Why a position ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Hết nhiệm kỳ.
    TermEnded,
    /// Xin thôi.
    Resigned,
    /// Miễn nhiệm, bãi nhiệm.
    Dismissed,
    /// Chuyển đi nơi khác.
    MovedAway,
    /// Từ trần.
    Deceased,
    /// The group was dissolved (set by the product).
    Dissolved,
    Other,
}

impl EndReason {
    pub const ALL: [EndReason; 7] = [
        Self::TermEnded,
        Self::Resigned,
        Self::Dismissed,
        Self::MovedAway,
        Self::Deceased,
        Self::Dissolved,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TermEnded => "term_ended",
            Self::Resigned => "resigned",
            Self::Dismissed => "dismissed",
            Self::MovedAway => "moved_away",
            Self::Deceased => "deceased",
            Self::Dissolved => "dissolved",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The reasons a person gives (dissolution is recorded by the product).
    pub fn choosable() -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(|r| *r != Self::Dissolved)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndPositionInput {
    /// Blank: today.
    #[serde(default)]
    pub ended_on: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndPosition {
    pub ended_on: Date,
    pub reason: EndReason,
}

impl EndPosition {
    /// `started` is the position's start: it cannot end before it began.
    pub fn parse(input: &EndPositionInput, started: Date, today: Date) -> Result<Self, FieldError> {
        let reason = match input.reason.trim() {
            "" => return Err(FieldError::new("reason", FieldErrorKind::Required, "empty")),
            r => EndReason::parse(r)
                .filter(|r| *r != EndReason::Dissolved)
                .ok_or_else(|| {
                    FieldError::new("reason", FieldErrorKind::UnknownValue, "not a reason")
                })?,
        };
        let ended_on = not_after(
            date_or(input.ended_on.as_deref(), "ended_on", today)?,
            today,
            "ended_on",
        )?;
        if ended_on < started {
            return Err(FieldError::new(
                "ended_on",
                FieldErrorKind::NotAllowedHere,
                "before the position began",
            ));
        }
        Ok(Self { ended_on, reason })
    }
}

/// The kinds of scan accepted for a decision or a regulation, found from the file's first
/// bytes, never from its name or the declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanType {
    Pdf,
    Jpeg,
    Png,
}

/// The largest scan accepted: 5 MB.
pub const SCAN_MAX_BYTES: usize = 5 * 1024 * 1024;

impl ScanType {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    pub fn from_content_type(s: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png]
            .into_iter()
            .find(|t| t.content_type() == s)
    }

    /// Checks a file's size and magic bytes; errors name the field `scan`.
    pub fn sniff(bytes: &[u8]) -> Result<Self, FieldError> {
        if bytes.is_empty() {
            return Err(FieldError::new("scan", FieldErrorKind::Required, "no file"));
        }
        if bytes.len() > SCAN_MAX_BYTES {
            return Err(FieldError::new(
                "scan",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: SCAN_MAX_BYTES as i64,
                },
                format!("{} bytes", bytes.len()),
            ));
        }
        if bytes.starts_with(b"%PDF-") {
            Ok(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Ok(Self::Png)
        } else {
            Err(FieldError::new(
                "scan",
                FieldErrorKind::InvalidFormat,
                "not a PDF, JPEG or PNG file",
            ))
        }
    }
}

/// A file name safe to show: the last path component, printable characters only, at most
/// 100 characters; `fallback` when nothing is left.
pub fn clean_file_name(raw: &str, fallback: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ';'))
        .take(100)
        .collect();
    let cleaned = text::clean(&cleaned);
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        fallback.to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 21);

    #[test]
    fn groups_need_a_kind_a_name_and_valid_units() {
        let input = NewGroupInput {
            kind: "to_xung_kich".into(),
            name: "  Tổ bảo vệ  ANTT khu phố 1 ".into(),
            unit_codes: vec!["26743-KP01, 26743-kp02".into(), "26743-kp01".into()],
            ..Default::default()
        };
        let g = NewGroup::parse(&input).unwrap();
        assert_eq!(g.kind, GroupKind::ToBaoVeAntt);
        assert_eq!(g.name, "Tổ bảo vệ ANTT khu phố 1");
        assert_eq!(g.unit_codes.len(), 2);
        assert_eq!(g.kind_label, None);
        let cases: Vec<(fn(&mut NewGroupInput), &str)> = vec![
            (|i| i.kind = "".into(), "kind"),
            (|i| i.kind = "unit_leadership".into(), "kind"),
            (|i| i.kind = "other".into(), "kind_label"),
            (|i| i.name = " ".into(), "name"),
            (|i| i.unit_codes = vec!["kp01".into()], "unit_codes"),
        ];
        for (patch, field) in cases {
            let mut i = input.clone();
            patch(&mut i);
            assert_eq!(NewGroup::parse(&i).unwrap_err().field, field);
        }
        let mut other = input.clone();
        other.kind = "other".into();
        other.kind_label = Some("Câu lạc bộ dưỡng sinh".into());
        assert_eq!(
            NewGroup::parse(&other).unwrap().kind_label.as_deref(),
            Some("Câu lạc bộ dưỡng sinh")
        );
    }

    #[test]
    fn decisions_name_their_bad_field() {
        let input = NewDecisionInput {
            kind: "establishment".into(),
            number: "125/QĐ-UBND".into(),
            issued_on: "15/07/2025".into(),
            issuer: "UBND phường Bến Thành".into(),
            signer: "Nguyễn Văn A".into(),
            effective_on: None,
        };
        let d = NewDecision::parse(&input, TODAY).unwrap();
        assert_eq!(d.issued_on, date(2025, 7, 15));
        assert_eq!(d.effective_on, d.issued_on);
        let cases: Vec<(fn(&mut NewDecisionInput), &str)> = vec![
            (|i| i.kind = "merger".into(), "kind"),
            (|i| i.number = "".into(), "number"),
            (|i| i.issued_on = "2027-01-01".into(), "issued_on"),
            (|i| i.issued_on = "31/02/2025".into(), "issued_on"),
            (|i| i.issuer = "".into(), "issuer"),
            (|i| i.signer = "".into(), "signer"),
            (
                |i| i.effective_on = Some("2025-07-01".into()),
                "effective_on",
            ),
        ];
        for (patch, field) in cases {
            let mut i = input.clone();
            patch(&mut i);
            assert_eq!(NewDecision::parse(&i, TODAY).unwrap_err().field, field);
        }
    }

    #[test]
    fn positions_and_their_end() {
        let p = NewPosition::parse(
            &NewPositionInput {
                resident_id: Some(7),
                role: "deputy".into(),
                ..Default::default()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(p.starts_on, TODAY);
        assert_eq!(p.role, PositionRole::Deputy);
        let e = NewPosition::parse(&NewPositionInput::default(), TODAY).unwrap_err();
        assert_eq!(e.field, "resident_id");
        let e = NewPosition::parse(
            &NewPositionInput {
                resident_id: Some(7),
                role: "boss".into(),
                ..Default::default()
            },
            TODAY,
        )
        .unwrap_err();
        assert_eq!(e.field, "role");
        let end = |ended: &str, reason: &str| {
            EndPosition::parse(
                &EndPositionInput {
                    ended_on: Some(ended.into()),
                    reason: reason.into(),
                },
                date(2025, 1, 1),
                TODAY,
            )
        };
        assert_eq!(
            end("2026-01-01", "resigned").unwrap().reason,
            EndReason::Resigned
        );
        assert_eq!(end("2024-12-31", "resigned").unwrap_err().field, "ended_on");
        assert_eq!(end("2026-01-01", "dissolved").unwrap_err().field, "reason");
    }

    #[test]
    fn scans_are_known_by_their_magic_bytes() {
        assert_eq!(ScanType::sniff(b"%PDF-1.7\n...").unwrap(), ScanType::Pdf);
        assert_eq!(
            ScanType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]).unwrap(),
            ScanType::Jpeg
        );
        assert_eq!(
            ScanType::sniff(b"\x89PNG\r\n\x1a\n rest").unwrap(),
            ScanType::Png
        );
        assert_eq!(ScanType::sniff(b"").unwrap_err().kind.code(), "required");
        assert_eq!(
            ScanType::sniff(b"<html>%PDF-").unwrap_err().kind.code(),
            "invalid_format"
        );
        let big = vec![b'%'; SCAN_MAX_BYTES + 1];
        assert_eq!(
            ScanType::sniff(&big).unwrap_err().kind.code(),
            "out_of_range"
        );
        assert_eq!(
            clean_file_name("C:\\scans\\QĐ 125\".pdf", "x.pdf"),
            "QĐ 125.pdf"
        );
        assert_eq!(clean_file_name("../..", "x.pdf"), "x.pdf");
    }
}
