//! Demo feedback: a dozen items about Phường Bến Thành in every state, sent and answered
//! through the same services as the pages, so the inbox, the public lists and the
//! statistics have something to show.

use anyhow::Context;
use tuquan_app::feedback::{self as app, StepInput};
use tuquan_app::{App, RequestMeta};
use tuquan_domain::feedback::NewFeedbackInput;
use tuquan_store::Store;

/// (khu phố, category, description, address, contact phone, steps; each step is
/// (action, public note)). A step `rate:N` is the sender's rating.
type DemoItem = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const ITEMS: &[DemoItem] = &[
    (
        "kp01",
        "infrastructure",
        "Đèn đường trước hẻm 12 Lê Thánh Tôn bị hỏng, buổi tối rất tối.",
        "Hẻm 12 Lê Thánh Tôn",
        Some("0903111222"),
        &[
            ("acknowledge", ""),
            ("start", "Đã báo Công ty Chiếu sáng công cộng."),
            ("resolve", "Đã thay bóng đèn ngày hôm nay."),
            ("rate:5", ""),
        ],
    ),
    (
        "kp01",
        "environment",
        "Rác tồn đọng ở góc chợ sau 22 giờ, bốc mùi.",
        "Góc chợ Bến Thành, cửa Tây",
        None,
        &[
            ("acknowledge", ""),
            ("start", "Tổ vệ sinh sẽ thu gom thêm một chuyến tối."),
        ],
    ),
    (
        "kp02",
        "traffic",
        "Xe máy đậu tràn lòng đường giờ tan học trước trường tiểu học.",
        "Trước trường Tiểu học Lê Ngọc Hân",
        Some("0909333444"),
        &[
            ("acknowledge", ""),
            ("start", ""),
            (
                "resolve",
                "Công an phường bố trí người hướng dẫn giao thông giờ tan học.",
            ),
            ("rate:4", ""),
        ],
    ),
    (
        "kp02",
        "security_order",
        "Nhóm thanh niên tụ tập gây ồn ào sau nửa đêm.",
        "Hẻm 45 Nguyễn Trãi",
        None,
        &[("acknowledge", "")],
    ),
    (
        "kp03",
        "fire_risk",
        "Dây điện câu móc lộn xộn trên cột điện, có tia lửa khi trời mưa.",
        "Đầu hẻm 8 Lý Tự Trọng",
        Some("0912555666"),
        &[
            ("acknowledge", ""),
            ("start", "Đã đề nghị Điện lực kiểm tra."),
            ("resolve", "Điện lực đã bó gọn và thay dây hỏng."),
            ("rate:5", ""),
        ],
    ),
    (
        "kp03",
        "environment",
        "Cống thoát nước bị tắc, mưa là ngập.",
        "Hẻm 20 Lý Tự Trọng",
        None,
        &[],
    ),
    (
        "kp04",
        "administrative",
        "Hỏi thủ tục xác nhận cư trú cho con đi học.",
        "",
        Some("0938777888"),
        &[
            ("acknowledge", ""),
            ("refer", "Chuyển bộ phận một cửa của phường hướng dẫn."),
        ],
    ),
    (
        "kp04",
        "infrastructure",
        "Vỉa hè bị bong gạch, người đi bộ dễ vấp ngã.",
        "Số 30 Pasteur",
        None,
        &[
            ("acknowledge", ""),
            (
                "reject",
                "Đoạn vỉa hè này đang trong dự án cải tạo, sẽ làm lại trong tháng tới.",
            ),
        ],
    ),
    (
        "kp05",
        "traffic",
        "Biển báo cấm đỗ bị cây che khuất.",
        "Góc Lê Lai – Nguyễn Thị Nghĩa",
        None,
        &[],
    ),
    (
        "kp05",
        "other",
        "Đề nghị tổ chức lớp dạy bơi hè cho thiếu nhi khu phố.",
        "",
        Some("0977999000"),
        &[
            ("acknowledge", ""),
            ("start", "Ban điều hành khu phố đang liên hệ hồ bơi."),
        ],
    ),
    (
        "kp06",
        "security_order",
        "Mất trộm xe đạp trong hẻm, đề nghị lắp camera.",
        "Hẻm 3 Calmette",
        None,
        &[
            ("acknowledge", ""),
            ("start", ""),
            (
                "resolve",
                "Tổ bảo vệ an ninh trật tự tăng tuần tra ban đêm; camera đã đưa vào kế hoạch.",
            ),
            ("rate:3", ""),
        ],
    ),
    (
        "kp06",
        "environment",
        "Cây xanh nghiêng, có nguy cơ đổ khi mưa bão.",
        "Trước số 50 Calmette",
        None,
        &[],
    ),
];

/// Sends and answers the demo items through the same use cases as the pages. Returns how
/// many were sent.
pub async fn demo_feedback(store: &Store, commune: &str) -> anyhow::Result<usize> {
    // The seeder sends as anonymous residents through the public use case, all from one
    // process with no address: without its own limits it would meet the rate limits and
    // the proof of humanity meant for floods.
    let unlimited = tuquan_app::limits::Rule {
        max: 1_000_000,
        window_secs: 1,
    };
    let limits = tuquan_app::limits::LimitSettings {
        feedback_per_address: unlimited,
        feedback_per_contact: unlimited,
        feedback_per_unit: unlimited,
    };
    let app = App::with_limits(store.clone(), tuquan_app::Clock::System, limits);
    let meta = RequestMeta {
        user_agent: Some("demo-seed".into()),
        ..RequestMeta::default()
    };
    let official_id = store
        .user_by_username("canbo.benthanh")
        .await?
        .context("the demo commune official")?
        .id;
    let official = tuquan_app::access::authenticated(&app, official_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .context("the demo commune official is enabled")?;
    let as_official = app.ctx(Some(official), meta.clone());
    let anonymous = app.ctx(None, meta);
    let seeder = app.system("demo-seed");
    let fail = |e: tuquan_app::AppError| anyhow::anyhow!("demo feedback: {e:?}");
    for (unit, category, description, address, phone, steps) in ITEMS {
        let input = NewFeedbackInput {
            category: (*category).into(),
            description: (*description).into(),
            unit_code: format!("{commune}-{unit}"),
            address: Some((*address).into()).filter(|a: &String| !a.is_empty()),
            contact_phone: phone.map(Into::into),
            ..Default::default()
        };
        // With a phone, sent by the resident; without, filed by the official for them.
        let (ctx, on_behalf) = match phone {
            Some(_) => (&anonymous, false),
            None => (&as_official, true),
        };
        let mut item = app::submit(ctx, on_behalf, &input, &[])
            .await
            .map_err(fail)?;
        for (action, note) in *steps {
            if let Some(stars) = action.strip_prefix("rate:") {
                app::workflow::seed_rating(&seeder, &item, stars)
                    .await
                    .map_err(fail)?;
                item = app::by_code(&seeder, &item.tracking_code)
                    .await
                    .map_err(fail)?;
            } else {
                let step = StepInput {
                    action: (*action).into(),
                    public_note: Some((*note).into()).filter(|n: &String| !n.is_empty()),
                    referred_to: (*action == "refer").then(|| "Bộ phận một cửa UBND phường".into()),
                    ..Default::default()
                };
                item = app::workflow::step(&as_official, &item.tracking_code, &step)
                    .await
                    .map_err(fail)?;
            }
        }
    }
    Ok(ITEMS.len())
}
