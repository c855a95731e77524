//! The printable list of the households a unit's subtree has not reached yet, for
//! door-to-door visits: a Decree 30 "Danh sách" through the document engine (PDF and DOCX).
//! Official documents are in Vietnamese whatever the page language.

use tuquan_domain::territory::Unit;

use crate::documents::produce::unit_list;
use crate::documents::{col, Align, Document, Table};
use crate::{AppResult, Ctx};

/// The households of `unit_code`'s subtree that have not acknowledged the current version,
/// as a document with a blank column to tick at each visit. Authorized and audited as the
/// list on screen (`not_reached`).
pub async fn not_reached_document(
    ctx: &Ctx,
    id: tuquan_domain::announcements::AnnouncementId,
    unit_code: &str,
) -> AppResult<(Unit, Document)> {
    let (a, rows) = super::not_reached(ctx, id, unit_code).await?;
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let n = rows.len();
    // The last column is left blank for the visit.
    let rows = rows.into_iter().map(|h| {
        let phone = h.phone.unwrap_or_default();
        vec![
            h.unit_name,
            h.address,
            h.representative_name,
            phone,
            String::new(),
        ]
    });
    let intro = format!(
        "Thông báo “{}” (phiên bản {}) của {}: {} hộ gia đình trên địa bàn {} chưa xác nhận đã nhận. Người đi thông báo ghi ngày và cách báo (trực tiếp, qua điện thoại…) vào cột cuối.",
        a.title, a.version, a.unit_name, n, unit.name
    );
    let table = Table::numbered(
        vec![
            col("Đơn vị", 6, Align::Left),
            col("Địa chỉ", 9, Align::Left),
            col("Chủ hộ", 9, Align::Left),
            col("Điện thoại", 6, Align::Center),
            col("Đã báo", 5, Align::Center),
        ],
        rows,
    );
    let summary = format!("Hộ gia đình chưa nhận thông báo “{}”", a.title);
    let doc = unit_list(ctx, &unit, summary, intro, table).await?;
    Ok((unit, doc))
}
