//! Vietnamese names, streets and feedback texts for synthetic data, with frequencies.
//!
//! Family names follow the commonly cited national shares (Nguyễn about 38 %, Trần 11 %,
//! Lê 9.5 %, Phạm 7 %, Hoàng/Huỳnh 5 % — Huỳnh more common in the south —, Phan 4.5 %,
//! Vũ/Võ 4 %, …); weights are per mille. Middle names depend on gender, and "Văn"/"Thị" are
//! more common among older people. Given names are chosen by gender.

use rand::Rng;

/// A table of (item, weight) with a cumulative index for weighted choice.
pub struct Weighted<T: 'static> {
    items: &'static [(T, u32)],
    total: u32,
}

impl<T: Copy> Weighted<T> {
    pub const fn new(items: &'static [(T, u32)]) -> Self {
        let mut total = 0;
        let mut i = 0;
        while i < items.len() {
            total += items[i].1;
            i += 1;
        }
        Self { items, total }
    }

    pub fn pick(&self, rng: &mut impl Rng) -> T {
        let mut x = rng.random_range(0..self.total);
        for (item, w) in self.items {
            if x < *w {
                return *item;
            }
            x -= w;
        }
        self.items[self.items.len() - 1].0
    }
}

pub static FAMILY: Weighted<&str> = Weighted::new(&[
    ("Nguyễn", 384),
    ("Trần", 112),
    ("Lê", 95),
    ("Phạm", 70),
    ("Huỳnh", 31),
    ("Hoàng", 20),
    ("Phan", 45),
    ("Võ", 30),
    ("Vũ", 9),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Trương", 8),
    ("Đinh", 6),
    ("Lâm", 6),
    ("Mai", 5),
    ("Đào", 5),
    ("Cao", 4),
    ("Lương", 4),
    ("Hà", 4),
    ("Tạ", 3),
    ("Châu", 3),
    ("Quách", 2),
    ("Tôn", 2),
    ("Thái", 2),
    ("La", 2),
    ("Kiều", 2),
    ("Lưu", 3),
    ("Tô", 2),
    ("Văn", 2),
    ("Triệu", 2),
    ("Lại", 2),
    ("Diệp", 2),
    ("Từ", 1),
    ("Khổng", 1),
    ("Giang", 2),
]);

/// Middle names for men born before about 1980 ("Văn" dominant) and after.
pub static MIDDLE_MALE_OLD: Weighted<&str> = Weighted::new(&[
    ("Văn", 520),
    ("Hữu", 80),
    ("Đức", 70),
    ("Minh", 60),
    ("Quốc", 50),
    ("Thanh", 50),
    ("Công", 40),
    ("Ngọc", 30),
    ("Xuân", 30),
    ("Tấn", 40),
    ("Hoàng", 30),
]);
pub static MIDDLE_MALE_YOUNG: Weighted<&str> = Weighted::new(&[
    ("Văn", 180),
    ("Minh", 150),
    ("Gia", 90),
    ("Hoàng", 70),
    ("Quốc", 70),
    ("Đức", 70),
    ("Anh", 60),
    ("Duy", 50),
    ("Thành", 50),
    ("Tuấn", 40),
    ("Hữu", 40),
    ("Nhật", 40),
    ("Bảo", 40),
    ("Thiên", 30),
    ("Trọng", 20),
]);
pub static MIDDLE_FEMALE_OLD: Weighted<&str> = Weighted::new(&[
    ("Thị", 640),
    ("Ngọc", 80),
    ("Thu", 50),
    ("Thanh", 50),
    ("Kim", 50),
    ("Hồng", 40),
    ("Mỹ", 40),
    ("Xuân", 30),
    ("Bích", 20),
]);
pub static MIDDLE_FEMALE_YOUNG: Weighted<&str> = Weighted::new(&[
    ("Thị", 220),
    ("Ngọc", 120),
    ("Thu", 60),
    ("Thanh", 60),
    ("Bảo", 70),
    ("Khánh", 60),
    ("Phương", 60),
    ("Minh", 60),
    ("Mỹ", 50),
    ("Kim", 40),
    ("Thùy", 50),
    ("Gia", 40),
    ("Hoài", 30),
    ("Diệu", 30),
    ("Ánh", 20),
]);

pub static GIVEN_MALE: Weighted<&str> = Weighted::new(&[
    ("An", 30),
    ("Bình", 25),
    ("Cường", 25),
    ("Dũng", 35),
    ("Đạt", 30),
    ("Hải", 30),
    ("Hùng", 40),
    ("Huy", 40),
    ("Khang", 25),
    ("Khoa", 25),
    ("Long", 35),
    ("Minh", 45),
    ("Nam", 35),
    ("Nghĩa", 15),
    ("Nhân", 20),
    ("Phát", 20),
    ("Phong", 20),
    ("Phúc", 25),
    ("Quân", 25),
    ("Quang", 25),
    ("Sơn", 30),
    ("Tài", 20),
    ("Tâm", 20),
    ("Thắng", 20),
    ("Thành", 30),
    ("Thịnh", 20),
    ("Trung", 30),
    ("Tuấn", 45),
    ("Tùng", 20),
    ("Việt", 20),
    ("Vinh", 20),
    ("Bảo", 20),
    ("Hiếu", 20),
    ("Hoàng", 20),
    ("Khánh", 20),
    ("Lộc", 15),
    ("Tín", 15),
    ("Toàn", 15),
    ("Trí", 20),
    ("Vũ", 20),
]);

pub static GIVEN_FEMALE: Weighted<&str> = Weighted::new(&[
    ("Anh", 40),
    ("Châu", 15),
    ("Dung", 25),
    ("Giang", 20),
    ("Hà", 30),
    ("Hạnh", 20),
    ("Hằng", 25),
    ("Hiền", 20),
    ("Hoa", 25),
    ("Hương", 35),
    ("Huyền", 25),
    ("Lan", 30),
    ("Liên", 15),
    ("Linh", 45),
    ("Loan", 20),
    ("Mai", 30),
    ("My", 25),
    ("Nga", 20),
    ("Ngân", 25),
    ("Ngọc", 25),
    ("Nhi", 35),
    ("Nhung", 20),
    ("Oanh", 15),
    ("Phương", 30),
    ("Quyên", 15),
    ("Tâm", 15),
    ("Thảo", 35),
    ("Thủy", 25),
    ("Thư", 25),
    ("Tiên", 20),
    ("Trâm", 20),
    ("Trang", 40),
    ("Trinh", 20),
    ("Tuyết", 15),
    ("Uyên", 20),
    ("Vân", 20),
    ("Vy", 30),
    ("Xuân", 15),
    ("Yến", 25),
    ("Hân", 20),
]);

/// Streets of Ho Chi Minh City; each commune takes a handful.
pub const STREETS: &[&str] = &[
    "Lê Lợi",
    "Lê Thánh Tôn",
    "Nguyễn Trãi",
    "Phạm Ngũ Lão",
    "Bùi Viện",
    "Đề Thám",
    "Nguyễn Thái Học",
    "Cống Quỳnh",
    "Trần Hưng Đạo",
    "Lý Tự Trọng",
    "Nam Kỳ Khởi Nghĩa",
    "Phan Chu Trinh",
    "Trương Định",
    "Tôn Thất Tùng",
    "Hai Bà Trưng",
    "Điện Biên Phủ",
    "Võ Văn Tần",
    "Cách Mạng Tháng Tám",
    "Nguyễn Đình Chiểu",
    "Lê Văn Sỹ",
    "Hoàng Văn Thụ",
    "Phan Đăng Lưu",
    "Nơ Trang Long",
    "Xô Viết Nghệ Tĩnh",
    "Bạch Đằng",
    "Nguyễn Văn Đậu",
    "Lê Quang Định",
    "Phan Văn Trị",
    "Quang Trung",
    "Nguyễn Oanh",
    "Lê Đức Thọ",
    "Phạm Văn Đồng",
    "Kha Vạn Cân",
    "Võ Văn Ngân",
    "Đặng Văn Bi",
    "Lũy Bán Bích",
    "Âu Cơ",
    "Tân Kỳ Tân Quý",
    "Kinh Dương Vương",
    "Hậu Giang",
    "Nguyễn Văn Linh",
    "Huỳnh Tấn Phát",
    "Lê Văn Việt",
    "Trường Chinh",
    "Cộng Hòa",
    "Tô Ký",
    "Nguyễn Ảnh Thủ",
    "Hương Lộ 2",
    "Tỉnh Lộ 10",
    "Nguyễn Hữu Thọ",
];

/// Feedback descriptions per category code.
pub fn description(category: &str, street: &str, n: u32) -> String {
    let t: &[&str] = match category {
        "security_order" => &[
            "Nhóm thanh niên tụ tập gây ồn ào sau 23 giờ trên đường {s}.",
            "Có người lạ lảng vảng, nghi trộm xe máy ở hẻm {n} đường {s}.",
            "Tiếng karaoke lớn kéo dài đến khuya tại số {n} {s}.",
        ],
        "traffic" => &[
            "Xe tải đậu chiếm lòng đường {s} vào giờ cao điểm.",
            "Đèn tín hiệu giao thông ở giao lộ {s} bị hỏng.",
            "Biển báo cấm đỗ trên đường {s} bị che khuất.",
        ],
        "environment" => &[
            "Rác thải tồn đọng nhiều ngày ở đầu hẻm {n} đường {s}.",
            "Cống thoát nước bốc mùi hôi gần số {n} {s}.",
            "Có người đổ xà bần trái phép trên vỉa hè đường {s}.",
            "Nước thải từ quán ăn chảy ra đường {s}.",
        ],
        "fire_risk" => &[
            "Dây điện chằng chịt, có tia lửa ở trụ điện đường {s}.",
            "Kho chứa hàng dễ cháy trong khu dân cư, số {n} {s}.",
        ],
        "infrastructure" => &[
            "Ổ gà lớn trên mặt đường {s}, nguy hiểm cho xe máy.",
            "Đèn đường hẻm {n} {s} không sáng nhiều đêm nay.",
            "Nắp hố ga bị vỡ trước số {n} {s}.",
            "Vỉa hè đường {s} bị sụt lún.",
        ],
        "administrative" => &[
            "Hồ sơ đăng ký tạm trú nộp đã quá hạn nhưng chưa có kết quả.",
            "Đề nghị hướng dẫn thủ tục tách hộ cho gia đình ở {s}.",
        ],
        _ => &[
            "Đề nghị bố trí thêm thùng rác công cộng trên đường {s}.",
            "Kiến nghị tổ chức lớp tập thể dục cho người cao tuổi trong khu phố.",
        ],
    };
    let i = (n as usize) % t.len();
    t[i].replace("{s}", street)
        .replace("{n}", &(n % 200 + 1).to_string())
}

/// Public answers for resolved items, per category code.
pub fn answer(category: &str) -> &'static str {
    match category {
        "security_order" => "Công an phường đã kiểm tra, nhắc nhở và tăng cường tuần tra khu vực.",
        "traffic" => "Đã phối hợp lực lượng chức năng xử lý, khu vực đã thông thoáng.",
        "environment" => "Đã liên hệ đơn vị thu gom, rác được dọn sạch trong ngày.",
        "fire_risk" => "Điện lực đã đến kiểm tra và khắc phục, loại bỏ nguy cơ cháy.",
        "infrastructure" => "Đã báo đơn vị quản lý hạ tầng, sửa chữa hoàn tất.",
        "administrative" => "Hồ sơ đã được giải quyết, mời ông/bà đến nhận kết quả.",
        _ => "Ý kiến đã được ghi nhận và chuyển bộ phận phụ trách.",
    }
}
