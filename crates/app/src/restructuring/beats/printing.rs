//! The alignment report as an official document (PDF or DOCX through the document engine,
//! Decree 30 layout). Official documents are in Vietnamese whatever the page language.

use super::report::{alignment, AlignmentReport};
use super::vn;
use crate::documents::produce::unit_document;
use crate::documents::{col, para, unsigned, Align, Block, Document, Table};
use crate::{AppResult, Ctx};

/// A section's title in the document, by the finding's key.
fn title(key: &str) -> &'static str {
    match key {
        "without_beat" => "Đơn vị chưa thuộc địa bàn nào",
        "without_militia" => "Khu phố, ấp chưa có khu đội trưởng, ấp đội trưởng",
        "partial" => "Địa bàn chỉ có một phần của đơn vị",
        "overlaps" => "Đơn vị thuộc hai địa bàn cùng lúc",
        "crossing" => "Địa bàn vượt ra ngoài xã, phường",
        _ => "Đơn vị không còn tồn tại vẫn trong địa bàn",
    }
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
    for (n, (key, rows)) in r.findings().into_iter().enumerate() {
        body.push(Block::heading(format!(
            "{}. {} ({})",
            n + 1,
            title(key),
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
