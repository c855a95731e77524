//! The demo's meetings in Khu phố 1: one held today with most households signed in and
//! locked minutes, and one planned in ten days. Done through the use cases, as the unit's
//! head.

use tuquan_domain::meetings::{
    AgendaInput, AttendanceInput, MinutesInput, NewMeetingInput, ResolutionInput,
};

use crate::access::as_user;
use crate::{App, AppError, AppResult};

fn meeting(title: &str, date: String, agenda: &[&str]) -> NewMeetingInput {
    NewMeetingInput {
        kind: "community".into(),
        title: title.into(),
        date,
        time: "19:30".into(),
        place: "Nhà văn hóa khu phố 1, 42 Lê Thánh Tôn".into(),
        chair: Some("Nguyễn Văn Bình".into()),
        secretary: Some("Đặng Thị Lan".into()),
        agenda: AgendaInput::List(agenda.iter().map(|s| (*s).to_owned()).collect()),
        ..Default::default()
    }
}

/// Seeds the demo meetings at `{commune}-kp01`.
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let kp01 = format!("{commune}-kp01");
    let head = as_user(app, "totruong.kp01").await?;
    let today = head.today();
    let held = super::create(
        &head,
        &kp01,
        &meeting(
            "Hội nghị khu phố quý IV",
            today.to_string(),
            &[
                "Đóng góp quỹ vì người nghèo năm nay",
                "Giữ gìn vệ sinh hẻm 42",
                "Lắp đèn chiếu sáng đầu hẻm",
            ],
        ),
    )
    .await?;
    let roll = super::attendance(&head, held, None).await?;
    let n = roll.rows.len();
    for (i, r) in roll.rows.iter().enumerate().take(n * 3 / 5 + 1) {
        let input = AttendanceInput {
            code: Some(r.code.clone()),
            kind: Some(
                if i % 7 == 3 {
                    "proxy"
                } else {
                    "representative"
                }
                .into(),
            ),
            name: (i % 7 == 3).then(|| "Trần Thị Mai".to_owned()),
            source: Some(if i % 2 == 0 { "live" } else { "paper" }.into()),
            ..Default::default()
        };
        super::record(&head, held, &input).await?;
    }
    super::hold(&head, held).await?;
    let present = n * 3 / 5 + 1;
    let said = |s: &str| s.to_owned();
    let input = MinutesInput {
        opening: format!(
            "Có mặt {present}/{n} hộ gia đình, Ban công tác Mặt trận khu phố và cảnh sát khu vực."
        ),
        discussion: vec![
            said("Các hộ thống nhất mức đóng góp tự nguyện, thấp nhất 50.000 đồng/hộ."),
            said("Tổ chức tổng vệ sinh vào sáng Chủ nhật cuối tháng; mỗi hộ cử một người."),
            said("Đề nghị phường hỗ trợ 2 đèn; khu phố vận động các hộ góp phần còn lại."),
        ],
        resolutions: vec![
            ResolutionInput {
                text: "Mỗi hộ đóng góp quỹ vì người nghèo ít nhất 50.000 đồng".into(),
                votes_for: Some(present as i64 - 2),
                votes_against: Some(1),
                votes_abstain: Some(1),
                vote_id: None,
            },
            ResolutionInput {
                text: "Tổng vệ sinh hẻm 42 sáng Chủ nhật cuối tháng".into(),
                votes_for: Some(present as i64),
                votes_against: Some(0),
                votes_abstain: Some(0),
                vote_id: None,
            },
        ],
        closing: "Cuộc họp kết thúc lúc 21 giờ cùng ngày.".into(),
    };
    super::save_minutes(&head, held, &input).await?;
    super::finalise_minutes(&head, held).await?;
    let later = today
        .checked_add(jiff::Span::new().days(10))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    super::create(
        &head,
        &kp01,
        &meeting(
            "Họp dân về chỉnh trang vỉa hè",
            later.to_string(),
            &["Phương án chỉnh trang vỉa hè", "Ý kiến các hộ mặt tiền"],
        ),
    )
    .await?;
    Ok(())
}
