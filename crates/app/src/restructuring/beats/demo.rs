//! The demo's beats: the ward's twelve khu phố in four beats of three, the first one the
//! demo area police officer's (so his grants follow it, with Khu phố 1), a militia head in
//! every khu phố, and (with the feedback demo) two residents' concerns about the
//! rearrangement in the feedback category of its own. The three khu phố the demo scheme
//! merges (the three smallest but Khu phố 1, as `schemes::demo` chooses them) share a beat,
//! so that after the scheme is applied, carrying the beats and militia heads leaves a clean
//! report (issue 16, "Done means"). Done through the use cases, as the ward's official.

use tuquan_domain::feedback::NewFeedbackInput;
use tuquan_domain::restructuring::beats::{BeatInput, MilitiaInput};

use crate::access::{authenticated, Authenticated};
use crate::{App, AppError, AppResult, Ctx, RequestMeta};

const OFFICERS: [(&str, &str); 4] = [
    ("csrkv.kp01", ""),
    ("", "Trương Văn Hải"),
    ("", "Lâm Quốc Việt"),
    ("", "Đỗ Minh Khang"),
];

const MILITIA: [&str; 12] = [
    "Phan Văn Lộc",
    "Vũ Đức Tài",
    "Lý Thanh Phong",
    "Tạ Minh Nhật",
    "Châu Văn Tín",
    "Mai Xuân Hòa",
    "Kiều Văn Sang",
    "Thái Bảo Long",
    "Lưu Công Danh",
    "Đoàn Văn Trí",
    "Tôn Thất Hưng",
    "Quách Văn Nam",
];

const CONCERNS: [(&str, &str); 2] = [
    (
        "kp02",
        "Nghe nói khu phố 2 sẽ nhập với khu phố 3, xin cho biết tên mới và địa chỉ trên giấy tờ có phải đổi không?",
    ),
    (
        "kp05",
        "Đề nghị giữ tên khu phố 5 khi chia tách vì bà con đã quen gọi, và họp dân trước khi quyết định.",
    ),
];

async fn as_user(app: &App, username: &str) -> AppResult<Ctx> {
    let user = app
        .store()
        .user_by_username(username)
        .await?
        .ok_or(AppError::NotFound)?;
    let who: Authenticated = authenticated(app, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meta = RequestMeta {
        request_id: Some("demo-seed".into()),
        ..RequestMeta::default()
    };
    Ok(app.ctx(Some(who), meta))
}

/// The ward's twelve khu phố in four groups of three: Khu phố 1 first (the demo officer's
/// beat), the three smallest others (most households last; ties by code) together.
async fn groups_of_three(app: &App, commune: &str) -> AppResult<Vec<Vec<String>>> {
    let mut sized = Vec::new();
    for k in 1..=12 {
        let code = format!("{commune}-kp{k:02}");
        let unit = crate::territory::unit(app, &code).await?;
        let n = app
            .store()
            .active_household_ids_under(&unit.path)
            .await?
            .len();
        sized.push((n, code));
    }
    let first = sized.remove(0).1;
    let mut by_size = sized.clone();
    by_size.sort();
    let merged: Vec<String> = by_size.iter().take(3).map(|(_, c)| c.clone()).collect();
    let mut rest: Vec<String> = std::iter::once(first)
        .chain(sized.into_iter().map(|(_, c)| c))
        .filter(|c| !merged.contains(c))
        .collect();
    let tail = rest.split_off(3);
    let mut out = vec![rest, merged];
    out.extend(tail.chunks(3).map(<[String]>::to_vec));
    Ok(out)
}

/// Seeds the beats and militia heads of the demo commune `commune`, and the residents'
/// concerns when `concerns` (the feedback demo is on).
pub async fn seed_demo(app: &App, commune: &str, concerns: bool) -> AppResult<()> {
    let ctx = as_user(app, "canbo.benthanh").await?;
    let from = "2025-07-01";
    let groups = groups_of_three(app, commune).await?;
    for (n, (username, name)) in OFFICERS.iter().enumerate() {
        let beat = super::create_beat(
            &ctx,
            commune,
            &BeatInput {
                name: format!("Địa bàn {}", n + 1),
                officer_username: (*username).into(),
                officer_name: (*name).into(),
                officer_phone: format!("09081234{:02}", n + 1),
                valid_from: from.into(),
            },
        )
        .await?;
        for unit in groups.get(n).into_iter().flatten() {
            super::assign_unit(&ctx, beat, unit, from).await?;
        }
    }
    for (n, name) in MILITIA.iter().enumerate() {
        let input = MilitiaInput {
            unit_code: format!("{commune}-kp{:02}", n + 1),
            full_name: (*name).into(),
            phone: format!("09071234{:02}", n + 1),
            resident_id: None,
            valid_from: from.into(),
        };
        super::appoint_militia(&ctx, commune, &input).await?;
    }
    if !concerns {
        return Ok(());
    }
    for (kp, text) in CONCERNS {
        let input = NewFeedbackInput {
            category: "restructuring".into(),
            description: text.into(),
            unit_code: format!("{commune}-{kp}"),
            ..Default::default()
        };
        crate::feedback::submit(&ctx, true, &input, &[]).await?;
    }
    Ok(())
}
