"""A seeded, deterministic synthetic corpus of Vietnamese administrative documents.

Each document is 2–8 KB of text built from the vocabulary of the emulation-and-reward
field (thi đua, khen thưởng, quyết định…), with a type, a date, an issuing agency, a
document number (số ký hiệu) and names of people and places, so that the benchmark's
queries behave like an archivist's: common words in nearly every document, names rare.

    from corpus import generate
    docs = list(generate(10_000, seed=2023))
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

PROVINCES = [
    "Bạc Liêu", "Bến Tre", "Trà Vinh", "Sóc Trăng", "Hậu Giang", "Long An", "An Giang",
    "Đồng Tháp", "Vĩnh Long", "Tiền Giang", "Cà Mau", "Kiên Giang", "Cần Thơ",
]
DISTRICTS = [
    "Hồng Dân", "Phước Long", "Giá Rai", "Đông Hải", "Mỏ Cày Nam", "Ba Tri", "Chợ Lách",
    "Thạnh Phú", "Năm Căn", "Ngọc Hiển", "Trần Văn Thời", "U Minh", "Tam Bình", "Trà Ôn",
    "Long Hồ", "Mang Thít", "Cao Lãnh", "Sa Đéc", "Lai Vung", "Châu Thành", "Cầu Ngang",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Lâm", "Tạ", "Châu"]
MIDDLE = ["Văn", "Thị", "Công", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Kim", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giàu", "Hầu", "Hùng", "Khoa", "Lan", "Liên", "Mai",
         "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trí", "Trung", "Tuấn", "Uyên",
         "Vân", "Xuân", "Yến", "Duy", "Minh", "Hạnh", "Lợi", "Đạt", "Khánh", "Ngân", "Tài"]
AGENCIES = [
    ("Ủy ban nhân dân tỉnh {p}", "UBND"),
    ("Sở Nội vụ tỉnh {p}", "SNV"),
    ("Ban Thi đua - Khen thưởng tỉnh {p}", "BTĐKT"),
    ("Hội đồng Thi đua - Khen thưởng tỉnh {p}", "HĐTĐKT"),
    ("Sở Tài chính tỉnh {p}", "STC"),
    ("Sở Giáo dục và Đào tạo tỉnh {p}", "SGDĐT"),
]
TYPES = [
    ("Quyết định", "QĐ", "về việc tặng Giấy khen cho các tập thể và cá nhân"),
    ("Quyết định", "QĐ", "về việc ban hành Quy chế công tác văn thư, lưu trữ"),
    ("Hướng dẫn", "HD", "công tác thi đua, khen thưởng năm {y}"),
    ("Kế hoạch", "KH", "tổ chức phong trào thi đua yêu nước năm {y}"),
    ("Báo cáo", "BC", "tổng kết công tác thi đua, khen thưởng năm {y}"),
    ("Công văn", "", "về việc đề nghị khen thưởng thành tích năm {y}"),
    ("Biên bản", "BB", "Hội nghị Cụm thi đua các tỉnh miền Tây Nam Bộ năm {y}"),
    ("Giao ước", "GƯ", "Bản giao ước thi đua năm {y}"),
    ("Thông báo", "TB", "kết quả bình xét thi đua năm {y}"),
    ("Tờ trình", "TTr", "đề nghị tặng Bằng khen của Bộ trưởng Bộ Nội vụ"),
]
SENTENCES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Xét đề nghị của Giám đốc Sở Nội vụ và Trưởng ban Ban Thi đua - Khen thưởng tỉnh;",
    "Phong trào thi đua yêu nước được triển khai sâu rộng đến các cơ quan, đơn vị, địa phương và đạt nhiều kết quả tích cực.",
    "Công tác quản lý đội ngũ cán bộ, công chức, viên chức có nhiều chuyển biến tích cực, từng bước đi vào nền nếp.",
    "Các chế độ, chính sách đối với cán bộ, công chức, viên chức được thực hiện kịp thời, đúng quy định.",
    "Công tác đào tạo, bồi dưỡng cho đội ngũ được quan tâm thường xuyên, chất lượng đội ngũ từng bước được nâng lên.",
    "Kỷ luật, kỷ cương hành chính, lề lối, tác phong làm việc của cán bộ, công chức từng bước đi vào nề nếp.",
    "Công tác văn thư, lưu trữ được quan tâm chỉ đạo, hồ sơ tài liệu được lập và nộp lưu đúng thời hạn.",
    "Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức được cập nhật đầy đủ, chính xác.",
    "Công tác sắp xếp tổ chức bộ máy bên trong các cơ quan chuyên môn, đơn vị sự nghiệp được thực hiện đúng lộ trình.",
    "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp.",
    "Các đơn vị chủ động đăng ký thi đua, xây dựng kế hoạch và tổ chức ký kết giao ước thi đua.",
    "Hội đồng Thi đua - Khen thưởng đã họp xét, thống nhất đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc.",
    "Việc bình xét khen thưởng bảo đảm công khai, dân chủ, đúng đối tượng, tiêu chuẩn và quy trình.",
    "Tiền thưởng kèm theo được chi từ nguồn quỹ thi đua, khen thưởng của tỉnh theo quy định hiện hành.",
    "Chánh Văn phòng, Giám đốc Sở Nội vụ, Thủ trưởng các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Nơi nhận: như Điều 3; Bộ Nội vụ; Ban Thi đua - Khen thưởng Trung ương; lưu VT.",
    "Chủ đề của phong trào thi đua là đoàn kết, kỷ cương, gương mẫu, đổi mới, sáng tạo, hiệu quả.",
    "Cụm thi đua thống nhất bầu đơn vị làm Cụm trưởng và đơn vị làm Cụm phó năm tới.",
    "Tổng kinh phí thực hiện là 125.000.000 đồng (một trăm hai mươi lăm triệu đồng).",
    "Đề nghị các đơn vị gửi hồ sơ về Ban Thi đua - Khen thưởng trước ngày 30 tháng 11 để tổng hợp, trình cấp có thẩm quyền xem xét.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Sở Nội vụ để được hướng dẫn.",
]
PERSON_SENTENCES = [
    "Tặng Giấy khen cho ông {n}, {r} {d}, đã có thành tích xuất sắc trong phong trào thi đua năm {y}.",
    "Tặng Bằng khen cho bà {n}, {r} {d}, đã hoàn thành xuất sắc nhiệm vụ năm {y}.",
    "Ông {n}, Giám đốc Sở Nội vụ tỉnh {p}, chủ trì Hội nghị tại huyện {d}.",
    "Bà {n}, Phó Chủ tịch UBND tỉnh {p}, phát biểu chỉ đạo Hội nghị.",
    "Công nhận danh hiệu Chiến sĩ thi đua cơ sở cho {n}, {r} {d}, tỉnh {p}.",
]
ROLES = ["Chủ tịch UBND huyện", "Trưởng phòng Nội vụ huyện", "chuyên viên Phòng Nội vụ huyện",
         "Hiệu trưởng Trường Tiểu học", "Bí thư Đảng ủy xã"]


@dataclass(frozen=True)
class CorpusDocument:
    id: int
    filename: str
    title: str
    type: str
    number: str
    date: str
    agency: str
    text: str
    names: tuple[str, ...]  # people named in the text (for "rare" queries)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def generate(n: int, seed: int = 2023) -> Iterator[CorpusDocument]:
    """``n`` documents, the same ones for the same seed (ids 1..n)."""
    rng = random.Random(seed)
    for i in range(1, n + 1):
        year = rng.randint(2015, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        province = rng.choice(PROVINCES)
        type_, symbol, subject = rng.choice(TYPES)
        agency_tpl, agency_code = rng.choice(AGENCIES)
        agency = agency_tpl.format(p=province)
        seq = rng.randint(1, 999)
        code = f"{symbol}-{agency_code}" if symbol else agency_code
        number = f"{seq}/{year}/{code}" if rng.random() < 0.2 else f"{seq}/{code}"
        title = f"{type_} {subject.format(y=year)}"
        target = rng.randint(2000, 8000)
        parts = [title + ".", f"Số: {number}.", f"{province}, ngày {day:02d} tháng {month:02d} năm {year}."]
        names: list[str] = []
        size = sum(len(p.encode("utf-8")) + 1 for p in parts)
        while size < target:
            if rng.random() < 0.2:
                name = person(rng)
                names.append(name)
                sentence = rng.choice(PERSON_SENTENCES).format(
                    n=name, r=rng.choice(ROLES), d=rng.choice(DISTRICTS), y=year, p=province
                )
            else:
                sentence = rng.choice(SENTENCES)
            parts.append(sentence)
            size += len(sentence.encode("utf-8")) + 1
        yield CorpusDocument(
            id=i,
            filename=f"{year}/{i:06d}.docx",
            title=title,
            type=type_,
            number=number,
            date=f"{year}-{month:02d}-{day:02d}",
            agency=agency,
            text=" ".join(parts),
            names=tuple(names),
        )
