//! The printable paper ballot of a household ballot: a Decree 30 "Phiếu lấy ý kiến" through
//! the document engine, one row per household of the frozen roll with boxes to tick and a
//! column for the representative's signature; the signed sheet is what the two paper entries
//! are typed from. Official documents are in Vietnamese whatever the page language.

use tuquan_domain::territory::Unit;
use tuquan_domain::VoteId;

use crate::documents::produce::unit_document;
use crate::documents::{col, para, unsigned, Align, Block, Document, Table};
use crate::{AppResult, Ctx};

/// The paper ballot sheet of ballot `id`. Authorized and audited as the roll (`roll`).
pub async fn ballot_sheet(ctx: &Ctx, id: VoteId) -> AppResult<(Unit, Document)> {
    let (v, rows) = super::roll(ctx, id).await?;
    let unit = crate::territory::unit(&ctx.app, &v.unit_code).await?;
    let n = rows.len();
    // Four boxes to fill by hand: agree, disagree, other, signature.
    let rows = rows.into_iter().map(|h| {
        let mut row = vec![h.address, h.representative_name];
        row.resize(6, String::new());
        row
    });
    let sheet = Table::numbered(
        vec![
            col("Địa chỉ", 9, Align::Left),
            col("Chủ hộ", 8, Align::Left),
            col("Đồng ý", 4, Align::Center),
            col("Không đồng ý", 4, Align::Center),
            col("Ý kiến khác", 4, Align::Center),
            col("Ký tên", 6, Align::Center),
        ],
        rows,
    );
    let doc = unit_document(ctx, &unit, "Phiếu lấy ý kiến hộ gia đình", "PLYK")
        .await?
        .summary(v.title.clone())
        .body([
            para(format!(
                "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 (Điều 19), {} lấy ý kiến các hộ gia đình về nội dung: “{}”. Mỗi hộ gia đình cho một ý kiến, do chủ hộ hoặc người đại diện được hộ ủy quyền đánh dấu vào một ô và ký tên. Danh sách gồm {} hộ gia đình.",
                unit.name, v.title, n
            )),
            Block::Table(sheet),
        ])
        .signature(unsigned("Trưởng khu phố"))
        .recipients(["Lưu"]);
    Ok((unit, doc))
}
