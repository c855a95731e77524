//! The demo's announcement: the ward's official sends one, Khu phố 1's head passes it on and
//! records a few households told in person or at a meeting, and the demo resident
//! acknowledges for her household. Done through the use cases, as the demo's own accounts.

use crate::access::as_user;
use crate::{App, AppResult};

/// Seeds the demo announcement in `commune` (whose first khu phố is `{commune}-kp01`).
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let official = as_user(app, "canbo.benthanh").await?;
    let input = tuquan_domain::announcements::NewAnnouncementInput {
        title: "Ra quân tổng vệ sinh môi trường, phòng chống sốt xuất huyết".into(),
        body: "Sáng Chủ nhật tuần này, từ 7 giờ, các hộ gia đình dọn dẹp nhà cửa, lật úp \
               dụng cụ chứa nước, diệt lăng quăng.\n\nTổ dân phố và khu phố phối hợp thu gom \
               rác tại các điểm tập kết."
            .into(),
        category: "campaign".into(),
        public: true,
        ..Default::default()
    };
    let id = super::publish(&official, commune, &input).await?;
    let kp01 = format!("{commune}-kp01");
    let head = as_user(app, "totruong.kp01").await?;
    super::pass_on(&head, id, &kp01, Some("Tập trung tại đầu hẻm 42.")).await?;
    let (_, waiting) = super::not_reached(&head, id, &kp01).await?;
    for (h, channel) in waiting.iter().zip([
        "in_person",
        "in_person",
        "meeting",
        "meeting",
        "loudspeaker",
        "zalo",
    ]) {
        super::acknowledge_on_behalf(&head, id, h.household_id, channel).await?;
    }
    let resident = as_user(app, "dan.kp01").await?;
    super::acknowledge_own(&resident, id).await?;
    Ok(())
}
