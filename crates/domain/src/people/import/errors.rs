//! What can be wrong with a row or a file.

use super::*;
use crate::error::FieldErrorKind;

/// Why a row (or the file) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowErrorKind {
    /// A domain rule on a field (the same as the forms').
    Field(FieldErrorKind),
    /// A header names no known column.
    UnknownColumn,
    /// Two headers name the same column.
    DuplicateColumn,
    /// A required column is absent.
    MissingColumn,
    /// The file has no data rows (or no header).
    NoRows,
    TooManyRows {
        max: usize,
    },
    /// The same identity number on an earlier line of the file.
    DuplicateCccd {
        first_line: usize,
    },
    /// The identity number is already stored.
    CccdExists,
    /// A household value differs from the one on the household's first row.
    HouseholdMismatch {
        first_line: usize,
    },
    /// No unit has this code.
    UnknownUnit,
    /// The unit is not the one imported into, nor below it.
    OutsideUnit,
    /// The unit no longer exists (merged, split or renamed).
    UnitClosed,
}

impl RowErrorKind {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Field(k) => k.code(),
            Self::UnknownColumn => "unknown_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::MissingColumn => "missing_column",
            Self::NoRows => "no_rows",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::DuplicateCccd { .. } => "duplicate_in_file",
            Self::CccdExists => "cccd_exists",
            Self::HouseholdMismatch { .. } => "household_mismatch",
            Self::UnknownUnit => "unknown_unit",
            Self::OutsideUnit => "outside_unit",
            Self::UnitClosed => "unit_closed",
        }
    }
}

/// One problem: where (line, column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line as the user sees it; 0 for the file as a whole.
    pub line: usize,
    /// The 0-based column in the file, when the problem is in one cell or header.
    pub column: Option<usize>,
    /// The layout column concerned, if any.
    pub field: Option<Column>,
    pub kind: RowErrorKind,
    /// English, for logs and developers; never shown as the message.
    pub detail: String,
}

impl RowError {
    pub fn new(
        line: usize,
        column: Option<usize>,
        field: Option<Column>,
        kind: RowErrorKind,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            line,
            column,
            field,
            kind,
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// `C`, or empty when the error is not in one column of the file.
    pub fn column_letter(&self) -> String {
        self.column.map(column_letter).unwrap_or_default()
    }
}
