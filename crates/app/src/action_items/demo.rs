//! The demo's action items in Khu phố 1 (and one in Khu phố 2): tasks set by the khu phố's
//! meeting, owned by named residents, by an account and by group posts (the security team's
//! head, the mediation team's head), some overdue, one in progress, one done. Written through
//! the use cases as Khu phố 1's head, with due dates relative to today so the demo always has
//! something overdue and something due this week.

use jiff::ToSpan;
use tuquan_domain::action_items::ActionItemInput;

use super::{create, owner_choices, progress, ProgressInput};
use crate::access::as_user;
use crate::{App, AppResult};

fn item(title: &str, resolution: &str, due: jiff::civil::Date) -> ActionItemInput {
    ActionItemInput {
        title: title.into(),
        resolution: Some(resolution.into()),
        due_on: due.to_string(),
        ..Default::default()
    }
}

/// Seeds the demo's action items in `commune` (whose khu phố are `{commune}-kp01`, …).
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let head = as_user(app, "totruong.kp01").await?;
    let kp01 = format!("{commune}-kp01");
    let today = head.today();
    let day = |n: i64| today.checked_add(n.days()).unwrap_or(today);
    let (_, c) = owner_choices(&head, &kp01).await?;
    let group = |word: &str| {
        c.groups
            .iter()
            .find(|(_, n)| n.contains(word))
            .map(|g| g.0.to_string())
    };
    let resident = |i: usize| c.residents.get(i).map(|r| r.0.to_string());
    let account = |name: &str| {
        c.accounts
            .iter()
            .find(|(_, n)| n == name)
            .map(|a| a.0.to_string())
    };
    let q3 = "Nghị quyết họp khu phố quý III/2026";
    let mut ids = Vec::new();
    let by_post = |g: Option<String>, i: ActionItemInput| ActionItemInput {
        owner_kind: "position".into(),
        owner_group_id: g,
        owner_role: Some("head".into()),
        ..i
    };
    let by_resident = |r: Option<String>, i: ActionItemInput| ActionItemInput {
        owner_kind: "resident".into(),
        owner_resident_id: r,
        ..i
    };
    let inputs = [
        by_post(
            group("bảo vệ"),
            item(
                "Sửa đèn chiếu sáng hẻm 42, tổ chức tuần tra ban đêm",
                &format!("{q3}, mục 2"),
                day(-6),
            ),
        ),
        by_post(
            group("hòa giải"),
            item(
                "Hòa giải việc lấn lối đi chung giữa hai hộ ở hẻm 15",
                &format!("{q3}, mục 3"),
                day(-2),
            ),
        ),
        by_resident(
            resident(0),
            item(
                "Vận động các hộ đóng góp Quỹ Vì người nghèo",
                &format!("{q3}, mục 4"),
                day(4),
            ),
        ),
        by_resident(
            resident(3),
            item(
                "Dọn vệ sinh, khơi thông cống thoát nước đầu hẻm",
                &format!("{q3}, mục 1"),
                day(1),
            ),
        ),
        ActionItemInput {
            owner_kind: "account".into(),
            owner_user_id: account("Nguyễn Văn Bình")
                .or_else(|| c.accounts.first().map(|a| a.0.to_string())),
            ..item(
                "Lập danh sách hộ khó khăn cần hỗ trợ sửa nhà trước Tết",
                &format!("{q3}, mục 5"),
                day(20),
            )
        },
    ];
    for i in &inputs {
        ids.push(create(&head, &kp01, i).await?);
    }
    let note = |status: &str, note: &str| ProgressInput {
        status: Some(status.into()),
        note: Some(note.into()),
    };
    progress(
        &head,
        ids[1],
        &note(
            "in_progress",
            "Đã gặp hai hộ lần đầu, hẹn buổi hòa giải tại nhà văn hóa.",
        ),
    )
    .await?;
    progress(
        &head,
        ids[3],
        &note("done", "Đã khơi thông xong, hai hộ đầu hẻm cùng làm."),
    )
    .await?;
    // One in Khu phố 2, for the ward's summary: the ward official may act there.
    let official = as_user(app, "canbo.benthanh").await?;
    let kp02 = format!("{commune}-kp02");
    let (_, c2) = owner_choices(&official, &kp02).await?;
    if let Some(r) = c2.residents.first() {
        let i = by_resident(
            Some(r.0.to_string()),
            item(
                "Kiểm tra bình chữa cháy các hộ kinh doanh",
                "Kế hoạch phòng cháy chữa cháy năm 2026",
                day(-3),
            ),
        );
        create(&official, &kp02, &i).await?;
    }
    Ok(())
}
