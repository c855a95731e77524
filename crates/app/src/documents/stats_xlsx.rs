//! Statistics as an XLSX workbook with a native Excel chart: a data sheet (one row per unit,
//! category and month) and a monthly sheet with a column chart of received and resolved.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, XlsxError};

use crate::i18n::Lang;

/// One row of the statistics roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub unit: String,
    pub category: String,
    /// "2026-03": sorts as text in calendar order.
    pub month: String,
    pub received: u32,
    pub resolved: u32,
    /// Resolved within the deadline.
    pub on_time: u32,
}

/// Month totals over every unit and category, in month order.
pub fn monthly_totals(rows: &[StatRow]) -> Vec<(String, u32, u32, u32)> {
    let mut months: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
    for r in rows {
        let m = months.entry(&r.month).or_default();
        m.0 += r.received;
        m.1 += r.resolved;
        m.2 += r.on_time;
    }
    months
        .into_iter()
        .map(|(k, (a, b, c))| (k.to_string(), a, b, c))
        .collect()
}

/// The workbook's bytes. Sheet and column names in `lang`; strings are cell values (never
/// formulas), so a unit named "=HYPERLINK(...)" stays text.
pub fn statistics_xlsx(rows: &[StatRow], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let data_headers = [
        "stats.xlsx.unit",
        "stats.xlsx.category",
        "stats.xlsx.month",
        "stats.xlsx.received",
        "stats.xlsx.resolved",
        "stats.xlsx.on_time",
    ];
    let data = wb.add_worksheet();
    data.set_name(lang.t("stats.xlsx.sheet_data"))?;
    for (c, key) in data_headers.iter().enumerate() {
        data.write_string_with_format(0, c as u16, lang.t(key), &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        data.write_string(row, 0, &r.unit)?;
        data.write_string(row, 1, &r.category)?;
        data.write_string(row, 2, &r.month)?;
        data.write_number(row, 3, r.received)?;
        data.write_number(row, 4, r.resolved)?;
        data.write_number(row, 5, r.on_time)?;
    }
    data.set_column_width(0, 28)?;
    data.set_column_width(1, 22)?;
    data.set_freeze_panes(1, 0)?;

    let totals = monthly_totals(rows);
    let sheet = lang.t("stats.xlsx.sheet_months");
    let months = wb.add_worksheet();
    months.set_name(sheet)?;
    let month_headers = [
        "stats.xlsx.month",
        "stats.xlsx.received",
        "stats.xlsx.resolved",
        "stats.xlsx.on_time",
    ];
    for (c, key) in month_headers.iter().enumerate() {
        months.write_string_with_format(0, c as u16, lang.t(key), &bold)?;
    }
    for (i, (m, rec, res, ot)) in totals.iter().enumerate() {
        let row = i as u32 + 1;
        months.write_string(row, 0, m)?;
        months.write_number(row, 1, *rec)?;
        months.write_number(row, 2, *res)?;
        months.write_number(row, 3, *ot)?;
    }
    if !totals.is_empty() {
        let last = totals.len() as u32;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(lang.t("chart.received_resolved.title"));
        for col in [1u16, 2] {
            chart
                .add_series()
                .set_name((sheet, 0, col))
                .set_categories((sheet, 1, 0, last, 0))
                .set_values((sheet, 1, col, last, col));
        }
        chart.set_width(640).set_height(320);
        months.insert_chart(1, 5, &chart)?;
    }
    wb.save_to_buffer()
}
