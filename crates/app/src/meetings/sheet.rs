//! The printable sign-in sheet and the minutes, through the document engine (Decree 30
//! layout, PDF and DOCX). Official documents are in Vietnamese whatever the page language.

use tuquan_domain::meetings::{MinutesStatus, ResolutionInput};
use tuquan_domain::MeetingId;

use super::invitation::vn_date;
use super::{load_to_manage, load_to_view, MeetingRecord};
use crate::documents::produce::{unit_document, unit_list};
use crate::documents::{col, para, unsigned, Align, Block, Document, Table};
use crate::{AppError, AppResult, Ctx};

fn when(m: &MeetingRecord) -> String {
    format!("{} ngày {}", m.meeting_time, vn_date(&m.meeting_date))
}

/// The sign-in sheet: one row per household (or member) of the frozen roll, in Vietnamese
/// order, with its short code and a column to sign. Freezes the roll if needed; the read of
/// names and addresses is audited.
pub async fn sign_in_sheet(ctx: &Ctx, id: MeetingId) -> AppResult<(MeetingRecord, Document)> {
    let mut m = load_to_manage(ctx, id).await?;
    super::attendance::ensure_roll(ctx, &m).await?;
    m = ctx.store().meeting(id).await?;
    let unit = crate::territory::unit(&ctx.app, &m.unit_code).await?;
    let roll = ctx.store().meeting_roll(id, None).await?;
    ctx.audit_read(
        "meeting.sheet_printed",
        "meeting",
        id.to_string(),
        &m.unit_path,
    )
    .await?;
    let by_household = m.kind.by_household();
    let n = roll.len();
    let rows = roll
        .into_iter()
        .map(|r| {
            vec![
                r.row_no.to_string(),
                r.code,
                r.name,
                r.address,
                String::new(),
                String::new(),
            ]
        })
        .collect();
    let (who, whom) = if by_household {
        ("Chủ hộ", "hộ gia đình")
    } else {
        ("Họ và tên", "thành viên")
    };
    let intro = format!(
        "Cuộc họp “{}”, {} tại {}. Danh sách gồm {n} {whom}. Người dự họp ghi họ tên (nếu không phải {}) và ký vào dòng của {whom}; người được ủy quyền nộp giấy ủy quyền.",
        m.title,
        when(&m),
        m.place,
        if by_household { "chủ hộ" } else { "người có tên" },
    );
    // Numbered by the frozen roll's own row numbers, which the entry screen uses.
    let columns = vec![
        col("STT", 3, Align::Center),
        col("Mã", 3, Align::Center),
        col(who, 9, Align::Left),
        col("Địa chỉ", 9, Align::Left),
        col("Người dự họp", 7, Align::Left),
        col("Ký tên", 5, Align::Center),
    ];
    let summary = format!("Ký tên dự họp: {}", m.title);
    let table = Table { columns, rows };
    let doc = unit_list(ctx, &unit, summary, intro, table)
        .await?
        .signature(unsigned("Thư ký cuộc họp"));
    Ok((m, doc))
}

fn count(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), |n| n.to_string())
}

/// The minutes of one version (the latest when `version` is `None`) as a Decree 30 "Biên
/// bản".
pub async fn minutes_document(
    ctx: &Ctx,
    id: MeetingId,
    version: Option<i64>,
) -> AppResult<(MeetingRecord, i64, Document)> {
    let m = load_to_view(ctx, id).await?;
    let view = super::minutes(ctx, id).await?;
    let v = match version {
        Some(n) => view.version(n),
        None => view.latest(),
    }
    .ok_or(AppError::NotFound)?;
    let unit = crate::territory::unit(&ctx.app, &m.unit_code).await?;
    let c = &v.content;
    let total = u32::try_from(m.roll_size.unwrap_or(0)).unwrap_or(0);
    let q = super::attendance::quorum(ctx, &m, total).await?;
    let mut body = vec![
        para(format!("Thời gian: {}. Địa điểm: {}.", when(&m), m.place)),
        para(format!(
            "Chủ trì: {}. Thư ký: {}.",
            m.chair_name.as_deref().unwrap_or("…"),
            m.secretary_name.as_deref().unwrap_or("…")
        )),
        para(if q.by_household {
            format!(
                "Số hộ gia đình dự họp: {}/{} hộ ({} hơn {}% số hộ).",
                q.present,
                q.total,
                if q.met { "đạt" } else { "không đạt" },
                q.pct
            )
        } else {
            format!("Số thành viên dự họp: {}/{}.", q.present, q.total)
        }),
    ];
    if !c.opening.is_empty() {
        body.push(para(c.opening.clone()));
    }
    for (i, a) in view.agenda.iter().enumerate() {
        body.push(Block::heading(format!("{}. {}", a.position, a.title)));
        let said = c.discussion.get(i).filter(|s| !s.is_empty());
        for line in said.map_or("…", String::as_str).lines() {
            body.push(para(line.to_owned()));
        }
    }
    if !c.resolutions.is_empty() {
        body.push(Block::heading("Các nội dung đã thống nhất"));
        let votes = |r: &ResolutionInput| {
            let counts = [r.votes_for, r.votes_against, r.votes_abstain].map(count);
            std::iter::once(r.text.clone()).chain(counts).collect()
        };
        let mut table = Table::numbered(
            vec![
                col("Nội dung", 14, Align::Left),
                col("Tán thành", 3, Align::Center),
                col("Không tán thành", 3, Align::Center),
                col("Không ý kiến", 3, Align::Center),
            ],
            c.resolutions.iter().map(votes),
        );
        // A narrower number column leaves the resolution's text more room.
        table.columns[0].width = 2;
        body.push(Block::Table(table));
    }
    if !c.closing.is_empty() {
        body.push(para(c.closing.clone()));
    }
    if let Some(reason) = &v.record.reason {
        body.push(para(format!(
            "Bản đính chính lần {} (thay thế phiên bản {}). Lý do: {reason}",
            v.record.version - 1,
            v.record.version - 1
        )));
    }
    if v.record.status == MinutesStatus::Draft {
        body.push(para("(Dự thảo, chưa hoàn tất.)"));
    }
    let mut signature = unsigned("Chủ trì cuộc họp");
    signature.signer = m.chair_name.clone().unwrap_or_default();
    let mut doc = unit_document(ctx, &unit, "Biên bản", "BB")
        .await?
        .summary(m.title.clone())
        .body(body)
        .signature(signature)
        .recipients(["Ủy ban nhân dân xã/phường", "Lưu"]);
    // Minutes are dated the day of the meeting.
    doc.date = m.meeting_date.parse().unwrap_or_else(|_| ctx.today());
    Ok((m, v.record.version, doc))
}
