//! The demo's consultation: Khu phố 1's head posts a draft hương ước for 30 days, the demo
//! resident comments online for her household, and the head enters a few paper forms.
//! Done through the use cases, as the demo's own accounts.

use jiff::ToSpan;
use tuquan_domain::consultations::{CommentInput, ConsultationInput};

use crate::access::as_user;
use crate::{App, AppResult};

const DRAFT: &str = "HƯƠNG ƯỚC KHU PHỐ 1\n\
Để xây dựng khu phố văn minh, an toàn, các hộ gia đình cùng thống nhất những điều sau.\n\
Điều 1. Phạm vi áp dụng\n\
Hương ước này áp dụng cho mọi hộ gia đình và người sinh sống trên địa bàn khu phố.\n\
Điều 2. Giữ gìn trật tự, yên tĩnh\n\
Không gây tiếng ồn lớn sau 22 giờ và trước 6 giờ; hát karaoke không quá 22 giờ.\n\
Điều 3. Vệ sinh môi trường\n\
Đổ rác đúng giờ, đúng nơi quy định; mỗi tháng một lần tổng vệ sinh hẻm vào sáng Chủ nhật.\n\
Điều 4. Việc cưới, việc tang\n\
Tổ chức trang trọng, tiết kiệm; không chiếm dụng lòng đường quá một ngày.\n\
Điều 5. Khen thưởng và nhắc nhở\n\
Hộ thực hiện tốt được biểu dương tại hội nghị cuối năm; hộ vi phạm được nhắc nhở tại cuộc họp khu phố.";

fn c(article: i64, stance: &str, text: Option<&str>) -> CommentInput {
    CommentInput {
        article,
        stance: stance.into(),
        text: text.map(Into::into),
    }
}

/// Seeds the open consultation in `commune`'s first khu phố (`{commune}-kp01`).
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let head = as_user(app, "totruong.kp01").await?;
    let kp01 = format!("{commune}-kp01");
    let today = head.today();
    let opens = today.saturating_sub(5.days());
    let input = ConsultationInput {
        title: "Dự thảo Hương ước Khu phố 1 (sửa đổi năm 2026)".into(),
        kind: "huong_uoc".into(),
        text: DRAFT.into(),
        opens_on: Some(opens.to_string()),
        closes_on: Some(opens.saturating_add(30.days()).to_string()),
    };
    let id = super::create(&head, &kp01, &input).await?;
    super::open(&head, id).await?;
    let resident = as_user(app, "dan.kp01").await?;
    super::comment_own(
        &resident,
        id,
        &[
            c(1, "agree", None),
            c(
                2,
                "propose",
                Some("Đề nghị quy định karaoke không quá 21 giờ 30."),
            ),
            c(3, "agree", None),
        ],
    )
    .await?;
    let own = head
        .store()
        .household_of_user(resident.who()?.user.id)
        .await?
        .map(|(hid, ..)| hid);
    let unit = crate::territory::unit(app, &kp01).await?;
    let households = head
        .store()
        .households_in(&unit, &Default::default(), None, 8)
        .await?;
    let forms: [&[CommentInput]; 5] = [
        &[
            c(1, "agree", None),
            c(2, "agree", None),
            c(3, "agree", None),
        ],
        &[
            c(
                2,
                "disagree",
                Some("Nhiều hộ đi làm về muộn, 22 giờ là hợp lý."),
            ),
            c(4, "agree", None),
        ],
        &[c(
            3,
            "propose",
            Some("Tổng vệ sinh hai lần mỗi tháng vào mùa mưa."),
        )],
        &[
            c(
                4,
                "propose",
                Some("Cho phép dựng rạp hai ngày với đám tang."),
            ),
            c(5, "agree", None),
        ],
        &[c(
            5,
            "disagree",
            Some("Không nên nêu tên hộ vi phạm trước cuộc họp."),
        )],
    ];
    for (h, form) in households.iter().filter(|h| Some(h.id) != own).zip(forms) {
        super::comment_on_paper(&head, id, h.id, form).await?;
    }
    Ok(())
}
