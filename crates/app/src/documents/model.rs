//! The one description of an official document, rendered to DOCX and to PDF.
//!
//! Every string here is data: the renderers never paste it into markup (the PDF template reads
//! it from a JSON file, the DOCX writer escapes it as XML text).

use jiff::civil::Date;
use serde::Serialize;

/// An administrative document in the layout of Decree 30/2020/NĐ-CP.
#[derive(Debug, Clone)]
pub struct Document {
    /// The issuing body, top left.
    pub issuer: Issuer,
    /// The national title and motto, top right; [`NationalTitle::default`] is the usual one.
    pub national: NationalTitle,
    /// Number and symbol, e.g. number `Some("12")`, symbol `"QĐ-UBND"` → "Số: 12/QĐ-UBND".
    /// No number leaves room to write it by hand: "Số:      /QĐ-UBND".
    pub number: Option<String>,
    pub symbol: String,
    /// Place of issue ("Phường Bến Thành") and date.
    pub place: String,
    pub date: Date,
    /// Kind of document ("Quyết định", "Danh sách", "Báo cáo"), printed in capitals.
    pub kind: String,
    /// The summary line (trích yếu), e.g. "Về việc thành lập Tổ bảo vệ an ninh trật tự".
    pub summary: Option<String>,
    pub body: Vec<Block>,
    pub signature: Signature,
    /// "Nơi nhận" entries, printed as "- entry;" with the last ending in ".".
    pub recipients: Vec<String>,
}

/// The issuing body: its parent (printed above it, if any) and its own name. A `\n` in either
/// breaks the line where Decree 30 usage does ("Ủy ban nhân dân\nPhường Bến Thành").
#[derive(Debug, Clone)]
pub struct Issuer {
    pub parent: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct NationalTitle {
    pub title: String,
    pub motto: String,
}

impl Default for NationalTitle {
    fn default() -> Self {
        Self {
            title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            motto: "Độc lập - Tự do - Hạnh phúc".into(),
        }
    }
}

/// One block of the body, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A bold heading; centred ones are e.g. "QUYẾT ĐỊNH:" before the articles.
    Heading {
        text: String,
        centered: bool,
    },
    /// A justified paragraph with a first-line indent.
    Paragraph {
        text: String,
    },
    /// A legal basis ("Căn cứ ..."): a paragraph in italics, as Decree 30 sets them.
    Basis {
        text: String,
    },
    /// A numbered article: `label` is "Điều 1." (bold), then the text.
    Article {
        label: String,
        text: String,
    },
    Table(Table),
    /// Label–value lines ("Họ và tên: Nguyễn Thị Đào").
    KeyValues {
        items: Vec<(String, String)>,
    },
    /// A chart as SVG (see `crate::charts`), with its caption. The PDF draws the SVG; the
    /// DOCX embeds it rasterised to PNG (`raster`), since Word needs a raster image.
    Chart {
        caption: String,
        #[serde(skip)]
        svg: String,
    },
}

/// A table with one header row, repeated on every page.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub header: String,
    /// Relative width: the column gets `width / sum(widths)` of the text width.
    pub width: u32,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Center,
    Right,
}

/// The signature block, bottom right.
#[derive(Debug, Clone)]
pub struct Signature {
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH" … (printed in capitals), if any.
    pub mandate: Option<String>,
    /// "Chủ tịch", "Trưởng khu phố" (printed in capitals).
    pub position: String,
    pub signer: String,
    /// True prints "(Đã ký)" (a copy of a signed original); false leaves room to sign.
    pub signed: bool,
}

/// Building a document: [`Document::new`] gives the head (issuer, national title, number
/// left blank, place and date), the methods add the rest in reading order.
impl Document {
    /// A document of `kind` ("Báo cáo") whose number is written by hand ("Số:   /`symbol`"),
    /// issued by `issuer` at `place` on `date` under the usual national title; no summary,
    /// body, signature or recipients yet.
    pub fn new(kind: &str, symbol: &str, issuer: Issuer, place: String, date: Date) -> Self {
        Self {
            issuer,
            national: NationalTitle::default(),
            number: None,
            symbol: symbol.into(),
            place,
            date,
            kind: kind.into(),
            summary: None,
            body: Vec::new(),
            signature: unsigned(""),
            recipients: Vec::new(),
        }
    }

    /// The number as recorded (none: written by hand).
    pub fn number(mut self, number: Option<String>) -> Self {
        self.number = number;
        self
    }

    /// The summary line (trích yếu).
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// Appends `blocks` to the body.
    pub fn body(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.body.extend(blocks);
        self
    }

    pub fn signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }

    /// "Nơi nhận", in order.
    pub fn recipients<S: Into<String>>(mut self, recipients: impl IntoIterator<Item = S>) -> Self {
        self.recipients = recipients.into_iter().map(Into::into).collect();
        self
    }
}

impl Block {
    /// A left-aligned bold heading ("I. KẾT QUẢ …").
    pub fn heading(text: impl Into<String>) -> Self {
        Self::Heading {
            text: text.into(),
            centered: false,
        }
    }

    /// A centred bold heading ("QUYẾT ĐỊNH:").
    pub fn centered(text: impl Into<String>) -> Self {
        Self::Heading {
            text: text.into(),
            centered: true,
        }
    }

    pub fn article(label: impl Into<String>, text: impl Into<String>) -> Self {
        Self::Article {
            label: label.into(),
            text: text.into(),
        }
    }

    pub fn table(columns: Vec<Column>, rows: Vec<Vec<String>>) -> Self {
        Self::Table(Table { columns, rows })
    }
}

impl Table {
    /// A table whose first column, "STT", numbers the rows from 1, before `columns`.
    pub fn numbered(columns: Vec<Column>, rows: impl IntoIterator<Item = Vec<String>>) -> Self {
        let stt = col("STT", 3, Align::Center);
        Self {
            columns: std::iter::once(stt).chain(columns).collect(),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| std::iter::once((i + 1).to_string()).chain(row).collect())
                .collect(),
        }
    }
}

pub fn col(header: &str, width: u32, align: Align) -> Column {
    Column {
        header: header.into(),
        width,
        align,
    }
}

pub fn para(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

/// Room for whoever holds `position` to sign by hand, no name printed.
pub fn unsigned(position: &str) -> Signature {
    Signature {
        mandate: None,
        position: position.into(),
        signer: String::new(),
        signed: false,
    }
}

/// The document as both renderers see it: the strings already composed, so DOCX and PDF
/// print the same words.
#[derive(Debug, Serialize)]
pub(crate) struct View<'a> {
    pub issuer_parent: Option<String>,
    pub issuer: String,
    pub national_title: &'a str,
    pub motto: &'a str,
    pub number_line: String,
    pub place_date: String,
    pub kind: String,
    pub summary: Option<&'a str>,
    pub body: &'a [Block],
    pub mandate: Option<String>,
    pub position: String,
    pub signer: &'a str,
    pub signed: bool,
    pub recipients: Vec<String>,
}

impl Document {
    pub(crate) fn view(&self) -> View<'_> {
        let n = self.recipients.len();
        View {
            issuer_parent: self.issuer.parent.as_deref().map(str::to_uppercase),
            issuer: self.issuer.name.to_uppercase(),
            national_title: &self.national.title,
            motto: &self.national.motto,
            number_line: number_line(self.number.as_deref(), &self.symbol),
            place_date: place_date(&self.place, self.date),
            kind: self.kind.to_uppercase(),
            summary: self.summary.as_deref(),
            body: &self.body,
            mandate: self.signature.mandate.as_deref().map(str::to_uppercase),
            position: self.signature.position.to_uppercase(),
            signer: &self.signature.signer,
            signed: self.signature.signed,
            recipients: self
                .recipients
                .iter()
                .enumerate()
                .map(|(i, r)| format!("- {r}{}", if i + 1 == n { "." } else { ";" }))
                .collect(),
        }
    }
}

/// "Số: 12/QĐ-UBND", or a blank to fill by hand. A recorded number that already carries its
/// symbol ("118/QĐ-UBND", as decisions are usually recorded) is printed as it is.
pub fn number_line(number: Option<&str>, symbol: &str) -> String {
    match number.map(str::trim) {
        Some(n) if n.contains('/') => format!("Số: {n}"),
        Some(n) if !n.is_empty() => format!("Số: {n}/{symbol}"),
        _ => format!("Số:        /{symbol}"),
    }
}

/// "Phường Bến Thành, ngày 05 tháng 03 năm 2026": Decree 30 writes days below 10 and the
/// months January and February with a leading zero.
pub fn place_date(place: &str, date: Date) -> String {
    let month = date.month();
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_decree_30() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(
            place_date("Phường Bến Thành", d(2026, 2, 5)),
            "Phường Bến Thành, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            place_date("Hà Nội", d(2026, 11, 20)),
            "Hà Nội, ngày 20 tháng 11 năm 2026"
        );
        assert_eq!(
            place_date("X", d(2026, 3, 9)),
            "X, ngày 09 tháng 3 năm 2026"
        );
    }

    #[test]
    fn number_lines() {
        assert_eq!(number_line(Some("12"), "QĐ-UBND"), "Số: 12/QĐ-UBND");
        assert_eq!(number_line(None, "QĐ-UBND"), "Số:        /QĐ-UBND");
        assert_eq!(
            number_line(Some("118/QĐ-UBND"), "QĐ-UBND"),
            "Số: 118/QĐ-UBND"
        );
    }
}
