//! The period of the statistics page as month and year selects in the page's language
//! (a browser shows `<input type=month>` in its own language, not the page's). The form
//! sends `from_month`/`from_year` and `to_month`/`to_year`; links and the API keep the
//! `from`/`to` parameters (`YYYY-MM`), which the page still reads.

use serde::Deserialize;
use tuquan_app::stats::StatsQuery;

use crate::i18n::Lang;

/// The page's query: the API's parameters, or the selects of the form.
#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    from_month: Option<String>,
    from_year: Option<String>,
    to_month: Option<String>,
    to_year: Option<String>,
}

/// `YYYY-MM` from a year and a month select, when both are given.
fn join(year: &Option<String>, month: &Option<String>) -> Option<String> {
    let y = year.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let m = month.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    Some(format!("{y}-{m:0>2}"))
}

impl PeriodQuery {
    /// The statistics query: the selects win over `from`/`to`.
    pub fn into_query(self) -> StatsQuery {
        StatsQuery {
            from: join(&self.from_year, &self.from_month).or(self.from),
            to: join(&self.to_year, &self.to_month).or(self.to),
            category: self.category,
        }
    }
}

/// The current year in Vietnam.
pub fn this_year(now: jiff::Timestamp) -> i16 {
    now.to_zoned(tuquan_domain::time::vietnam()).year()
}

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The month and year selects of one end of the period.
pub struct MonthPick {
    /// The ids (and names) of the selects: `{end}_month`, `{end}_year`.
    pub month_id: String,
    pub year_id: String,
    /// The label of the end: "Từ tháng" or "Đến tháng".
    pub label: &'static str,
    pub months: Vec<Opt>,
    pub years: Vec<Opt>,
}

/// The selects showing `value` (`YYYY-MM`; anything else shows `fallback`), with the
/// years from ten before `this_year` to it (and the shown one, if outside).
pub fn pick(lang: Lang, end: &str, value: &str, fallback: (i16, i8), this_year: i16) -> MonthPick {
    let (y, m) = value
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i16>().ok()?, m.parse::<i8>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m))
        .unwrap_or(fallback);
    let months = (1..=12)
        .map(|n: i8| Opt {
            value: format!("{n:02}"),
            label: lang.t(&format!("month.{n}")).to_owned(),
            selected: n == m,
        })
        .collect();
    let first = (this_year - 10).min(y);
    let last = this_year.max(y);
    let years = (first..=last)
        .rev()
        .map(|n| Opt {
            value: n.to_string(),
            label: n.to_string(),
            selected: n == y,
        })
        .collect();
    MonthPick {
        month_id: format!("{end}_month"),
        year_id: format!("{end}_year"),
        label: lang.t(&format!("stats_field_{end}")),
        months,
        years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selects_make_the_same_parameters() {
        let q = PeriodQuery {
            from_month: Some("3".into()),
            from_year: Some("2025".into()),
            to: Some("2025-06".into()),
            ..Default::default()
        };
        let q = q.into_query();
        assert_eq!(q.from.as_deref(), Some("2025-03"));
        assert_eq!(q.to.as_deref(), Some("2025-06"));
    }

    #[test]
    fn the_shown_month_is_selected() {
        let p = pick(Lang::Vi, "from", "2019-11", (2026, 1), 2026);
        assert!(p.months.iter().any(|o| o.selected && o.value == "11"));
        assert_eq!(p.years.last().unwrap().value, "2016");
        assert!(p.years.iter().any(|o| o.selected && o.value == "2019"));
        let p = pick(Lang::Vi, "to", "nonsense", (2026, 1), 2026);
        assert!(p.months.iter().any(|o| o.selected && o.value == "01"));
    }
}
