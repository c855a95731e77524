//! The printable papers of a consultation through the document engine (Decree 30 layout,
//! Vietnamese whatever the page language): the comment form a household fills in by hand,
//! one box per article, and the summary of comments for the meeting.

use tuquan_domain::consultations::{ConsultationId, Kind};

use super::{article_label, get, summary};
use crate::documents::produce::unit_document;
use crate::documents::{col, para, unsigned, Align, Block, Document};
use crate::{AppResult, Ctx};

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::HuongUoc => "hương ước",
        Kind::QuyUoc => "quy ước",
        Kind::Plan => "kế hoạch, đề án",
    }
}

fn vn_date(s: &str) -> String {
    s.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| s.to_owned())
}

/// "Phiếu góp ý dự thảo": the household's name and address to write in, then one row per
/// article with boxes to tick (agree, disagree) and room to write the proposed change.
/// Whoever may read the consultation may print its form.
pub async fn paper_form_document(ctx: &Ctx, id: ConsultationId) -> AppResult<Document> {
    let d = get(ctx, id).await?;
    let c = &d.consultation;
    let unit = crate::territory::unit(&ctx.app, &c.unit_code).await?;
    let rows = d
        .articles
        .iter()
        .map(|a| {
            vec![
                article_label(a.number, &a.heading),
                String::new(),
                String::new(),
                "\n\n\n".into(),
            ]
        })
        .collect();
    Ok(unit_document(ctx, &unit, "Phiếu góp ý", "PGY")
        .await?
        .summary(format!("Dự thảo {} “{}”", kind_name(c.kind), c.title))
        .body([
            Block::KeyValues {
                items: vec![
                    ("Hộ gia đình (chủ hộ)".into(), "....................................................".into()),
                    ("Địa chỉ".into(), "....................................................".into()),
                ],
            },
            para(format!(
                "Dự thảo được niêm yết từ ngày {} đến ngày {}. Với mỗi điều, hộ gia đình đánh dấu X vào ô “Đồng ý” hoặc “Không đồng ý”, hoặc ghi rõ nội dung đề nghị sửa đổi. Nộp phiếu cho Trưởng {} trước ngày {}.",
                vn_date(&c.opens_on),
                vn_date(&c.closes_on),
                c.unit_name,
                vn_date(&c.closes_on)
            )),
            Block::table(
                vec![
                    col("Điều", 8, Align::Left),
                    col("Đồng ý", 3, Align::Center),
                    col("Không đồng ý", 3, Align::Center),
                    col("Đề nghị sửa đổi (ghi rõ)", 12, Align::Left),
                ],
                rows,
            ),
        ])
        .signature(unsigned("Đại diện hộ gia đình"))
        .recipients([format!("Trưởng {}", c.unit_name)]))
}

/// "Tổng hợp ý kiến góp ý dự thảo": per article the households agreeing, disagreeing and
/// proposing a change, then the proposals and objections as written, without who made them.
pub async fn summary_document(ctx: &Ctx, id: ConsultationId) -> AppResult<Document> {
    let s = summary(ctx, id).await?;
    let c = &s.consultation;
    let unit = crate::territory::unit(&ctx.app, &c.unit_code).await?;
    let rows = s
        .rows
        .iter()
        .map(|r| {
            vec![
                s.label(r.number),
                r.agree.to_string(),
                r.disagree.to_string(),
                r.propose.to_string(),
            ]
        })
        .collect();
    let mut body = vec![
        para(format!(
            "Dự thảo {} “{}” được niêm yết lấy ý kiến từ ngày {} đến ngày {}. Có {} hộ gia đình góp ý ({} hộ trực tuyến, {} hộ bằng phiếu giấy). Số liệu dưới đây đếm mỗi hộ một lần cho mỗi điều và mỗi loại ý kiến.",
            kind_name(c.kind),
            c.title,
            vn_date(&c.opens_on),
            vn_date(&c.closes_on),
            s.households,
            s.online,
            s.paper
        )),
        Block::table(
            vec![
                col("Điều", 10, Align::Left),
                col("Đồng ý", 3, Align::Center),
                col("Không đồng ý", 4, Align::Center),
                col("Đề nghị sửa đổi", 4, Align::Center),
            ],
            rows,
        ),
        Block::heading("Các đề nghị sửa đổi và ý kiến không đồng ý"),
    ];
    let mut any = false;
    for r in &s.rows {
        let mut lines: Vec<String> = r
            .proposals
            .iter()
            .map(|p| format!("Đề nghị: {p}"))
            .collect();
        lines.extend(r.objections.iter().map(|o| format!("Không đồng ý: {o}")));
        if lines.is_empty() {
            continue;
        }
        any = true;
        body.push(Block::article(s.label(r.number), lines.join("\n")));
    }
    if !any {
        body.push(para("Không có đề nghị sửa đổi."));
    }
    Ok(unit_document(ctx, &unit, "Báo cáo", "BC")
        .await?
        .summary(format!(
            "Tổng hợp ý kiến góp ý dự thảo {} “{}”",
            kind_name(c.kind),
            c.title
        ))
        .body(body)
        .signature(unsigned(&format!("Trưởng {}", c.unit_name)))
        .recipients(["Hội nghị cộng đồng dân cư", "Lưu"]))
}
