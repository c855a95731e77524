//! The demo's beats: the ward's twelve khu phố in four beats of three, the first one the
//! demo area police officer's (so his grants follow it), a militia head in every khu phố,
//! and two residents' concerns about the rearrangement in the feedback category of its own.
//! The report is clean; done through the use cases, as the ward's official.

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

/// Seeds the beats, militia heads and concerns of the demo commune `commune`.
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let ctx = as_user(app, "canbo.benthanh").await?;
    let from = "2025-07-01";
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
        for k in 1..=3 {
            let unit = format!("{commune}-kp{:02}", n * 3 + k);
            super::assign_unit(&ctx, beat, &unit, from).await?;
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
