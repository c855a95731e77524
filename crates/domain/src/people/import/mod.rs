//! Importing households and residents from a spreadsheet: one row per resident, rows sharing
//! a household key form one household, the first of them its representative.
//!
//! Pure: the application layer (`tuquan_app::import`) reads the file (CSV or XLSX) into
//! [`Row`]s of [`Cell`]s; this module maps the header, parses every row with the same rules
//! as the forms ([`NewHousehold::parse`](super::NewHousehold::parse),
//! [`NewResident::parse`](super::NewResident::parse)) and groups the rows into
//! households. Every problem becomes a [`RowError`] with the line and column the user sees
//! (the header is line 1 of a file that starts with it) and a stable code; the message is
//! the application layer's. Checks that need the database (the unit codes, identity numbers
//! already stored) are the caller's, which adds its findings with [`ImportPlan::push_error`].
//!
//! Sub-areas: `columns` (layout, header, cells), `errors`, `plan` (the outcome), `rows`
//! (parsing and grouping).

use jiff::civil::Date;

mod columns;
mod errors;
mod plan;
mod rows;
#[cfg(test)]
mod tests;

pub use columns::*;
pub use errors::*;
pub use plan::*;
pub use rows::*;

/// At most this many data rows in one file.
pub const MAX_ROWS: usize = 20_000;
/// At most this many errors are kept; the count of all of them is kept too.
pub const MAX_ERRORS: usize = 1_000;

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell of a spreadsheet (identity numbers and phones typed as numbers lose
    /// their leading zero; they are restored per column).
    Number(f64),
    /// A date cell of a spreadsheet.
    Date(Date),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row of the file with its line number as the user sees it (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn new(line: usize, cells: Vec<Cell>) -> Self {
        Self { line, cells }
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}
