//! Charts as server-side SVG: no JavaScript, no embedded fonts (a generic `font-family`), so a
//! page shows them without scripts, prints them, and the PDF engine can draw the same file.
//!
//! Every chart is `role="img"` with a `<title>` and a `<desc>`, scales to its container
//! (`viewBox`, `width="100%"`) and is laid out for a 360 px wide phone. Every drawn figure
//! carries its exact input value in a `data-value` attribute and a visible data label, so tests
//! (and readers) can check the picture against the table printed beside it. All text is
//! escaped. Hand-written rather than a charting crate: three shapes do not justify one.

mod bars;

#[cfg(test)]
mod tests;

pub use bars::{breakdown_bars, grouped_bars, rate_bars};

use crate::i18n::Lang;

/// What every chart needs besides its data: a page-unique id (used for `aria-labelledby`;
/// characters other than ASCII letters, digits and `-` are dropped), a title and a longer
/// description for screen readers, and the language of number formatting.
#[derive(Debug, Clone)]
pub struct ChartSpec<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub lang: Lang,
}

/// One named series of counts, one value per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<u32>,
}

/// Width of the view box: the drawing is made for a 360 px screen and scales from there.
pub(crate) const W: f64 = 360.0;
/// Fills that stay apart in greyscale print (dark blue, light orange, mid green).
pub(crate) const FILLS: [&str; 3] = ["#1f4e79", "#f4a261", "#2a9d8f"];

/// Escapes text for SVG content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn clean_id(id: &str) -> String {
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if id.is_empty() {
        "chart".into()
    } else {
        id
    }
}

/// The opening of a chart: the root element with its accessible name and description.
pub(crate) fn open(spec: &ChartSpec, height: f64, kind: &str) -> String {
    let id = clean_id(spec.id);
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" "#,
            r#"role="img" aria-labelledby="{id}-title {id}-desc" class="chart chart-{kind}" "#,
            r#"font-family="serif" font-size="11">"#,
            "\n<title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n",
            r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##,
            "\n"
        ),
        w = W,
        h = height,
        id = id,
        kind = kind,
        title = escape(spec.title),
        desc = escape(spec.desc),
    )
}

/// A round axis maximum at or above `max` (1, 2 or 5 times a power of ten) and its step.
pub(crate) fn nice_scale(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let rough = max / 4.0;
    let mag = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * mag)
        .max(1.0);
    ((max / step).ceil() * step, step)
}

/// A number as people read it: "1.234" in Vietnamese, "1,234" in English.
pub fn format_count(v: u32, lang: Lang) -> String {
    let sep = if lang == Lang::Vi { '.' } else { ',' };
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A percentage with one decimal: "87,5%" in Vietnamese, "87.5%" in English.
pub fn format_rate(v: f64, lang: Lang) -> String {
    let s = format!("{v:.1}%");
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Shortens a label to `max` characters (with "…") so it fits its slot; the full text stays
/// in the table beside the chart and in the element's `<title>`.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
