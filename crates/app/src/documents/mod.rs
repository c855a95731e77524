//! Official documents in the format of Decree 30/2020/NĐ-CP, from one description to both an
//! editable DOCX ([`render_docx`]) and a printable PDF ([`render_pdf`]).
//!
//! A use case builds a [`Document`] from its data (after its own authorization and audit) and
//! renders it. Rendering is CPU work (milliseconds to about a second): adapters must call the
//! renderers inside `tokio::task::spawn_blocking` so a request never blocks the runtime.
//!
//! Security: resident-entered text is data. The PDF template reads it from a virtual JSON file,
//! the DOCX writer escapes it as XML text; neither pastes it into markup. See docs/documents.md.

mod decision;
mod docx;
mod model;
mod pdf;
pub mod produce;
mod raster;
mod report;
pub mod samples;
pub mod stats_xlsx;

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

pub use docx::render_docx;
pub use model::{
    col, number_line, para, place_date, unsigned, Align, Block, Column, Document, Issuer,
    NationalTitle, Signature, Table,
};
pub use pdf::render_pdf;

/// A document that could not be rendered: a bug in the template or the data's shape, not the
/// user's fault (adapters answer 500).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("document data: {0}")]
    Data(String),
    #[error("document layout: {0}")]
    Layout(String),
}

/// Time taken to render one document in each format.
#[derive(Debug, Clone, Copy)]
pub struct RenderTimes {
    pub pdf: Duration,
    pub docx: Duration,
    pub pdf_bytes: usize,
    pub docx_bytes: usize,
}

/// Micro benchmark for `tuquan bench`: renders a household list of `households` rows in both
/// formats once (after one warm-up PDF, which builds the fonts and the standard library).
pub fn bench_household_list(households: usize) -> Result<RenderTimes, RenderError> {
    let doc = samples::household_list(households);
    render_pdf(&samples::establishment_decision())?;
    let t = Instant::now();
    let pdf = render_pdf(&doc)?;
    let pdf_time = t.elapsed();
    let t = Instant::now();
    let docx = render_docx(&doc)?;
    Ok(RenderTimes {
        pdf: pdf_time,
        docx: t.elapsed(),
        pdf_bytes: pdf.len(),
        docx_bytes: docx.len(),
    })
}
