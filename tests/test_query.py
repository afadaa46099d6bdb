"""The query language and the Vietnamese folding it relies on (no index involved)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from paperwork.archive.folding import (
    fold,
    fold_words,
    looks_like_number,
    normalise_number,
    within_one_edit,
)
from paperwork.archive.query import Query, parse_query
from paperwork.errors import InputError


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quyết định", "quyet dinh"),
        ("ĐỒNG THÁP", "dong thap"),
        ("Ðồng Tháp", "dong thap"),  # U+00D0, the look-alike of Đ
        ("đ Đ Ð ð", "d d d d"),
        ("Ủy ban nhân dân tỉnh Bạc Liêu", "uy ban nhan dan tinh bac lieu"),
        ("ưởng ỡ ặ ẫ ỳ ỵ ụ ọ", "uong o a a y y u o"),
    ],
)
def test_fold_removes_every_vietnamese_diacritic(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_normalises_decomposed_input_first() -> None:
    nfd = unicodedata.normalize("NFD", "quyết định")
    assert fold_words(nfd) == ["quyet", "dinh"]


def test_fold_words_keeps_short_and_english_looking_words() -> None:
    """No stop words, no minimum length: "ở", "an", "in" are Vietnamese words."""
    assert fold_words("ở An Giang in ấn") == ["o", "an", "giang", "in", "an"]


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("28/HD-TĐKT", "28/HD-TDKT"),
        ("28/hd-tdkt", "28/HD-TDKT"),
        ("13/2018/QĐ-UBND", "13/2018/QD-UBND"),
        (" 328 / QÐ-UBND ", "328/QD-UBND"),
    ],
)
def test_normalise_number(number: str, key: str) -> None:
    assert normalise_number(number) == key


def test_looks_like_number() -> None:
    assert looks_like_number("28/HD-TĐKT")
    assert not looks_like_number("và/hoặc")
    assert not looks_like_number("2023")


def test_within_one_edit() -> None:
    assert within_one_edit("lieu", "liu")
    assert within_one_edit("thuong", "thuomg")
    assert within_one_edit("ben", "bent")
    assert not within_one_edit("lieu", "lu")


def test_plain_words_phrases_and_fuzzy() -> None:
    q = parse_query('khen thưởng, "giao ước thi đua" Liu~')
    assert q.words == ("khen", "thưởng")
    assert q.phrases == ("giao ước thi đua",)
    assert q.fuzzy == ("Liu",)
    assert not q.is_empty


def test_typographic_quotes_make_a_phrase() -> None:
    assert parse_query("“thi đua” khen").phrases == ("thi đua",)


def test_a_quoted_single_word_is_a_word() -> None:
    assert parse_query('"khen"').words == ("khen",)


def test_inline_filters_with_quoted_values() -> None:
    q = parse_query('type:"Quyết định" year:2023 agency:"Sở Nội vụ" number:28/HD-TĐKT giấy khen')
    assert q.type == "Quyết định"
    assert q.year == 2023
    assert q.agency == "Sở Nội vụ"
    assert q.number == "28/HD-TĐKT"
    assert q.words == ("giấy", "khen")


def test_text_is_nfc_normalised() -> None:
    q = parse_query(unicodedata.normalize("NFD", 'quyết type:"Quyết định"'))
    assert q.words == ("quyết",)
    assert q.type == "Quyết định"


def test_options_fill_in_and_agree_with_inline_values() -> None:
    q = parse_query('type:"Quyet dinh" khen', type="Quyết định", year="2023", limit=5, sort="date")
    assert (q.type, q.year, q.limit, q.sort) == ("Quyet dinh", 2023, 5, "date")


def test_options_set_to_none_are_ignored() -> None:
    assert parse_query("khen", type=None, year=None) == Query(words=("khen",))


@pytest.mark.parametrize(
    ("text", "options", "key"),
    [
        ("year:2023", {"year": 2022}, "year"),
        ('type:"Quyết định"', {"type": "Hướng dẫn"}, "type"),
        ("year:2022 year:2023", {}, "year"),
        ("year:abc", {}, "year"),
        ("khen", {"year": "năm ngoái"}, "year"),
        ("khen", {"limit": 0}, "limit"),
        ("khen", {"limit": 1001}, "limit"),
        ("khen", {"sort": "title"}, "sort"),
        ("khen", {"date_from": "2023-13-01"}, "date_from"),
        ("khen", {"date_from": date(2023, 5, 1), "date_to": date(2023, 1, 1)}, "date_from"),
        ("agency:", {}, "agency"),
    ],
)
def test_bad_or_conflicting_values_name_the_key(text: str, options: dict, key: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_query(text, **options)
    assert excinfo.value.field == key
    assert key in str(excinfo.value)


def test_at_most_64_words_are_searched() -> None:
    """Words of phrases and of word~ count; filters do not."""
    assert len(parse_query(" ".join(["khen"] * 64) + " year:2023").words) == 64
    assert parse_query(" ".join(["khen"] * 61) + ' "thi đua" Liu~').fuzzy == ("Liu",)
    with pytest.raises(InputError) as excinfo:
        parse_query(" ".join(["khen"] * 62) + ' "thi đua" Liu~')
    assert str(excinfo.value) == "the query has 65 words; at most 64 are searched: shorten it"


def test_at_most_1000_hits_are_listed() -> None:
    assert parse_query("khen", limit=1000).limit == 1000
    with pytest.raises(InputError) as excinfo:
        parse_query("khen", limit=10**9)
    assert str(excinfo.value) == "limit: must be at most 1000, got 1000000000"


def test_empty_query_lists_filters() -> None:
    q = parse_query("year:2023", agency="Bến Tre")
    assert q.is_empty
    assert q.has_filters
    assert parse_query("").is_empty
    assert not parse_query("number:28/HD-TĐKT").is_empty


def test_dates_from_strings() -> None:
    q = parse_query("", date_from="2023-01-01", date_to=date(2023, 12, 31))
    assert (q.date_from, q.date_to) == (date(2023, 1, 1), date(2023, 12, 31))


def test_unknown_inline_key_is_a_word() -> None:
    assert parse_query("Điều:1").words == ("Điều:1",)
