//! The printable "who owes what" of a unit: a Decree 30 "Danh sách" through the document
//! engine (PDF and DOCX), in the order of the page. Official documents are in Vietnamese
//! whatever the page language.

use tuquan_domain::territory::Unit;

use super::meetings::{owner_label, vn_date};
use super::{ItemPage, ListQuery};
use crate::documents::produce::unit_list;
use crate::documents::{col, Align, Document, Table};
use crate::{AppResult, Ctx};

/// Rows printed at most (the list's first pages); the page says how many more there are.
const MAX_PAGES: i64 = 20;

fn status_vi(s: tuquan_domain::action_items::ItemStatus) -> &'static str {
    use tuquan_domain::action_items::ItemStatus::*;
    match s {
        Open => "Chưa thực hiện",
        InProgress => "Đang thực hiện",
        Done => "Đã hoàn thành",
        Cancelled => "Đã hủy",
    }
}

/// The list with the same filters as the page, as a document.
pub async fn list_document(
    ctx: &Ctx,
    unit_code: &str,
    q: &ListQuery,
) -> AppResult<(Unit, Document)> {
    let mut rows = Vec::new();
    let mut overdue = 0;
    let mut unit = None;
    for page in 1..=MAX_PAGES {
        let p: ItemPage = super::list(
            ctx,
            unit_code,
            &ListQuery {
                page: Some(page),
                ..q.clone()
            },
        )
        .await?;
        for i in &p.items {
            let late = p.overdue(i);
            overdue += usize::from(late);
            rows.push(vec![
                owner_label(i),
                i.title.clone(),
                vn_date(&i.due_on),
                if late {
                    format!("{} (quá hạn)", status_vi(i.status))
                } else {
                    status_vi(i.status).to_owned()
                },
                i.resolution.clone().unwrap_or_default(),
            ]);
        }
        let more = p.more;
        unit = Some(p.unit);
        if !more {
            break;
        }
    }
    let unit = unit.expect("at least one page");
    let summary = format!("Phân công thực hiện nhiệm vụ của {}", unit.name);
    let intro = format!(
        "Danh sách việc được giao trên địa bàn {} theo người phụ trách (rõ người, rõ việc): {} việc, trong đó {} việc quá hạn.",
        unit.name,
        rows.len(),
        overdue
    );
    let table = Table::numbered(
        vec![
            col("Người phụ trách", 9, Align::Left),
            col("Nội dung công việc", 12, Align::Left),
            col("Thời hạn", 5, Align::Center),
            col("Tình trạng", 6, Align::Center),
            col("Theo nghị quyết", 7, Align::Left),
        ],
        rows,
    );
    let doc = unit_list(ctx, &unit, summary, intro, table).await?;
    Ok((unit, doc))
}
