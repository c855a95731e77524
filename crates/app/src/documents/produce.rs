//! The documents the product produces from stored data: each use case authorizes the reader
//! with the action that guards the data, audits a read of personal data, and returns a
//! [`Document`] for the adapter to render (in `spawn_blocking`). Official documents are in
//! Vietnamese whatever the page language, as the decree requires.

use std::collections::HashMap;

use tuquan_domain::access::Action;
use tuquan_domain::territory::Unit;
use tuquan_store::households::HouseholdQuery;
use tuquan_store::residents::ResidentQuery;

use super::model::{Align, Block, Document, Issuer, Table};
use crate::people::{HouseholdRecord, ResidentRecord};
use crate::{AppError, AppResult, Ctx};

pub use super::decision::group_decision;
pub use super::report::{feedback_report, monthly_stats, stat_rows, stats_charts, MonthlyStats};

/// Rows read per query.
const PAGE: i64 = 1000;

pub(crate) use super::model::{col, para, unsigned};

/// The issuer of a unit's documents: the unit under its parent.
pub(crate) async fn unit_issuer(ctx: &Ctx, unit: &Unit) -> AppResult<Issuer> {
    let ancestors = ctx.store().ancestors(unit).await?;
    Ok(Issuer {
        parent: ancestors.last().map(|a| a.unit.name.clone()),
        name: unit.name.clone(),
    })
}

/// The commune (or the unit itself above it) where a unit's documents are issued.
pub(crate) async fn place_of(ctx: &Ctx, unit: &Unit) -> AppResult<String> {
    if unit.level <= 2 {
        return Ok(unit.name.clone());
    }
    let ancestors = ctx.store().ancestors(unit).await?;
    Ok(ancestors
        .iter()
        .find(|a| a.unit.level == 2)
        .map_or_else(|| unit.name.clone(), |a| a.unit.name.clone()))
}

/// A document of `kind` (`symbol`) issued by `unit` (under its parent) at its commune,
/// dated today, its number left to write by hand: the head of every unit's paper.
pub(crate) async fn unit_document(
    ctx: &Ctx,
    unit: &Unit,
    kind: &str,
    symbol: &str,
) -> AppResult<Document> {
    let issuer = unit_issuer(ctx, unit).await?;
    let place = place_of(ctx, unit).await?;
    Ok(Document::new(kind, symbol, issuer, place, ctx.today()))
}

/// A file name safe in any header: ASCII letters, digits and `-`.
pub fn file_name(parts: &[&str], ext: &str) -> String {
    let mut out = String::new();
    for p in parts {
        for c in tuquan_domain::text::fold(p).chars() {
            let c = if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            };
            if c != '-' || !(out.is_empty() || out.ends_with('-')) {
                out.push(c);
            }
        }
        if !out.ends_with('-') {
            out.push('-');
        }
    }
    format!("{}.{ext}", out.trim_end_matches('-'))
}

async fn all_households(ctx: &Ctx, unit: &Unit) -> AppResult<Vec<HouseholdRecord>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = ctx
            .store()
            .households_in(unit, &HouseholdQuery::default(), after, PAGE)
            .await?;
        after = page.last().map(|h| h.cursor());
        let done = (page.len() as i64) < PAGE;
        out.extend(page);
        if done {
            return Ok(out);
        }
    }
}

async fn all_residents(
    ctx: &Ctx,
    unit: &Unit,
) -> AppResult<HashMap<tuquan_domain::ResidentId, ResidentRecord>> {
    let mut out = HashMap::new();
    let mut after = None;
    loop {
        let page = ctx
            .store()
            .residents_in(unit, &ResidentQuery::default(), after, PAGE)
            .await?;
        after = page.last().map(|r| r.cursor());
        let done = (page.len() as i64) < PAGE;
        out.extend(page.into_iter().map(|r| (r.id, r)));
        if done {
            return Ok(out);
        }
    }
}

/// "Danh sách hộ gia đình" of a unit and below: one row per current household with its
/// representative, the representative's masked identity number and the member count. For
/// those who may view the unit's households; the read is audited.
pub async fn household_list(ctx: &Ctx, code: &str) -> AppResult<(Unit, Document)> {
    let unit = crate::people::people_unit(ctx, Action::HouseholdView, code).await?;
    let households = all_households(ctx, &unit).await?;
    let residents = all_residents(ctx, &unit).await?;
    ctx.audit_read(
        "household.list_printed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    let rows = households.iter().map(|h| {
        // Masked by the store; never the full number.
        let cccd = h
            .representative_id
            .and_then(|id| residents.get(&id))
            .and_then(|r| r.cccd_masked.clone())
            .unwrap_or_default();
        vec![
            h.address.clone(),
            h.representative_name.clone(),
            cccd,
            h.member_count.to_string(),
        ]
    });
    let intro = format!(
        "Danh sách gồm {} hộ gia đình đang cư trú trên địa bàn {}; số định danh cá nhân của chủ hộ được che một phần theo quy định về bảo vệ dữ liệu cá nhân.",
        households.len(),
        unit.name
    );
    let table = Table::numbered(
        vec![
            col("Địa chỉ", 11, Align::Left),
            col("Chủ hộ", 10, Align::Left),
            col("Số định danh", 7, Align::Center),
            col("Số thành viên", 5, Align::Center),
        ],
        rows,
    );
    let summary = format!("Hộ gia đình {}", unit.name);
    let doc = unit_list(ctx, &unit, summary, intro, table).await?;
    Ok((unit, doc))
}

/// The signed-in resident's own data as a document (the same record as the JSON export,
/// read through it, so the read is audited the same way).
pub async fn my_data(ctx: &Ctx) -> AppResult<Document> {
    let json = crate::people::my_data(ctx).await?;
    let r = crate::people::own_resident(ctx).await?;
    let unit = crate::territory::unit(&ctx.app, &r.unit_code).await?;
    let who = ctx.who()?;
    let mut items = vec![
        ("Họ và tên".to_owned(), r.full_name.clone()),
        ("Ngày sinh".to_owned(), r.birth_date.clone()),
        (
            "Số định danh".to_owned(),
            r.cccd_masked.clone().unwrap_or_default(),
        ),
        ("Điện thoại".to_owned(), r.phone.clone().unwrap_or_default()),
        ("Nơi cư trú".to_owned(), unit.name.clone()),
        ("Tài khoản".to_owned(), who.user.username.clone()),
    ];
    if let Some(at) = json.get("exported_at").and_then(|v| v.as_str()) {
        items.push(("Thời điểm trích xuất".to_owned(), at.to_owned()));
    }
    let data = serde_json::to_string_pretty(json.get("data").unwrap_or(&json))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(unit_document(ctx, &unit, "Phiếu thông tin", "TTCN")
        .await?
        .summary("Dữ liệu cá nhân được lưu giữ về người yêu cầu")
        .body([
            Block::KeyValues { items },
            Block::heading("Toàn bộ dữ liệu"),
            para(data),
        ])
        .signature(unsigned("Người yêu cầu"))
        .recipients(["Người yêu cầu"]))
}

/// A unit's Decree 30 "Danh sách": the unit as issuer, today's date, an opening paragraph,
/// one table, and the unsigned "Người lập danh sách" to sign (a meeting's sign-in sheet sets
/// its secretary instead). The one layout behind every printed list (households,
/// announcements not yet received, action items, sign-in sheets).
pub(crate) async fn unit_list(
    ctx: &Ctx,
    unit: &Unit,
    summary: String,
    intro: String,
    table: Table,
) -> AppResult<Document> {
    Ok(unit_document(ctx, unit, "Danh sách", "DS")
        .await?
        .summary(summary)
        .body([para(intro), Block::Table(table)])
        .signature(unsigned("Người lập danh sách"))
        .recipients(["Lưu"]))
}
