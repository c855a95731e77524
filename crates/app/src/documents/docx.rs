//! DOCX through docx-rs: a plain OOXML writer (no Office needed), text escaped as XML text.
//!
//! docx-rs was chosen because it writes headers with fields (the page number), first-page
//! headers, borderless tables and section margins, which is all Decree 30 needs, with no
//! native dependencies; its image codecs are left out (`default-features = false`): charts
//! arrive as PNG already (`raster`).

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, LineSpacing, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

use super::model::{Align, Block, Document, Table as DocTable, View};
use super::RenderError;

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;
pub const FONT: &str = "Times New Roman";
const PAGE_W: u32 = 11_906; // A4, 210 mm
const PAGE_H: u32 = 16_838; // A4, 297 mm
pub const MARGIN_TOP: i32 = 1_134; // 20 mm
pub const MARGIN_BOTTOM: i32 = 1_134; // 20 mm
pub const MARGIN_LEFT: i32 = 1_701; // 30 mm
pub const MARGIN_RIGHT: i32 = 850; // 15 mm
const TEXT_W: usize = (PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// Sizes in half-points.
const BODY: usize = 28; // 14 pt
const SMALL: usize = 26; // 13 pt
const TABLE: usize = 24; // 12 pt
const RECIPIENTS: usize = 22; // 11 pt

/// Renders the document as DOCX (A4, Decree 30 margins, Times New Roman). CPU-bound: call it
/// from `tokio::task::spawn_blocking`.
pub fn render_docx(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let v = doc.view();
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let page_number = Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_page_num(PageNum::new()),
    );
    let mut docx = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(mm(10))
                .footer(mm(10)),
        )
        .default_fonts(fonts)
        .default_size(BODY)
        .header(page_number)
        // An empty first-page header (and titlePg): no number on page 1.
        .first_header(Header::new())
        .add_table(header_table(&v))
        .add_paragraph(centered_run(run(&v.kind, BODY).bold()).line_spacing(spacing(240, 0)));
    if let Some(summary) = v.summary {
        docx = docx
            .add_paragraph(centered_run(run(summary, BODY).bold()))
            .add_paragraph(rule(TEXT_W as i32, 3_000));
    }
    for (i, block) in v.body.iter().enumerate() {
        docx = add_block(docx, block, i == 0)?;
    }
    docx = docx
        .add_paragraph(Paragraph::new().line_spacing(spacing(120, 0)))
        .add_table(signature_table(&v));
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| RenderError::Layout(e.to_string()))?;
    Ok(out.into_inner())
}

fn mm(v: u32) -> i32 {
    (f64::from(v) * TWIPS_PER_MM).round() as i32
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after)
}

/// A run of text; a `\n` in the text (e.g. in a two-line issuing body) is a line break.
fn run(text: &str, size: usize) -> Run {
    let mut r = Run::new().size(size);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

fn centered(text: &str, size: usize) -> Paragraph {
    centered_run(run(text, size))
}

fn centered_run(r: Run) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(r)
        .line_spacing(spacing(0, 0))
}

/// A centred horizontal rule `len` twips long in a space `width` twips wide: an empty
/// paragraph's bottom border, shortened by indents.
fn rule(width: i32, len: i32) -> Paragraph {
    let side = ((width - len) / 2).max(0);
    Paragraph::new()
        .add_run(Run::new().size(4))
        .size(4)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(spacing(0, 60))
        .set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(6)
                    .space(1),
            ),
        )
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
}

/// The two-column header: issuing body | national title; number | place and date.
fn header_table(v: &View) -> Table {
    let left_w = TEXT_W * 40 / 100;
    let right_w = TEXT_W - left_w;
    let mut left = Vec::new();
    if let Some(parent) = &v.issuer_parent {
        left.push(centered(parent, SMALL));
    }
    left.push(centered_run(run(&v.issuer, SMALL).bold()));
    left.push(rule(left_w as i32, 1_300));
    let motto = Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run(v.motto, BODY).bold().underline("single"))
        .line_spacing(spacing(0, 0));
    let right = vec![centered_run(run(v.national_title, SMALL).bold()), motto];
    let number = centered(&v.number_line, SMALL).line_spacing(spacing(120, 0));
    let date = Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run(&v.place_date, BODY).italic())
        .line_spacing(spacing(120, 0));
    Table::without_borders(vec![
        TableRow::new(vec![cell(left_w, left), cell(right_w, right)]),
        TableRow::new(vec![cell(left_w, vec![number]), cell(right_w, vec![date])]),
    ])
    .set_grid(vec![left_w, right_w])
    .width(TEXT_W, WidthType::Dxa)
    .indent(0)
}

fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(spacing(0, 120))
}

fn add_block(docx: Docx, block: &Block, first: bool) -> Result<Docx, RenderError> {
    let before = if first { 240 } else { 120 };
    Ok(match block {
        Block::Heading { text, centered } => {
            let align = if *centered {
                AlignmentType::Center
            } else {
                AlignmentType::Left
            };
            docx.add_paragraph(
                Paragraph::new()
                    .align(align)
                    .keep_next(true)
                    .add_run(run(text, BODY).bold())
                    .line_spacing(spacing(before, 120)),
            )
        }
        Block::Paragraph { text } => docx.add_paragraph(body_paragraph().add_run(run(text, BODY))),
        Block::Basis { text } => {
            docx.add_paragraph(body_paragraph().add_run(run(text, BODY).italic()))
        }
        Block::Article { label, text } => docx.add_paragraph(
            body_paragraph()
                .add_run(run(label, BODY).bold())
                .add_run(run(&format!(" {text}"), BODY)),
        ),
        Block::KeyValues { items } => items.iter().fold(docx, |d, (k, val)| {
            d.add_paragraph(
                body_paragraph()
                    .add_run(run(&format!("{k}: "), BODY))
                    .add_run(run(val, BODY)),
            )
        }),
        Block::Table(t) => docx
            .add_table(data_table(t))
            .add_paragraph(Paragraph::new().line_spacing(spacing(0, 0))),
        Block::Chart { caption, svg } => docx
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .keep_next(true)
                    .add_run(Run::new().add_image(chart_picture(svg)?))
                    .line_spacing(spacing(120, 0)),
            )
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run(caption, TABLE).italic())
                    .line_spacing(spacing(60, 120)),
            ),
    })
}

/// The chart as an inline PNG picture, 150 mm wide (inside the 165 mm text width).
fn chart_picture(svg: &str) -> Result<Pic, RenderError> {
    const EMU_PER_MM: u64 = 36_000;
    let png = super::raster::chart_png(svg)?;
    let w = 150 * EMU_PER_MM;
    let h = w * u64::from(png.height) / u64::from(png.width.max(1));
    let emu = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(Pic::new_with_dimensions(png.bytes, png.width, png.height).size(emu(w), emu(h)))
}

fn data_table(t: &DocTable) -> Table {
    let total: u32 = t.columns.iter().map(|c| c.width.max(1)).sum::<u32>().max(1);
    let widths: Vec<usize> = t
        .columns
        .iter()
        .map(|c| TEXT_W * c.width.max(1) as usize / total as usize)
        .collect();
    let text_cell = |w: usize, text: &str, align: Align, bold: bool| {
        let r = run(text, TABLE);
        let p = Paragraph::new()
            .align(match align {
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            })
            .add_run(if bold { r.bold() } else { r })
            .line_spacing(spacing(40, 40));
        cell(w, vec![p])
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| text_cell(*w, &c.header, Align::Center, true))
            .collect(),
    );
    let rows = t.rows.iter().map(|row| {
        TableRow::new(
            t.columns
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    text_cell(*w, row.get(i).map_or("", String::as_str), c.align, false)
                })
                .collect(),
        )
        .cant_split()
    });
    Table::new(std::iter::once(header).chain(rows).collect())
        .set_grid(widths)
        .width(TEXT_W, WidthType::Dxa)
}

/// "Nơi nhận" left (12 pt bold italic, entries 11 pt), signature right.
fn signature_table(v: &View) -> Table {
    let left_w = TEXT_W * 45 / 100;
    let right_w = TEXT_W - left_w;
    let mut left = Vec::new();
    if !v.recipients.is_empty() {
        left.push(
            Paragraph::new()
                .add_run(run("Nơi nhận:", TABLE).bold().italic())
                .line_spacing(spacing(0, 0)),
        );
        for r in &v.recipients {
            left.push(
                Paragraph::new()
                    .add_run(run(r, RECIPIENTS))
                    .line_spacing(spacing(0, 0)),
            );
        }
    }
    let mut right = Vec::new();
    if let Some(m) = &v.mandate {
        right.push(centered_run(run(m, BODY).bold()));
    }
    right.push(centered_run(run(&v.position, BODY).bold()));
    if v.signed {
        right.push(centered_run(run("(Đã ký)", BODY).italic()).line_spacing(spacing(240, 240)));
    } else {
        for _ in 0..4 {
            right.push(centered("", BODY));
        }
    }
    right.push(centered_run(run(v.signer, BODY).bold()));
    Table::without_borders(vec![TableRow::new(vec![
        cell(left_w, left),
        cell(right_w, right),
    ])
    .cant_split()])
    .set_grid(vec![left_w, right_w])
    .width(TEXT_W, WidthType::Dxa)
    .indent(0)
}
