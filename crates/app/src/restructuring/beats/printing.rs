//! The alignment report as an official document (PDF or DOCX through the document engine,
//! Decree 30 layout). Official documents are in Vietnamese whatever the page language.

use tuquan_domain::restructuring::beats::Alignment;

use super::report::{alignment, AlignmentReport};
use crate::documents::produce::unit_document;
use crate::documents::{col, para, unsigned, Align, Block, Document, Table};
use crate::{AppResult, Ctx};

fn vn(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// One section of the report: its title and its lines (unit, detail).
fn sections(r: &AlignmentReport) -> Vec<(&'static str, Vec<(String, String)>)> {
    let a: &Alignment = &r.alignment;
    let unit = |c: &str| format!("{} ({c})", r.unit_name(c));
    let beats = |ids: &[i64]| {
        ids.iter()
            .map(|b| r.beat_name(*b))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let plain = |codes: &[String]| codes.iter().map(|c| (unit(c), String::new())).collect();
    vec![
        ("Đơn vị chưa thuộc địa bàn nào", plain(&a.without_beat)),
        (
            "Khu phố, ấp chưa có khu đội trưởng, ấp đội trưởng",
            plain(&a.without_militia),
        ),
        (
            "Địa bàn chỉ có một phần của đơn vị",
            a.partial
                .iter()
                .map(|p| (unit(&p.unit_code), r.beat_name(p.beat_id)))
                .collect(),
        ),
        (
            "Đơn vị thuộc hai địa bàn cùng lúc",
            a.overlaps
                .iter()
                .map(|o| (unit(&o.unit_code), beats(&o.beat_ids)))
                .collect(),
        ),
        (
            "Địa bàn vượt ra ngoài xã, phường",
            a.crossing
                .iter()
                .map(|c| (unit(&c.unit_code), r.beat_name(c.beat_id)))
                .collect(),
        ),
        (
            "Đơn vị không còn tồn tại vẫn trong địa bàn",
            a.stale
                .iter()
                .map(|s| (unit(&s.unit_code), r.beat_name(s.beat_id)))
                .collect(),
        ),
    ]
}

/// The alignment of the commune `code` on `on` (default today) as a "Báo cáo" for those who
/// may see its beats.
pub async fn alignment_document(
    ctx: &Ctx,
    code: &str,
    on: Option<&str>,
) -> AppResult<(AlignmentReport, Document)> {
    let r = alignment(ctx, code, on).await?;
    let commune = &r.commune;
    let mut body = vec![para(format!(
        "Rà soát ngày {} các đơn vị dân cư của {} với địa bàn của cảnh sát khu vực và khu đội \
         trưởng, ấp đội trưởng: {} đơn vị, {} địa bàn.",
        vn(r.day),
        commune.name,
        r.units,
        r.beats
    ))];
    if r.alignment.is_clean() {
        body.push(para(
            "Kết quả: địa bàn và chỉ huy quân sự khớp với các đơn vị; không có gì cần xử lý.",
        ));
    } else {
        body.push(para(format!(
            "Kết quả: {} điểm cần xử lý, liệt kê dưới đây.",
            r.alignment.count()
        )));
    }
    for (n, (title, rows)) in sections(&r).into_iter().enumerate() {
        body.push(Block::heading(format!(
            "{}. {title} ({})",
            n + 1,
            rows.len()
        )));
        if rows.is_empty() {
            body.push(para("Không có."));
            continue;
        }
        let columns = vec![
            col("Đơn vị", 14, Align::Left),
            col("Địa bàn", 12, Align::Left),
        ];
        let rows = rows.into_iter().map(|(u, d)| vec![u, d]);
        body.push(Block::Table(Table::numbered(columns, rows)));
    }
    let doc = unit_document(ctx, commune, "Báo cáo", "BC")
        .await?
        .summary(format!(
            "Rà soát địa bàn cảnh sát khu vực và chỉ huy quân sự ngày {}",
            vn(r.day)
        ))
        .body(body)
        .signature(unsigned("Người lập báo cáo"))
        .recipients(["Công an xã, phường", "Lưu"]);
    Ok((r, doc))
}
