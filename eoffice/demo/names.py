"""Vocabulary for the demo province: people's names, departments, units and place names.

The departments follow the provincial apparatus after the 2025 reorganisation (Nghị quyết
18-NQ/TW; two-level local government from 1 July 2025): about fourteen sở plus the inspectorate,
boards and public service units a province really runs. Names are only a realistic backdrop;
nothing here is an authoritative list.
"""

from __future__ import annotations

from dataclasses import dataclass

# Family names weighted roughly by how common they are (Nguyễn is about 38% of the population).
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Lương", 1),
    ("Trịnh", 1),
    ("Mai", 1),
)
MALE_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Ngọc", "Mạnh", "Tiến", "Anh")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Thùy", "Kim", "Minh", "Hồng", "Phương", "Mỹ")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khoa", "Kiên",
    "Long", "Lực", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quý", "Sơn", "Tài", "Tâm", "Thắng", "Thịnh",
    "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền", "Lan",
    "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo",
    "Thủy", "Trang", "Trinh", "Uyên", "Vân", "Yến",
)  # fmt: skip

# Syllables of Sino-Vietnamese place names; two of them make a commune, ward or province name.
PLACE_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Hưng", "Đông", "Tây", "Nam", "Bắc", "Thuận",
    "Phước", "Mỹ", "Quang", "Minh", "Xuân", "Thanh", "Hợp", "Lộc", "Thịnh", "Phong", "Vĩnh", "Trung",
    "Hải", "Sơn", "Lâm", "Đức", "Nghĩa", "Tiến", "Thắng", "Lợi", "Kim", "Ngọc", "Hồng", "Cẩm", "Lạc",
    "Yên", "Định", "Khánh", "Hiệp", "Thái", "Cát", "Đồng", "Tường", "Gia", "Quý", "Hậu", "Thượng",
)  # fmt: skip
STREET_NAMES = (
    "Trần Hưng Đạo", "Lê Lợi", "Hùng Vương", "Nguyễn Trãi", "Quang Trung", "Hai Bà Trưng", "Lý Thường Kiệt",
    "Nguyễn Huệ", "Phan Đình Phùng", "Lê Duẩn", "Võ Thị Sáu", "Nguyễn Du", "Trường Chinh", "Điện Biên Phủ",
)  # fmt: skip


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    abbreviation: str
    head_title: str
    deputy_title: str
    # Specialist units (phòng chuyên môn) after "Văn phòng" and the planning-finance office.
    units: tuple[tuple[str, str], ...]
    # Public service units under the department (đơn vị sự nghiệp, chi cục): own agencies in the tree.
    subordinates: tuple[str, ...] = ()
    # Schools are named after communes, so the education department gets this many more.
    schools: int = 0


_DIRECTOR = ("Giám đốc", "Phó Giám đốc")
DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "Sở Nội vụ", "SNV", *_DIRECTOR,
        (("Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "TCBC"), ("Phòng Công chức, viên chức", "CCVC"),
         ("Phòng Xây dựng chính quyền", "XDCQ"), ("Phòng Lao động – Việc làm", "LĐVL")),
        ("Ban Thi đua – Khen thưởng", "Chi cục Văn thư – Lưu trữ", "Trung tâm Dịch vụ việc làm"),
    ),
    DepartmentSpec(
        "Sở Tài chính", "STC", *_DIRECTOR,
        (("Phòng Quản lý ngân sách", "QLNS"), ("Phòng Tài chính đầu tư", "TCĐT"),
         ("Phòng Quản lý giá và công sản", "QLG"), ("Phòng Doanh nghiệp, kinh tế tập thể", "DN")),
        ("Trung tâm Tư vấn và Dịch vụ tài chính",),
    ),
    DepartmentSpec(
        "Sở Tư pháp", "STP", *_DIRECTOR,
        (("Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật", "XDKT"),
         ("Phòng Hành chính tư pháp", "HCTP"), ("Phòng Bổ trợ tư pháp", "BTTP")),
        ("Trung tâm Trợ giúp pháp lý nhà nước", "Phòng Công chứng số 1", "Trung tâm Dịch vụ đấu giá tài sản"),
    ),
    DepartmentSpec(
        "Sở Xây dựng", "SXD", *_DIRECTOR,
        (("Phòng Quy hoạch – Kiến trúc", "QHKT"), ("Phòng Quản lý kết cấu hạ tầng giao thông", "KCHT"),
         ("Phòng Phát triển đô thị và nhà ở", "PTĐT"), ("Phòng Quản lý vận tải", "QLVT")),
        ("Trung tâm Đăng kiểm phương tiện giao thông", "Trung tâm Giám định chất lượng xây dựng",
         "Cảng vụ Đường thủy nội địa"),
    ),
    DepartmentSpec(
        "Sở Y tế", "SYT", *_DIRECTOR,
        (("Phòng Nghiệp vụ Y", "NVY"), ("Phòng Nghiệp vụ Dược", "NVD"), ("Phòng Bảo trợ xã hội", "BTXH")),
        ("Bệnh viện Đa khoa tỉnh", "Trung tâm Kiểm soát bệnh tật", "Bệnh viện Y dược cổ truyền",
         "Bệnh viện Sản – Nhi", "Bệnh viện Phổi", "Bệnh viện Tâm thần", "Trung tâm Pháp y",
         "Trung tâm Kiểm nghiệm Thuốc, Mỹ phẩm, Thực phẩm", "Chi cục Dân số",
         "Chi cục An toàn vệ sinh thực phẩm"),
    ),
    DepartmentSpec(
        "Sở Giáo dục và Đào tạo", "SGDĐT", *_DIRECTOR,
        (("Phòng Giáo dục Mầm non – Tiểu học", "MNTH"), ("Phòng Giáo dục Trung học", "GDTH"),
         ("Phòng Quản lý chất lượng", "QLCL"), ("Phòng Giáo dục thường xuyên", "GDTX")),
        ("Trường Phổ thông Dân tộc nội trú tỉnh", "Trung tâm Giáo dục thường xuyên tỉnh"),
        schools=14,
    ),
    DepartmentSpec(
        "Sở Công Thương", "SCT", *_DIRECTOR,
        (("Phòng Quản lý thương mại", "QLTM"), ("Phòng Quản lý công nghiệp", "QLCN"),
         ("Phòng Quản lý năng lượng", "QLNL")),
        ("Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",),
    ),
    DepartmentSpec(
        "Sở Nông nghiệp và Môi trường", "SNNMT", *_DIRECTOR,
        (("Phòng Quản lý đất đai", "QLĐĐ"), ("Phòng Môi trường", "MT"),
         ("Phòng Kế hoạch – Phát triển nông thôn", "PTNT"), ("Phòng Tài nguyên nước", "TNN")),
        ("Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Chi cục Trồng trọt và Bảo vệ thực vật",
         "Chi cục Chăn nuôi và Thú y", "Chi cục Thủy sản", "Trung tâm Khuyến nông",
         "Văn phòng Đăng ký đất đai",
         "Ban Quản lý rừng phòng hộ", "Trung tâm Quan trắc tài nguyên và môi trường"),
    ),
    DepartmentSpec(
        "Sở Khoa học và Công nghệ", "SKHCN", *_DIRECTOR,
        (("Phòng Quản lý khoa học", "QLKH"), ("Phòng Chuyển đổi số", "CĐS"),
         ("Phòng Bưu chính, Viễn thông", "BCVT")),
        ("Trung tâm Chuyển đổi số", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
         "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
    ),
    DepartmentSpec(
        "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", *_DIRECTOR,
        (("Phòng Quản lý văn hóa", "QLVH"), ("Phòng Quản lý thể dục thể thao", "TDTT"),
         ("Phòng Quản lý du lịch", "QLDL"), ("Phòng Báo chí – Xuất bản", "BCXB")),
        ("Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa – Điện ảnh",
         "Trung tâm Huấn luyện và Thi đấu thể dục thể thao", "Ban Quản lý di tích tỉnh"),
    ),
    DepartmentSpec(
        "Sở Dân tộc và Tôn giáo", "SDTTG", *_DIRECTOR,
        (("Phòng Chính sách dân tộc", "CSDT"), ("Phòng Quản lý tôn giáo", "QLTG")),
    ),
    DepartmentSpec(
        "Sở Ngoại vụ", "SNgV", *_DIRECTOR,
        (("Phòng Lãnh sự – Người Việt Nam ở nước ngoài", "LS"), ("Phòng Hợp tác quốc tế", "HTQT")),
    ),
    DepartmentSpec(
        "Thanh tra tỉnh", "TTr", "Chánh Thanh tra", "Phó Chánh Thanh tra",
        (("Phòng Nghiệp vụ 1", "NV1"), ("Phòng Nghiệp vụ 2", "NV2"), ("Phòng Nghiệp vụ 3", "NV3"),
         ("Phòng Phòng, chống tham nhũng", "PCTN")),
    ),
    DepartmentSpec(
        "Ban Quản lý các khu công nghiệp", "BQLKCN", "Trưởng ban", "Phó Trưởng ban",
        (("Phòng Quản lý đầu tư", "QLĐT"), ("Phòng Quản lý lao động – Môi trường", "LĐMT")),
    ),
    DepartmentSpec(
        "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp", "BQLDA", "Giám đốc",
        "Phó Giám đốc",
        (("Phòng Kỹ thuật – Thẩm định", "KTTĐ"), ("Phòng Điều hành dự án", "ĐHDA")),
    ),
    DepartmentSpec(
        "Đài Phát thanh và Truyền hình tỉnh", "ĐPTTH", *_DIRECTOR,
        (("Phòng Thời sự", "TS"), ("Phòng Chuyên đề", "CĐ"), ("Phòng Kỹ thuật – Công nghệ", "KTCN")),
    ),
    DepartmentSpec(
        "Trường Chính trị tỉnh", "TCT", "Hiệu trưởng", "Phó Hiệu trưởng",
        (("Khoa Lý luận cơ sở", "LLCS"), ("Khoa Xây dựng Đảng", "XDĐ"), ("Phòng Quản lý đào tạo", "QLĐT")),
    ),
    DepartmentSpec(
        "Quỹ Đầu tư phát triển tỉnh", "QĐTPT", *_DIRECTOR,
        (("Phòng Tín dụng", "TD"), ("Phòng Nghiệp vụ", "NV")),
    ),
    DepartmentSpec(
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "TTXT", *_DIRECTOR,
        (("Phòng Xúc tiến đầu tư", "XTĐT"), ("Phòng Xúc tiến thương mại – Du lịch", "XTTM")),
    ),
    DepartmentSpec(
        "Ban Quản lý Khu kinh tế", "BQLKKT", "Trưởng ban", "Phó Trưởng ban",
        (("Phòng Quy hoạch – Xây dựng", "QHXD"), ("Phòng Quản lý doanh nghiệp", "QLDN")),
    ),
)  # fmt: skip

PROVINCE_UNITS = (("Bộ phận Thường trực", "TT"), ("Ban Tiếp công dân tỉnh", "TCD"))
PROVINCE_OFFICE_UNITS = (
    ("Phòng Hành chính – Tổ chức", "HCTC"),
    ("Phòng Tổng hợp", "TH"),
    ("Phòng Kinh tế", "KT"),
    ("Phòng Khoa giáo – Văn xã", "KGVX"),
    ("Phòng Nội chính", "NC"),
    ("Phòng Quản trị – Tài vụ", "QTTV"),
)
PROVINCE_OFFICE_SUBORDINATES = ("Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Công báo – Tin học")
DEPARTMENT_COMMON_UNITS = (("Văn phòng", "VP"), ("Phòng Kế hoạch – Tài chính", "KHTC"))
SUBORDINATE_UNITS = (("Phòng Tổ chức – Hành chính", "TCHC"), ("Phòng Nghiệp vụ", "NV"))
COMMUNE_UNITS = (
    ("Văn phòng HĐND và UBND", "VP"),
    ("Phòng Kinh tế", "KT"),
    ("Phòng Văn hóa – Xã hội", "VHXH"),
)
WARD_UNITS = (
    ("Văn phòng HĐND và UBND", "VP"),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT"),
    ("Phòng Văn hóa – Xã hội", "VHXH"),
)
