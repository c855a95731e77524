//! Charts: the figures drawn are the input's, the text is escaped, the markup is stable
//! (checked-in snapshots under `snapshots/`; `UPDATE_SNAPSHOTS=1` rewrites them).

use super::*;
use crate::i18n::Lang;

fn spec<'a>(id: &'a str, title: &'a str) -> ChartSpec<'a> {
    ChartSpec {
        id,
        title,
        desc: "Số liệu theo tháng của Phường Bến Thành",
        lang: Lang::Vi,
    }
}

fn months(n: usize) -> Vec<String> {
    (1..=n).map(|m| format!("T{m}")).collect()
}

/// Every `data-value="…"` in document order.
fn data_values(svg: &str) -> Vec<String> {
    svg.split("data-value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// Every visible value label (`<text class="value" …>label<`).
fn value_labels(svg: &str) -> Vec<String> {
    svg.split("<text class=\"value")
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').unwrap() + 1;
            rest[start..start + rest[start..].find('<').unwrap()].to_string()
        })
        .collect()
}

fn snapshot(name: &str, svg: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/charts/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "missing snapshot {name} under CI"
        );
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, svg).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        svg, expected,
        "snapshot {name} changed (UPDATE_SNAPSHOTS=1 to accept)"
    );
}

fn received_resolved() -> Vec<Series> {
    vec![
        Series {
            name: "Tiếp nhận".into(),
            values: vec![12, 30, 7, 0, 1234, 45],
        },
        Series {
            name: "Đã giải quyết".into(),
            values: vec![10, 28, 7, 0, 1200, 40],
        },
    ]
}

#[test]
fn grouped_bars_draw_exactly_the_input() {
    let series = received_resolved();
    let svg = grouped_bars(&spec("rr", "Tiếp nhận và giải quyết"), &months(6), &series);
    // Columns are drawn month by month, series by series.
    let expected: Vec<u32> = (0..6)
        .flat_map(|i| series.iter().map(move |s| s.values[i]))
        .collect();
    let drawn: Vec<u32> = data_values(&svg)
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(drawn, expected);
    let labels: Vec<u32> = value_labels(&svg)
        .iter()
        .map(|l| l.replace('.', "").parse().unwrap())
        .collect();
    assert_eq!(labels, expected);
    assert!(svg.contains(">1.234<"), "Vietnamese thousands separator");
    snapshot("grouped", &svg);
}

#[test]
fn rate_bars_draw_exactly_the_input() {
    let rates = [Some(87.5), Some(100.0), None, Some(0.0)];
    let svg = rate_bars(&spec("ot", "Tỷ lệ đúng hạn"), &months(4), &rates);
    let drawn: Vec<f64> = data_values(&svg)
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(drawn, vec![87.5, 100.0, 0.0]);
    assert_eq!(value_labels(&svg), vec!["87,5%", "100,0%", "–", "0,0%"]);
    snapshot("rate", &svg);
}

#[test]
fn breakdown_draws_exactly_the_input() {
    let items: Vec<(String, u32)> = vec![
        ("Khu phố 1".into(), 42),
        ("Khu phố 2".into(), 17),
        ("Tổ dân phố số 3 đường Nguyễn Thị Minh Khai".into(), 5),
    ];
    let svg = breakdown_bars(&spec("by-unit", "Theo đơn vị"), &items);
    let drawn: Vec<u32> = data_values(&svg)
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(drawn, vec![42, 17, 5]);
    let labels: Vec<String> = value_labels(&svg);
    assert_eq!(labels, vec!["42", "17", "5"]);
    assert!(svg.contains("Tổ dân phố số 3 đường Nguyễn Thị Minh Khai</title>"));
    snapshot("breakdown", &svg);
}

#[test]
fn charts_are_accessible_and_scale() {
    let svg = grouped_bars(&spec("a b\"c", "T"), &months(1), &received_resolved());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 360 "));
    assert!(svg.contains(r#"width="100%""#));
    assert!(svg.contains(r#"role="img" aria-labelledby="abc-title abc-desc""#));
    assert!(svg.contains(r#"<title id="abc-title">T</title>"#));
    assert!(svg.contains(r#"<desc id="abc-desc">"#));
    assert!(!svg.contains("<script"));
}

#[test]
fn text_is_escaped() {
    let hostile = "<script>alert('x')</script> & \"q\"";
    let items = vec![(hostile.to_string(), 3)];
    let svg = breakdown_bars(&spec("x", hostile), &items);
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    let series = vec![Series {
        name: hostile.into(),
        values: vec![1],
    }];
    let svg = grouped_bars(&spec("y", "t"), &[hostile.into()], &series);
    assert!(!svg.contains("<script>") && !svg.contains("'x'"));
}

#[test]
fn numbers_read_as_people_write_them() {
    assert_eq!(format_count(1234567, Lang::Vi), "1.234.567");
    assert_eq!(format_count(999, Lang::En), "999");
    assert_eq!(format_count(1000, Lang::En), "1,000");
    assert_eq!(format_rate(87.54, Lang::Vi), "87,5%");
    assert_eq!(nice_scale(1234.0), (1500.0, 500.0));
    assert_eq!(nice_scale(7.0), (8.0, 2.0));
    assert_eq!(nice_scale(0.0), (1.0, 1.0));
}
