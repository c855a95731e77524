//! Rendering figures: a 400-household list and the province's feedback report, each as PDF
//! and DOCX, on the blocking pool as the server renders them (never on the async runtime).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tuquan_app::documents::{self, produce, render_docx, render_pdf};
use tuquan_app::stats::StatsQuery;
use tuquan_store::Store;

use super::figures::{months, percentile, round};
use crate::synthetic;

fn ms(d: Duration) -> f64 {
    round(d.as_secs_f64() * 1000.0, 1)
}

pub(super) async fn documents(
    store: &Store,
    as_of: &str,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let mut out = Vec::new();
    // The household list: `documents::samples` (400 rows, 14 pages), after a warm-up.
    let mut pdf = Vec::new();
    let mut docx = Vec::new();
    let mut bytes = (0, 0);
    for _ in 0..runs.max(1) {
        let t = tokio::task::spawn_blocking(|| documents::bench_household_list(400)).await??;
        pdf.push(t.pdf.as_secs_f64() * 1000.0);
        docx.push(t.docx.as_secs_f64() * 1000.0);
        bytes = (t.pdf_bytes, t.docx_bytes);
    }
    pdf.sort_by(f64::total_cmp);
    docx.sort_by(f64::total_cmp);
    out.push((
        "doc_households400_pdf_p50_ms",
        json!(round(percentile(&pdf, 50.0), 1)),
    ));
    out.push((
        "doc_households400_docx_p50_ms",
        json!(round(percentile(&docx, 50.0), 1)),
    ));
    out.push(("doc_households400_pdf_bytes", json!(bytes.0)));
    out.push(("doc_households400_docx_bytes", json!(bytes.1)));

    // The province's feedback report over the data set's two years (charts: the last 24
    // months): the use case (roll-ups, one monthly query, three charts), then both formats.
    let ctx = tuquan_app::App::new(store.clone()).system("bench");
    let (from, to) = months(as_of);
    let q = StatsQuery {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        category: None,
    };
    let (mut build, mut pdf, mut docx) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let doc = produce::feedback_report(&ctx, synthetic::PROVINCE, &q).await?;
        build.push(ms(t.elapsed()));
        let (p, d) = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            render_pdf(&doc)?;
            let p = t.elapsed();
            let t = Instant::now();
            render_docx(&doc)?;
            Ok::<_, documents::RenderError>((p, t.elapsed()))
        })
        .await??;
        pdf.push(ms(p));
        docx.push(ms(d));
    }
    for v in [&mut build, &mut pdf, &mut docx] {
        v.sort_by(f64::total_cmp);
    }
    out.push((
        "doc_province_report_data_p50_ms",
        json!(percentile(&build, 50.0)),
    ));
    out.push((
        "doc_province_report_pdf_p50_ms",
        json!(percentile(&pdf, 50.0)),
    ));
    out.push((
        "doc_province_report_docx_p50_ms",
        json!(percentile(&docx, 50.0)),
    ));
    Ok(out)
}
