//! Import and export of households and residents (docs/import.md): the use case "import a
//! file" (read CSV or XLSX, check every row against the domain's rules and the database, write
//! all rows or none), the export of a unit's list, and the templates.

use tuquan_domain::access::Action;
use tuquan_domain::people::import::{Column, Header, ImportPlan, RowError, RowErrorKind};
use tuquan_domain::territory::Unit;

use crate::i18n::Lang;
use crate::{AppResult, Ctx};

mod check;
mod export;
pub mod read;
pub mod write;

pub use check::*;
pub use export::*;

pub use read::FileKind;
pub use tuquan_store::import::ImportSummary;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_MIME: &str = "text/csv; charset=utf-8";

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No file was chosen.
    Missing,
    Empty,
    TooLarge,
    /// Neither CSV nor XLSX.
    WrongType,
    /// The old binary Excel format.
    LegacyXls,
    /// A CSV not in UTF-8 (nor UTF-16 with a byte-order mark); the first bad line.
    NotUtf8 {
        line: usize,
    },
    /// A broken XLSX or CSV; an English detail for the log.
    Unreadable(String),
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "file_missing",
            Self::Empty => "file_empty",
            Self::TooLarge => "file_too_large",
            Self::WrongType => "file_type",
            Self::LegacyXls => "file_xls",
            Self::NotUtf8 { .. } => "file_encoding",
            Self::Unreadable(_) => "file_unreadable",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let key = format!("import.{}", self.code());
        lang.t(&key)
            .replace("{max}", &(MAX_FILE_BYTES / (1024 * 1024)).to_string())
            .replace(
                "{line}",
                &match self {
                    Self::NotUtf8 { line } => line.to_string(),
                    _ => String::new(),
                },
            )
    }
}

/// The name of a column in a message: its header as written in the file, else the layout's.
pub fn column_name(lang: Lang, header: &Header, e: &RowError) -> String {
    if let Some(name) = e.column.and_then(|i| header.names.get(i)) {
        if !name.is_empty() {
            return name.clone();
        }
    }
    match e.field {
        Some(c) if lang == Lang::En => format!("{} ({})", c.header_en(), c.key()),
        Some(c) => c.header().to_owned(),
        None => String::new(),
    }
}

/// The hint that says what to write instead, for some columns and kinds.
fn hint(field: Option<Column>, code: &str) -> Option<&'static str> {
    use Column::*;
    Some(match (field?, code) {
        (BirthDate | ResidenceSince, "invalid_format") => "import.hint.date",
        (Phone | HouseholdPhone, "invalid_format") => "import.hint.phone",
        (Gender, "unknown_value") => "import.hint.gender",
        (ResidenceType, "unknown_value") => "import.hint.residence_type",
        (Cccd, "invalid_format") => "import.hint.cccd",
        (UnitCode, "invalid_format") => "import.hint.unit",
        (ResidenceSince, "not_allowed_here") => "import.hint.residence_since",
        _ => return None,
    })
}

/// The reason for one error, in the reader's language, naming the column.
pub fn row_message(lang: Lang, header: &Header, unit: &Unit, e: &RowError) -> String {
    use tuquan_domain::FieldErrorKind as K;
    let mut msg = lang
        .t(&format!("import.err.{}", e.code()))
        .replace("{column}", &column_name(lang, header, e))
        .replace("{unit}", &unit.name);
    match &e.kind {
        RowErrorKind::Field(K::TooLong { max }) => msg = msg.replace("{max}", &max.to_string()),
        RowErrorKind::Field(K::OutOfRange { min, max }) => {
            msg = msg
                .replace("{min}", &min.to_string())
                .replace("{max}", &max.to_string());
        }
        RowErrorKind::TooManyRows { max } => msg = msg.replace("{max}", &lang.int(*max as i64)),
        RowErrorKind::DuplicateCccd { first_line }
        | RowErrorKind::HouseholdMismatch { first_line } => {
            msg = msg.replace("{first_line}", &first_line.to_string());
        }
        _ => {}
    }
    if let Some(h) = hint(e.field, e.code()) {
        msg.push(' ');
        msg.push_str(lang.t(h));
    }
    msg
}

/// A file read and checked: the plan and the unit each household goes to.
pub struct Checked {
    pub kind: FileKind,
    pub plan: ImportPlan,
    /// The target unit of each household of the plan, in order.
    pub targets: Vec<Unit>,
}

/// Whether `path` is the unit at `root` or below it.
fn within(path: &str, root: &str) -> bool {
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The unit named in the path, after the one authorization check for `action` on it.
pub async fn import_unit(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    crate::people::unit_for(ctx, action, code).await
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_membership_is_by_whole_path_segments() {
        assert!(within("79/26743", "79/26743"));
        assert!(within("79/26743/kp01", "79/26743"));
        assert!(!within("79/267430", "79/26743"));
        assert!(!within("79", "79/26743"));
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        let header = Header::default();
        let unit = Unit {
            code: "26743".into(),
            parent_code: Some("79".into()),
            province_code: "79".into(),
            path: "79/26743".into(),
            level: 2,
            kind: tuquan_domain::territory::UnitKind::Ward,
            name: "Phường Bến Thành".into(),
            codename: None,
            valid_from: "2025-07-01".into(),
            valid_to: None,
        };
        use tuquan_domain::FieldErrorKind as K;
        let kinds = [
            RowErrorKind::Field(K::Required),
            RowErrorKind::Field(K::TooLong { max: 3 }),
            RowErrorKind::Field(K::OutOfRange { min: 1, max: 2 }),
            RowErrorKind::Field(K::InvalidFormat),
            RowErrorKind::Field(K::UnknownValue),
            RowErrorKind::Field(K::NotAllowedHere),
            RowErrorKind::UnknownColumn,
            RowErrorKind::DuplicateColumn,
            RowErrorKind::MissingColumn,
            RowErrorKind::NoRows,
            RowErrorKind::TooManyRows { max: 20_000 },
            RowErrorKind::DuplicateCccd { first_line: 2 },
            RowErrorKind::CccdExists,
            RowErrorKind::HouseholdMismatch { first_line: 2 },
            RowErrorKind::UnknownUnit,
            RowErrorKind::OutsideUnit,
            RowErrorKind::UnitClosed,
        ];
        for lang in [Lang::Vi, Lang::En] {
            for kind in &kinds {
                for field in Column::ALL {
                    let e = RowError::new(2, None, Some(field), kind.clone(), "");
                    let msg = row_message(lang, &header, &unit, &e);
                    assert!(!msg.contains('{'), "{lang:?} {kind:?}: {msg}");
                    assert!(!msg.starts_with("import."), "{lang:?} {kind:?}: {msg}");
                }
            }
            for f in [
                FileError::Missing,
                FileError::Empty,
                FileError::TooLarge,
                FileError::WrongType,
                FileError::LegacyXls,
                FileError::NotUtf8 { line: 3 },
                FileError::Unreadable(String::new()),
            ] {
                let msg = f.message(lang);
                assert!(!msg.contains('{') && !msg.starts_with("import."), "{msg}");
            }
        }
        let e = RowError::new(
            3,
            None,
            Some(Column::BirthDate),
            RowErrorKind::Field(K::InvalidFormat),
            "",
        );
        assert_eq!(
            row_message(Lang::Vi, &header, &unit, &e),
            "“Ngày sinh” không đúng định dạng. Ghi ngày theo dạng DD/MM/YYYY (ví dụ 12/03/1985) hoặc YYYY-MM-DD."
        );
    }
}
