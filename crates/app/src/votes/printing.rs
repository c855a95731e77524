//! The printable paper ballot of a household ballot: a Decree 30 "Phiếu lấy ý kiến" through
//! the document engine, one row per household of the frozen roll with boxes to tick and a
//! column for the representative's signature; the signed sheet is what the two paper entries
//! are typed from. Official documents are in Vietnamese whatever the page language.

use tuquan_domain::territory::Unit;
use tuquan_domain::VoteId;

use crate::documents::produce::{col, para, place_of, unit_issuer, unsigned};
use crate::documents::{Align, Block, Document, NationalTitle, Table};
use crate::{AppResult, Ctx};

/// The paper ballot sheet of ballot `id`. Authorized and audited as the roll (`roll`).
pub async fn ballot_sheet(ctx: &Ctx, id: VoteId) -> AppResult<(Unit, Document)> {
    let (v, rows) = super::roll(ctx, id).await?;
    let unit = crate::territory::unit(&ctx.app, &v.unit_code).await?;
    let n = rows.len();
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            vec![
                (i + 1).to_string(),
                h.address,
                h.representative_name,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    let doc = Document {
        issuer: unit_issuer(ctx, &unit).await?,
        national: NationalTitle::default(),
        number: None,
        symbol: "PLYK".into(),
        place: place_of(ctx, &unit).await?,
        date: ctx.today(),
        kind: "Phiếu lấy ý kiến hộ gia đình".into(),
        summary: Some(v.title.clone()),
        body: vec![
            para(format!(
                "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 (Điều 19), {} lấy ý kiến các hộ gia đình về nội dung: “{}”. Mỗi hộ gia đình cho một ý kiến, do chủ hộ hoặc người đại diện được hộ ủy quyền đánh dấu vào một ô và ký tên. Danh sách gồm {} hộ gia đình.",
                unit.name, v.title, n
            )),
            Block::Table(Table {
                columns: vec![
                    col("STT", 3, Align::Center),
                    col("Địa chỉ", 9, Align::Left),
                    col("Chủ hộ", 8, Align::Left),
                    col("Đồng ý", 4, Align::Center),
                    col("Không đồng ý", 4, Align::Center),
                    col("Ý kiến khác", 4, Align::Center),
                    col("Ký tên", 6, Align::Center),
                ],
                rows,
            }),
        ],
        signature: unsigned("Trưởng khu phố"),
        recipients: vec!["Lưu".into()],
    };
    Ok((unit, doc))
}
