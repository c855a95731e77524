//! The three chart shapes: grouped columns (counts per month), rate columns (percent per
//! month) and horizontal bars (a breakdown by child unit).

use std::fmt::Write;

use super::{
    escape, format_count, format_rate, nice_scale, open, shorten, ChartSpec, Series, FILLS, W,
};

const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 24.0;
const HEIGHT: f64 = 230.0;

/// Horizontal grid lines with their axis labels, from 0 to `max` by `step`.
fn grid(out: &mut String, max: f64, step: f64, label: impl Fn(f64) -> String) {
    let ph = HEIGHT - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= max + step / 2.0 {
        let y = TOP + ph * (1.0 - v / max);
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#c8c8c8" stroke-width="0.5"/><text x="{lx}" y="{ty:.1}" text-anchor="end" font-size="9" fill="#333">{l}</text>"##,
            x2 = W - RIGHT,
            lx = LEFT - 4.0,
            ty = y + 3.0,
            l = escape(&label(v)),
        );
        v += step;
    }
}

/// One column with its value label above it (turned upright when the column is narrow).
#[allow(clippy::too_many_arguments)]
fn column(
    out: &mut String,
    x: f64,
    bw: f64,
    h: f64,
    fill: &str,
    attrs: &str,
    tooltip: &str,
    label: &str,
) {
    let base = HEIGHT - BOTTOM;
    let y = base - h;
    let _ = writeln!(
        out,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{h:.1}" fill="{fill}" {attrs}><title>{t}</title></rect>"#,
        t = escape(tooltip),
    );
    let cx = x + bw / 2.0;
    let label = escape(label);
    if bw < 16.0 {
        let ly = y - 3.0;
        let _ = writeln!(
            out,
            r##"<text class="value" x="{cx:.1}" y="{ly:.1}" font-size="8" fill="#111" transform="rotate(-90 {cx:.1} {ly:.1})" dy="3">{label}</text>"##,
        );
    } else {
        let _ = writeln!(
            out,
            r##"<text class="value" x="{cx:.1}" y="{ly:.1}" font-size="9" text-anchor="middle" fill="#111">{label}</text>"##,
            ly = y - 3.0,
        );
    }
}

/// Category labels under the columns, shortened to fit their slot.
fn category_labels(out: &mut String, categories: &[String], gw: f64) {
    let max_chars = ((gw / 5.0).floor() as usize).max(2);
    for (i, c) in categories.iter().enumerate() {
        let _ = writeln!(
            out,
            r##"<text class="category" x="{x:.1}" y="{y}" font-size="9" text-anchor="middle" fill="#333">{t}</text>"##,
            x = LEFT + gw * (i as f64 + 0.5),
            y = HEIGHT - BOTTOM + 12.0,
            t = escape(&shorten(c, max_chars)),
        );
    }
}

fn legend(out: &mut String, names: &[&str]) {
    let mut x = LEFT;
    for (j, name) in names.iter().enumerate() {
        let name = shorten(name, 24);
        let _ = writeln!(
            out,
            r##"<rect x="{x:.1}" y="8" width="10" height="10" fill="{f}"/><text x="{tx:.1}" y="17" font-size="10" fill="#111">{t}</text>"##,
            f = FILLS[j % FILLS.len()],
            tx = x + 14.0,
            t = escape(&name),
        );
        x += 24.0 + name.chars().count() as f64 * 5.5;
    }
}

/// Grouped columns: for each category (a month), one column per series (received, resolved).
pub fn grouped_bars(spec: &ChartSpec, categories: &[String], series: &[Series]) -> String {
    let mut out = open(spec, HEIGHT, "grouped");
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let (top, step) = nice_scale(f64::from(max));
    grid(&mut out, top, step, |v| format_count(v as u32, spec.lang));
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    legend(&mut out, &names);
    let n = categories.len().max(1) as f64;
    let gw = (W - LEFT - RIGHT) / n;
    let bw = gw * 0.8 / series.len().max(1) as f64;
    let ph = HEIGHT - TOP - BOTTOM;
    for (i, cat) in categories.iter().enumerate() {
        for (j, s) in series.iter().enumerate() {
            let Some(&v) = s.values.get(i) else { continue };
            let x = LEFT + gw * i as f64 + gw * 0.1 + bw * j as f64;
            let attrs = format!(
                r#"data-series="{}" data-category="{}" data-value="{v}""#,
                escape(&s.name),
                escape(cat)
            );
            let label = format_count(v, spec.lang);
            let tip = format!("{cat} — {}: {label}", s.name);
            let h = ph * f64::from(v) / top;
            column(
                &mut out,
                x,
                bw,
                h,
                FILLS[j % FILLS.len()],
                &attrs,
                &tip,
                &label,
            );
        }
    }
    category_labels(&mut out, categories, gw);
    out.push_str("</svg>\n");
    out
}

/// Rate columns on a 0–100 % axis, one per category; `None` (nothing due) draws no column and
/// the label "–".
pub fn rate_bars(spec: &ChartSpec, categories: &[String], rates: &[Option<f64>]) -> String {
    let mut out = open(spec, HEIGHT, "rate");
    grid(&mut out, 100.0, 25.0, |v| format!("{v:.0}%"));
    let n = categories.len().max(1) as f64;
    let gw = (W - LEFT - RIGHT) / n;
    let bw = (gw * 0.6).min(40.0);
    let ph = HEIGHT - TOP - BOTTOM;
    for (i, cat) in categories.iter().enumerate() {
        let x = LEFT + gw * i as f64 + (gw - bw) / 2.0;
        match rates.get(i).copied().flatten() {
            Some(r) => {
                let r = r.clamp(0.0, 100.0);
                let attrs = format!(r#"data-category="{}" data-value="{r}""#, escape(cat));
                let label = format_rate(r, spec.lang);
                let tip = format!("{cat}: {label}");
                column(
                    &mut out,
                    x,
                    bw,
                    ph * r / 100.0,
                    FILLS[2],
                    &attrs,
                    &tip,
                    &label,
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    r##"<text class="value no-data" data-category="{c}" x="{x:.1}" y="{y:.1}" font-size="9" text-anchor="middle" fill="#111">–</text>"##,
                    c = escape(cat),
                    x = x + bw / 2.0,
                    y = HEIGHT - BOTTOM - 3.0,
                );
            }
        }
    }
    category_labels(&mut out, categories, gw);
    out.push_str("</svg>\n");
    out
}

/// Horizontal bars, one row per item (a child unit), longest first as given.
pub fn breakdown_bars(spec: &ChartSpec, items: &[(String, u32)]) -> String {
    const ROW: f64 = 22.0;
    const LABEL_W: f64 = 118.0;
    const VALUE_W: f64 = 44.0;
    let height = 12.0 + ROW * items.len() as f64 + 8.0;
    let mut out = open(spec, height, "breakdown");
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let bar_max = W - LABEL_W - VALUE_W - RIGHT;
    for (i, (name, v)) in items.iter().enumerate() {
        let y = 12.0 + ROW * i as f64;
        let w = bar_max * f64::from(*v) / f64::from(max);
        let label = format_count(*v, spec.lang);
        let _ = writeln!(
            out,
            r##"<text class="category" x="{lx}" y="{ty:.1}" font-size="10" text-anchor="end" fill="#111">{n}<title>{full}</title></text>"##,
            lx = LABEL_W - 6.0,
            ty = y + 13.0,
            n = escape(&shorten(name, 22)),
            full = escape(name),
        );
        let _ = writeln!(
            out,
            r#"<rect x="{LABEL_W}" y="{y:.1}" width="{w:.1}" height="16" fill="{f}" data-category="{c}" data-value="{v}"><title>{c}: {l}</title></rect>"#,
            f = FILLS[0],
            c = escape(name),
            l = escape(&label),
        );
        let _ = writeln!(
            out,
            r##"<text class="value" x="{vx:.1}" y="{ty:.1}" font-size="10" fill="#111">{l}</text>"##,
            vx = LABEL_W + w + 4.0,
            ty = y + 12.0,
            l = escape(&label),
        );
    }
    out.push_str("</svg>\n");
    out
}
