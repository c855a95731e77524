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
