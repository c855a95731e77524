//! The demo's beats: the ward's twelve khu phố in four beats of three, the first one the
//! demo area police officer's (so his grants follow it, with Khu phố 1), a militia head in
//! every khu phố, and (with the feedback demo) two residents' concerns about the
//! rearrangement in the feedback category of its own. The three khu phố the demo scheme
//! merges (the three smallest but Khu phố 1, as `schemes::demo` chooses them) share a beat,
//! so that after the scheme is applied, carrying the beats and militia heads leaves a clean
//! report (issue 16, "Done means"). Done through the use cases, as the ward's official.

use tuquan_domain::feedback::NewFeedbackInput;
use tuquan_domain::restructuring::beats::{BeatInput, MilitiaInput};

use crate::access::{as_user, demo_khu_pho_by_size};
use crate::{App, AppResult, Ctx};

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

/// The ward's twelve khu phố in four groups of three: Khu phố 1 first (the demo officer's
/// beat), the three the restructuring demo merges (the three smallest others) together.
async fn groups_of_three(ctx: &Ctx, commune: &str) -> AppResult<Vec<Vec<String>>> {
    let mut others: Vec<String> = demo_khu_pho_by_size(ctx, commune)
        .await?
        .into_iter()
        .map(|r| r.unit.code)
        .collect();
    let merged: Vec<String> = others.drain(..others.len().min(3)).collect();
    others.sort();
    let mut rest = vec![format!("{commune}-kp01")];
    rest.extend(others);
    let tail = rest.split_off(rest.len().min(3));
    let mut out = vec![rest, merged];
    out.extend(tail.chunks(3).map(<[String]>::to_vec));
    Ok(out)
}

/// Seeds the beats and militia heads of the demo commune `commune`, and the residents'
/// concerns when `concerns` (the feedback demo is on).
pub async fn seed_demo(app: &App, commune: &str, concerns: bool) -> AppResult<()> {
    let ctx = as_user(app, "canbo.benthanh").await?;
    let from = "2025-07-01";
    let groups = groups_of_three(&ctx, commune).await?;
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
