//! PDF through Typst embedded as a library: a fixed template (`decree30.typ`) reads the
//! document from a virtual `/data.json`, with the fonts compiled into the binary.
//!
//! Typst was chosen over hand-placing text (printpdf, lopdf) because it breaks lines and pages,
//! repeats table headers and shapes Vietnamese (stacked diacritics) correctly, and over an
//! external process (LibreOffice, wkhtmltopdf) because it needs nothing installed.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::model::{Block, Document};
use super::RenderError;

const TEMPLATE: &str = include_str!("decree30.typ");

/// Liberation Serif: Times New Roman's metrics under the SIL OFL (see `fonts/README.md`).
pub(super) static FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Built once per process: the standard library and the parsed fonts.
static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("static virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// A world of three kinds of files: the template, the data, the charts. Nothing is read from
/// disk or network, so a template can never reach beyond them.
struct DocWorld {
    main: Source,
    data: Bytes,
    charts: Vec<(FileId, Bytes)>,
    data_id: FileId,
}

impl DocWorld {
    fn new(doc: &Document) -> Result<Self, RenderError> {
        let json = serde_json::to_vec(&doc.view()).map_err(|e| RenderError::Data(e.to_string()))?;
        let charts = doc
            .body
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Chart { svg, .. } => Some((
                    file_id(&format!("/chart-{i}.svg")),
                    Bytes::new(svg.clone().into_bytes()),
                )),
                _ => None,
            })
            .collect();
        Ok(Self {
            main: Source::new(file_id("/main.typ"), TEMPLATE.to_string()),
            data: Bytes::new(json),
            charts,
            data_id: file_id("/data.json"),
        })
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.get().vpath().get_with_slash().into())
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        self.charts
            .iter()
            .find(|(cid, _)| *cid == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Renders the document as PDF (A4, Decree 30 margins, fonts embedded). CPU-bound, tens of
/// milliseconds to a second: call it from `tokio::task::spawn_blocking`.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let world = DocWorld::new(doc)?;
    let compiled = typst::compile(&world).output;
    // Typst memoizes across compilations; each document is different, so keep the cache small.
    typst::comemo::evict(2);
    let document = compiled.map_err(|errs| RenderError::Layout(diagnostics(&errs)))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errs| RenderError::Layout(diagnostics(&errs)))
}

fn diagnostics(errs: &[typst::diag::SourceDiagnostic]) -> String {
    errs.iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
