"""Balanced centred lines measured with Times New Roman's widths (linebreak.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperwork.linebreak import balance, text_width_mm

TITLE = ("Về việc tặng Bằng khen của Bộ trưởng Bộ Nội vụ cho các tập thể, cá nhân thuộc Cụm thi đua Sở Nội vụ"
         " các tỉnh, thành miền Tây Nam Bộ đã có thành tích xuất sắc trong phong trào thi đua năm 2022")


def test_widths_are_times_new_romans() -> None:
    # The motto at 13 pt bold measures 56 mm in Word and LibreOffice (Times New Roman / Liberation Serif).
    assert abs(text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, bold=True) - 56.1) < 0.3
    assert text_width_mm("Độc lập", 13, bold=True) > text_width_mm("Độc lập", 13)
    assert text_width_mm("ĐỘC LẬP", 12) > text_width_mm("độc lập", 12)


def test_a_long_title_breaks_evenly_without_a_lone_word_or_a_broken_name() -> None:
    lines = balance(TITLE, 160, 14, bold=True)
    assert len(lines) == 3
    assert " ".join(lines) == TITLE
    assert all(text_width_mm(line, 14, bold=True) <= 159 for line in lines)
    assert all(len(line.split()) > 1 for line in lines)
    assert not any(line.endswith(("Tây", "Tây Nam", "cá", "thi")) for line in lines)
    widths = [text_width_mm(line, 14, bold=True) for line in lines]
    assert max(widths) - min(widths) < 30  # even, not one full line and a stub


def test_place_names_and_titles_stay_whole() -> None:
    assert balance("GIÁM ĐỐC SỞ NỘI VỤ TỈNH BẠC LIÊU", 75, 14, bold=True) == ["GIÁM ĐỐC SỞ NỘI VỤ", "TỈNH BẠC LIÊU"]
    cluster = balance("CỤM THI ĐUA SỞ NỘI VỤ CÁC TỈNH, THÀNH MIỀN TÂY NAM BỘ", 80, 12, bold=True)
    assert cluster[-1].endswith("MIỀN TÂY NAM BỘ")
    assert balance("Bạc Liêu", 5, 14) == ["Bạc Liêu"]  # too wide, but never split


def test_text_that_fits_is_one_line() -> None:
    assert balance("SỞ NỘI VỤ", 70, 12, bold=True) == ["SỞ NỘI VỤ"]
    assert balance("  ", 70, 12) == []


WORDS = st.sampled_from(["thi", "đua", "khen", "thưởng", "Sở", "Nội", "vụ", "tỉnh", "Bạc", "Liêu", "năm", "2023",
                         "các", "cá", "nhân", "tập", "thể,", "xuất", "sắc", "Nguyễn", "Văn", "An"])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40), st.floats(min_value=30, max_value=170))
def test_every_balanced_text_keeps_its_words_fits_and_uses_the_fewest_lines(words, width) -> None:
    text = " ".join(words)
    lines = balance(text, width, 13, bold=True)
    assert " ".join(lines) == text
    for line in lines:
        assert text_width_mm(line, 13, bold=True) <= width or " " not in line or "Bạc Liêu" in line
    # Never more lines than filling each line greedily would take.
    greedy, current = 0, ""
    for token in balance(text, 1, 13, bold=True):  # the unbreakable tokens, one a line
        trial = f"{current} {token}".strip()
        if current and text_width_mm(trial, 13, bold=True) > width - 1.0:
            greedy, current = greedy + 1, token
        else:
            current = trial
    assert len(lines) <= greedy + 1
