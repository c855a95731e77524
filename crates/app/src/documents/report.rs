//! The feedback report of a unit for a period, and the monthly figures and charts the
//! statistics pages share with it. Public figures (counts, no personal data), like the
//! statistics pages: no authorization beyond knowing the unit, no audit.

use tuquan_domain::feedback::stats::{Month, Period};
use tuquan_domain::territory::Unit;

use super::model::{col, para, unsigned, Align, Block, Column, Document};
use super::produce::unit_document;
use super::stats_xlsx::StatRow;
use crate::charts::{breakdown_bars, grouped_bars, rate_bars, ChartSpec, Series};
use crate::i18n::Lang;
use crate::stats::{Loaded, StatsQuery};
use crate::{AppResult, Ctx};

/// The most months drawn in the monthly charts (the latest ones of a longer period).
const CHART_MONTHS: i64 = 24;

/// Figures per month of a period (at most [`CHART_MONTHS`], the latest).
#[derive(Debug, Clone, Default)]
pub struct MonthlyStats {
    pub months: Vec<Month>,
    pub received: Vec<u32>,
    pub resolved: Vec<u32>,
    pub on_time: Vec<u32>,
}

impl MonthlyStats {
    /// Percentage resolved on time of those resolved, per month (`None`: nothing resolved).
    pub fn rates(&self) -> Vec<Option<f64>> {
        self.resolved
            .iter()
            .zip(&self.on_time)
            .map(|(r, o)| (*r > 0).then(|| f64::from(*o) * 100.0 / f64::from(*r)))
            .collect()
    }

    pub fn labels(&self) -> Vec<String> {
        self.months
            .iter()
            .map(|m| format!("{:02}/{}", m.month(), m.year() % 100))
            .collect()
    }
}

fn n(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// The totals per month of the period (the latest [`CHART_MONTHS`]), in one roll-up query;
/// months that received nothing are zeros.
pub async fn monthly_stats(
    ctx: &Ctx,
    unit: Option<&Unit>,
    period: Period,
    category: Option<&str>,
) -> AppResult<MonthlyStats> {
    let code = unit.map_or(tuquan_store::rollup::COUNTRY, |u| u.code.as_str());
    let count = period.from.months_until(period.to) + 1;
    let first = period.from.plus((count - CHART_MONTHS).max(0));
    let rows = ctx
        .store()
        .monthly_totals(code, first, period.to, category)
        .await?;
    let mut out = MonthlyStats::default();
    let mut m = first;
    while m.months_until(period.to) >= 0 {
        let c = rows
            .iter()
            .find(|(month, _)| *month == m)
            .map(|(_, c)| *c)
            .unwrap_or_default();
        out.months.push(m);
        out.received.push(n(c.received));
        out.resolved.push(n(c.resolved));
        out.on_time.push(n(c.resolved_on_time));
        m = m.plus(1);
    }
    Ok(out)
}

/// The three charts of a report: received and resolved per month, the on-time rate per
/// month, received by child unit. `place` goes into each description.
pub fn stats_charts(lang: Lang, place: &str, monthly: &MonthlyStats, l: &Loaded) -> [String; 3] {
    let spec = |id, title| ChartSpec {
        id,
        title,
        desc: place,
        lang,
    };
    let labels = monthly.labels();
    let series = vec![
        Series {
            name: lang.t("doc.received").into(),
            values: monthly.received.clone(),
        },
        Series {
            name: lang.t("doc.resolved").into(),
            values: monthly.resolved.clone(),
        },
    ];
    let children: Vec<(String, u32)> = l
        .report
        .children
        .iter()
        .map(|c| (c.name.clone(), n(c.counts.received)))
        .collect();
    [
        grouped_bars(
            &spec("chart-monthly", lang.t("doc.chart_monthly")),
            &labels,
            &series,
        ),
        rate_bars(
            &spec("chart-rate", lang.t("doc.chart_rate")),
            &labels,
            &monthly.rates(),
        ),
        breakdown_bars(
            &spec("chart-children", lang.t("doc.chart_children")),
            &children,
        ),
    ]
}

/// The rows of the statistics workbook: the unit's month totals over all categories (the
/// roll-up has no per-category monthly figures).
pub fn stat_rows(lang: Lang, place: &str, monthly: &MonthlyStats) -> Vec<StatRow> {
    let mut rows: Vec<StatRow> = monthly
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| StatRow {
            unit: place.to_owned(),
            category: lang.t("stats_all_categories").to_owned(),
            month: m.to_string(),
            received: monthly.received[i],
            resolved: monthly.resolved[i],
            on_time: monthly.on_time[i],
        })
        .collect();
    rows.sort_by(|a, b| a.month.cmp(&b.month));
    rows
}

/// "Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị" of a unit for a period
/// (`from`, `to`: `YYYY-MM`), with the figures of the roll-ups and three charts.
pub async fn feedback_report(ctx: &Ctx, code: &str, q: &StatsQuery) -> AppResult<Document> {
    let l = crate::stats::report(ctx, Some(code), q).await?;
    let unit = l.unit.clone().expect("a unit report has its unit");
    let monthly = monthly_stats(ctx, Some(&unit), l.period, q.category.as_deref()).await?;
    let lang = Lang::Vi;
    let [c1, c2, c3] = stats_charts(lang, &unit.name, &monthly, &l);
    let t = &l.report.total;
    let monthly_rows = monthly.labels().into_iter().enumerate().map(|(i, label)| {
        let counts = [monthly.received[i], monthly.resolved[i], monthly.on_time[i]];
        (label, counts.map(i64::from))
    });
    let child_rows = l.report.children.iter().map(|c| {
        let counts = [
            c.counts.received,
            c.counts.resolved,
            c.counts.resolved_on_time,
        ];
        (c.name.clone(), counts)
    });
    let mut body = vec![
        Block::heading("I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT"),
        para(format!(
            "Từ tháng {} đến tháng {}, trên địa bàn {} đã tiếp nhận {} phản ánh, kiến nghị; đã giải quyết {}, trong đó {} phản ánh được giải quyết đúng hạn; {} phản ánh đang quá hạn.",
            l.period.from, l.period.to, unit.name, t.received, t.resolved, t.resolved_on_time, t.overdue_now
        )),
        Block::Chart { caption: "Biểu đồ 1. Phản ánh tiếp nhận và đã giải quyết theo tháng".into(), svg: c1 },
        counts_table(col("Tháng", 4, Align::Center), monthly_rows),
        Block::Chart { caption: "Biểu đồ 2. Tỷ lệ giải quyết đúng hạn theo tháng".into(), svg: c2 },
    ];
    if !l.report.children.is_empty() {
        body.extend([
            Block::heading("II. THEO ĐƠN VỊ TRỰC THUỘC"),
            Block::Chart {
                caption: "Biểu đồ 3. Phản ánh tiếp nhận theo đơn vị".into(),
                svg: c3,
            },
            counts_table(col("Đơn vị", 10, Align::Left), child_rows),
        ]);
    }
    Ok(unit_document(ctx, &unit, "Báo cáo", "BC")
        .await?
        .summary(format!(
            "Kết quả tiếp nhận, giải quyết phản ánh, kiến nghị từ tháng {} đến tháng {}",
            l.period.from, l.period.to
        ))
        .body(body)
        .signature(unsigned("Người lập báo cáo"))
        .recipients(["Cấp trên trực tiếp", "Lưu: VT"]))
}

/// A table of feedback counts: one row per month or unit (`first` names the column), then
/// received, resolved and resolved on time.
pub(crate) fn counts_table(
    first: Column,
    rows: impl IntoIterator<Item = (String, [i64; 3])>,
) -> Block {
    let columns = ["Tiếp nhận", "Đã giải quyết", "Đúng hạn"].map(|h| col(h, 5, Align::Right));
    Block::table(
        std::iter::once(first).chain(columns).collect(),
        rows.into_iter()
            .map(|(name, counts)| {
                std::iter::once(name)
                    .chain(counts.map(|n| n.to_string()))
                    .collect()
            })
            .collect(),
    )
}
