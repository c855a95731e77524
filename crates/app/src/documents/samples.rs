//! Sample documents of the demo ward, for tests, the benchmark and the screenshots in
//! docs/screens/. The real documents are built by the use cases from stored data.

use jiff::civil::date;

use super::model::{col, para, Align, Block, Document, Issuer, Signature, Table};
use super::report::counts_table;

fn article(n: u32, text: &str) -> Block {
    Block::article(format!("Điều {n}."), text)
}

/// Decree 30 breaks "ỦY BAN NHÂN DÂN / PHƯỜNG BẾN THÀNH" over two lines; `\n` does that.
fn ward() -> Issuer {
    Issuer {
        parent: None,
        name: "Ủy ban nhân dân\nPhường Bến Thành".into(),
    }
}

/// "Quyết định thành lập Tổ bảo vệ an ninh trật tự khu phố 1": three members, two pages.
pub fn establishment_decision() -> Document {
    let members = [
        ("Nguyễn Thị Đào", "Tổ trưởng", "12 Lê Thánh Tôn, khu phố 1"),
        ("Trần Văn Đức", "Tổ phó", "34 Nguyễn Huệ, khu phố 1"),
        ("Lê Thị Hằng Nga", "Tổ viên", "56 Đồng Khởi, khu phố 1"),
    ];
    let members = Table::numbered(
        vec![
            col("Họ và tên", 12, Align::Left),
            col("Chức danh trong Tổ", 9, Align::Left),
            col("Địa chỉ", 12, Align::Left),
        ],
        members.map(|(name, role, address)| vec![name.into(), role.into(), address.into()]),
    );
    let mut body = vec![
        Block::centered("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH"),
        para("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"),
        para("Căn cứ Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở ngày 28 tháng 11 năm 2023;"),
        para("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"),
        para("Theo đề nghị của Trưởng Công an phường và Trưởng khu phố 1."),
        Block::centered("QUYẾT ĐỊNH:"),
        article(1, "Thành lập Tổ bảo vệ an ninh trật tự khu phố 1, Phường Bến Thành (sau đây gọi là Tổ), gồm các thành viên có tên sau đây:"),
        Block::Table(members),
        article(2, "Tổ có nhiệm vụ nắm tình hình an ninh, trật tự; tuyên truyền, phổ biến pháp luật; tham gia xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc; hỗ trợ tuần tra, kiểm soát và giải quyết các vụ việc phức tạp về an ninh, trật tự trên địa bàn khu phố theo quy định của pháp luật."),
        article(3, "Tổ làm việc theo chế độ kiêm nhiệm, chịu sự quản lý của Ủy ban nhân dân phường và sự chỉ đạo, hướng dẫn trực tiếp của Công an phường. Kinh phí hoạt động của Tổ được bảo đảm theo quy định hiện hành."),
    ];
    for i in 0..4 {
        body.push(para(format!(
            "Nhiệm vụ cụ thể {}: Tổ trưởng phân công thành viên trực tại điểm sinh hoạt cộng đồng khu phố, ghi sổ theo dõi tình hình, báo cáo định kỳ hằng tháng với Công an phường và Ban điều hành khu phố; phối hợp với các đoàn thể vận động nhân dân tham gia giữ gìn an ninh, trật tự, vệ sinh môi trường.",
            i + 1
        )));
    }
    body.push(article(4, "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân phường, Trưởng Công an phường, Trưởng khu phố 1 và các thành viên có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."));
    let place = "Phường Bến Thành".into();
    Document::new("Quyết định", "QĐ-UBND", ward(), place, date(2026, 3, 5))
        .number(Some("125".into()))
        .summary("Về việc thành lập Tổ bảo vệ an ninh trật tự khu phố 1")
        .body(body)
        .signature(chairman(true))
        .recipients([
            "Như Điều 4",
            "Công an Quận 1",
            "Thường trực Đảng ủy phường",
            "Lưu: VT",
        ])
}

/// The ward chairman's signature block, signed or left to sign.
fn chairman(signed: bool) -> Signature {
    Signature {
        mandate: Some("TM. Ủy ban nhân dân".into()),
        position: "Chủ tịch".into(),
        signer: "Trần Văn Đức".into(),
        signed,
    }
}

const SURNAMES: [&str; 8] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng",
];
const MIDDLE: [&str; 4] = ["Thị", "Văn", "Ngọc", "Đức"];
const GIVEN: [&str; 8] = [
    "Đào",
    "Đức",
    "Hằng",
    "Khải",
    "Phượng",
    "Dũng",
    "Yến",
    "Quỳnh",
];
const STREETS: [&str; 4] = ["Lê Thánh Tôn", "Nguyễn Huệ", "Đồng Khởi", "Hàm Nghi"];

/// "Danh sách hộ gia đình" of khu phố 1 with `n` households (identity numbers masked).
pub fn household_list(n: usize) -> Document {
    let rows = (0..n).map(|i| {
        let name = format!(
            "{} {} {}",
            SURNAMES[i % 8],
            MIDDLE[(i / 8) % 4],
            GIVEN[(i / 3) % 8]
        );
        vec![
            format!("{} {}, khu phố 1", 2 * i + 1, STREETS[i % 4]),
            name,
            format!("079*******{:02}", i % 100),
            (1 + i % 6).to_string(),
        ]
    });
    let households = Table::numbered(
        vec![
            col("Địa chỉ", 11, Align::Left),
            col("Chủ hộ", 10, Align::Left),
            col("Số định danh", 7, Align::Center),
            col("Số thành viên", 5, Align::Center),
        ],
        rows,
    );
    let issuer = Issuer {
        parent: Some("Ủy ban nhân dân\nphường Bến Thành".into()),
        name: "Ban điều hành\nkhu phố 1".into(),
    };
    let place = "Phường Bến Thành".into();
    Document::new("Danh sách", "DS-BĐH", issuer, place, date(2026, 11, 20))
        .summary("Hộ gia đình khu phố 1")
        .body([
            para("Danh sách gồm các hộ gia đình đang cư trú trên địa bàn khu phố 1, số định danh cá nhân của chủ hộ được che một phần theo quy định về bảo vệ dữ liệu cá nhân."),
            Block::Table(households),
        ])
        .signature(Signature {
            mandate: None,
            position: "Trưởng khu phố".into(),
            signer: "Nguyễn Thị Đào".into(),
            signed: false,
        })
        .recipients(["Ủy ban nhân dân phường", "Lưu: khu phố"])
}

/// "Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị" with its three charts and the
/// same figures as tables.
pub fn feedback_report() -> Document {
    use crate::charts::{breakdown_bars, grouped_bars, rate_bars, ChartSpec, Series};
    use crate::i18n::Lang;
    let months: Vec<String> = (1..=6).map(|m| format!("T{m}")).collect();
    let received = [42, 35, 51, 47, 60, 38];
    let resolved = [40, 33, 45, 47, 52, 30];
    let on_time = [36, 30, 41, 44, 50, 27];
    let rates: Vec<Option<f64>> = resolved
        .iter()
        .zip(&on_time)
        .map(|(r, o)| (*r > 0).then(|| f64::from(*o) * 100.0 / f64::from(*r)))
        .collect();
    let spec = |id, title| ChartSpec {
        id,
        title,
        desc: "Phường Bến Thành, 6 tháng đầu năm 2026",
        lang: Lang::Vi,
    };
    let series = vec![
        Series {
            name: "Tiếp nhận".into(),
            values: received.to_vec(),
        },
        Series {
            name: "Đã giải quyết".into(),
            values: resolved.to_vec(),
        },
    ];
    let units = vec![
        ("Khu phố 1".to_string(), 96),
        ("Khu phố 2".to_string(), 71),
        ("Khu phố 3".to_string(), 58),
        ("Khu phố 4".to_string(), 48),
    ];
    let monthly = (0..6).map(|i| {
        let counts = [received[i], resolved[i], on_time[i]];
        (months[i].clone(), counts.map(i64::from))
    });
    let mut doc = household_list(0);
    doc.issuer = ward();
    doc.number = Some("87".into());
    doc.symbol = "BC-UBND".into();
    doc.kind = "Báo cáo".into();
    doc.summary =
        Some("Kết quả tiếp nhận, giải quyết phản ánh, kiến nghị 6 tháng đầu năm 2026".into());
    doc.body = vec![
        Block::heading("I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT"),
        para("Trong kỳ, Ủy ban nhân dân phường tiếp nhận 273 phản ánh, kiến nghị; đã giải quyết 247, trong đó 228 phản ánh được giải quyết đúng hạn."),
        Block::Chart {
            caption: "Biểu đồ 1. Phản ánh tiếp nhận và đã giải quyết theo tháng".into(),
            svg: grouped_bars(&spec("c1", "Tiếp nhận và đã giải quyết"), &months, &series),
        },
        counts_table(col("Tháng", 4, Align::Center), monthly),
        Block::Chart {
            caption: "Biểu đồ 2. Tỷ lệ giải quyết đúng hạn theo tháng".into(),
            svg: rate_bars(&spec("c2", "Tỷ lệ đúng hạn"), &months, &rates),
        },
        Block::Chart {
            caption: "Biểu đồ 3. Phản ánh tiếp nhận theo khu phố".into(),
            svg: breakdown_bars(&spec("c3", "Theo khu phố"), &units),
        },
    ];
    doc.signature = chairman(false);
    doc.recipients = vec!["Ủy ban nhân dân Quận 1".into(), "Lưu: VT".into()];
    doc
}
