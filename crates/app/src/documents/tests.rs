//! The documents as a reader gets them: PDF text through poppler's `pdftotext` and `pdfinfo`,
//! DOCX and XLSX as zip packages.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::samples::{establishment_decision, household_list};
use super::stats_xlsx::{monthly_totals, statistics_xlsx, StatRow};
use super::{render_docx, render_pdf, Block, Document};
use crate::i18n::Lang;

const NAMES: [&str; 3] = ["Nguyễn Thị Đào", "Trần Văn Đức", "Phường Bến Thành"];
const MARKUP: [&str; 4] = [
    "#set page(width: 1cm)",
    "<w:p>",
    "]) #panic(\"x\") [",
    "$x^2$ *đậm* _nghiêng_",
];

/// The sample decision with markup-looking text in a table cell, a paragraph and the signer.
fn hostile_decision() -> Document {
    let mut doc = establishment_decision();
    for b in &mut doc.body {
        if let Block::Table(t) = b {
            t.rows.push(vec![
                "4".into(),
                MARKUP[0].into(),
                MARKUP[1].into(),
                MARKUP[2].into(),
            ]);
        }
    }
    doc.body.push(Block::Paragraph {
        text: MARKUP[3].into(),
    });
    doc
}

/// Whether a poppler tool is installed; if not, prints SKIPPED, and under CI a missing tool fails the test.
fn poppler(tool: &str) -> bool {
    if Command::new(tool).arg("-v").output().is_ok() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{tool} (poppler-utils) is required under CI");
    }
    println!("SKIPPED: {tool} not installed (apt-get install poppler-utils)");
    false
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tuquan-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pdf_text(path: &Path, page: u32) -> String {
    let out = Command::new("pdftotext")
        .args([
            "-layout",
            "-enc",
            "UTF-8",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

#[test]
fn pdf_holds_names_markup_a4_and_page_numbers() {
    let pdf = render_pdf(&hostile_decision()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if !poppler("pdftotext") || !poppler("pdfinfo") {
        return;
    }
    let path = temp_file("decision.pdf", &pdf);
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap();
    assert!(pages >= 2, "the sample must have a second page");

    let all: String = (1..=pages).map(|p| pdf_text(&path, p)).collect();
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for name in NAMES.iter().chain(&MARKUP) {
        assert!(
            flat.contains(name),
            "{name:?} missing from the PDF text:\n{all}"
        );
    }
    assert!(flat.contains("PHƯỜNG BẾN THÀNH"));
    assert!(flat.contains("Độc lập - Tự do - Hạnh phúc"));
    assert!(flat.contains("Số: 125/QĐ-UBND"));
    assert!(flat.contains("Phường Bến Thành, ngày 05 tháng 3 năm 2026"));
    assert!(flat.contains("Nơi nhận:"));

    let page1 = pdf_text(&path, 1);
    let page2 = pdf_text(&path, 2);
    assert!(
        first_line(&page1).starts_with("ỦY BAN NHÂN DÂN"),
        "no number on page 1"
    );
    assert_eq!(first_line(&page2), "2", "page 2 starts with its number");
    std::fs::remove_file(path).ok();
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_holds_names_margins_and_font() {
    let docx = render_docx(&hostile_decision()).unwrap();
    let doc = zip_entry(&docx, "word/document.xml");
    for name in NAMES {
        assert!(doc.contains(name), "{name} missing from document.xml");
    }
    assert!(doc.contains("#set page(width: 1cm)"));
    assert!(doc.contains("&lt;w:p&gt;"), "markup is escaped text");
    assert!(!doc.contains("<w:t xml:space=\"preserve\"><w:p>"));
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    for m in [
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="850""#,
    ] {
        assert!(doc.contains(m), "margin {m}");
    }
    assert!(doc.contains("<w:titlePg"), "a different first-page header");
    let styles = zip_entry(&docx, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    let headers: String = (1..=2)
        .map(|i| zip_entry(&docx, &format!("word/header{i}.xml")))
        .collect();
    assert!(headers.contains("PAGE"), "the page number field");
}

#[test]
fn household_list_renders_both_formats() {
    let doc = household_list(30);
    let pdf = render_pdf(&doc).unwrap();
    let docx = render_docx(&doc).unwrap();
    assert!(pdf.len() > 1000 && docx.len() > 1000);
    assert!(zip_entry(&docx, "word/document.xml").contains("079*******07"));
}

#[test]
fn chart_blocks_are_drawn_in_the_pdf() {
    let mut doc = household_list(2);
    let spec = crate::charts::ChartSpec {
        id: "t",
        title: "Tỷ lệ đúng hạn",
        desc: "Theo tháng",
        lang: Lang::Vi,
    };
    let svg = crate::charts::rate_bars(&spec, &["T1".into(), "T2".into()], &[Some(80.0), None]);
    doc.body.push(Block::Chart {
        caption: "Biểu đồ 1. Tỷ lệ đúng hạn".into(),
        svg,
    });
    let pdf = render_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(zip_entry(&render_docx(&doc).unwrap(), "word/document.xml").contains("Biểu đồ 1."));
}

fn stat(unit: &str, month: &str, received: u32, resolved: u32, on_time: u32) -> StatRow {
    StatRow {
        unit: unit.into(),
        category: "Vệ sinh môi trường".into(),
        month: month.into(),
        received,
        resolved,
        on_time,
    }
}

#[test]
fn statistics_workbook_has_data_and_a_native_chart() {
    use calamine::{Data, Reader, Xlsx};
    let rows = vec![
        stat("Khu phố 1", "2026-01", 12, 10, 9),
        stat("=HYPERLINK(\"x\")", "2026-01", 3, 3, 3),
        stat("Khu phố 2", "2026-02", 7, 5, 4),
    ];
    assert_eq!(
        monthly_totals(&rows),
        vec![("2026-01".into(), 15, 13, 12), ("2026-02".into(), 7, 5, 4)]
    );
    let bytes = statistics_xlsx(&rows, Lang::Vi).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let data = wb.worksheet_range("Số liệu").unwrap();
    assert_eq!(data.get((0, 0)), Some(&Data::String("Đơn vị".into())));
    assert_eq!(
        data.get((2, 0)),
        Some(&Data::String("=HYPERLINK(\"x\")".into()))
    );
    assert_eq!(data.get((1, 3)), Some(&Data::Float(12.0)));
    let months = wb.worksheet_range("Theo tháng").unwrap();
    assert_eq!(months.get((1, 1)), Some(&Data::Float(15.0)));
    let chart = zip_entry(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barChart>") && chart.contains("'Theo tháng'!$B$2:$B$3"));
}

/// Writes the sample documents for a look (`pdftoppm -png -r 60`): run with
/// `TUQUAN_SAMPLES_DIR=/tmp/x cargo test -p tuquan-app write_samples -- --ignored`.
#[test]
#[ignore]
fn write_samples() {
    let dir = std::env::var("TUQUAN_SAMPLES_DIR").unwrap_or_else(|_| "/tmp/tuquan-samples".into());
    std::fs::create_dir_all(&dir).unwrap();
    let dir = Path::new(&dir);
    let decision = establishment_decision();
    std::fs::write(dir.join("decision.pdf"), render_pdf(&decision).unwrap()).unwrap();
    std::fs::write(dir.join("decision.docx"), render_docx(&decision).unwrap()).unwrap();
    let report = super::samples::feedback_report();
    std::fs::write(dir.join("report.pdf"), render_pdf(&report).unwrap()).unwrap();
    std::fs::write(dir.join("report.docx"), render_docx(&report).unwrap()).unwrap();
    let list = household_list(400);
    std::fs::write(dir.join("households.pdf"), render_pdf(&list).unwrap()).unwrap();
    std::fs::write(dir.join("households.docx"), render_docx(&list).unwrap()).unwrap();
    let t = super::bench_household_list(400).unwrap();
    println!("bench 400 households: {t:?}");
}
