//! What a file would create, and everything wrong with it.

use super::super::{NewHousehold, NewResident};
use super::*;

/// A resident ready to store, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResident {
    pub line: usize,
    pub resident: NewResident,
}

/// A household ready to store: its first member is the representative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportHousehold {
    /// The household key as written on its first row.
    pub key: String,
    /// The line of its first row.
    pub line: usize,
    /// The unit code given in the file (checked for form only), or `None` for the unit the
    /// import runs on.
    pub unit_code: Option<String>,
    pub household: NewHousehold,
    pub members: Vec<ImportResident>,
}

/// What a file would create, and everything wrong with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub header: Header,
    /// Households whose rows all passed, in the order of their first rows.
    pub households: Vec<ImportHousehold>,
    /// At most [`MAX_ERRORS`], in line order once [`ImportPlan::sort_errors`] ran.
    pub errors: Vec<RowError>,
    /// All errors found, including those beyond [`MAX_ERRORS`].
    pub error_count: usize,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
}

impl ImportPlan {
    /// Nothing wrong: the batch may be written.
    pub fn is_valid(&self) -> bool {
        self.error_count == 0
    }

    pub fn resident_count(&self) -> usize {
        self.households.iter().map(|h| h.members.len()).sum()
    }

    pub fn push_error(&mut self, e: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    /// Errors by line, then column.
    pub fn sort_errors(&mut self) {
        self.errors
            .sort_by_key(|e| (e.line, e.column.unwrap_or(usize::MAX)));
    }

    /// Every identity number of the file with its line.
    pub fn cccds(&self) -> Vec<(usize, &str)> {
        self.households
            .iter()
            .flat_map(|h| &h.members)
            .filter_map(|m| m.resident.cccd.as_ref().map(|c| (m.line, c.as_str())))
            .collect()
    }

    /// Reports an identity number already stored, on the line that carries it.
    pub fn cccd_exists(&mut self, line: usize) {
        let column = self.header.position(Column::Cccd);
        self.push_error(RowError::new(
            line,
            column,
            Some(Column::Cccd),
            RowErrorKind::CccdExists,
            "identity number already registered",
        ));
    }

    /// Reports a problem with a household's unit code, on the household's first row.
    pub fn unit_error(&mut self, line: usize, kind: RowErrorKind) {
        let column = self.header.position(Column::UnitCode);
        self.push_error(RowError::new(
            line,
            column,
            Some(Column::UnitCode),
            kind,
            "unit code",
        ));
    }
}
