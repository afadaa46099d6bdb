"""The query compiled once into an engine-free plan (plan.py), which each engine translates."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwork.archive.folding import exact_words, fold_words
from paperwork.archive.plan import Filters, Fuzzy, SearchPlan, plan_query
from paperwork.archive.query import parse_query


def test_a_mixed_query_gives_its_plan() -> None:
    plan = plan_query(
        parse_query(
            'Khen thưởng thi-đua "giao ước thi đua" 28/HD-TĐKT Liu~ number:05/QĐ-SNV'
            ' type:"Quyết định" agency:"Bến Tre"',
            year=2023,
            date_from=date(2023, 3, 1),
            limit=7,
        )
    )
    words = [(t.text, t.folded, t.exact, t.number, t.pattern is not None) for t in plan.terms]
    assert words == [
        ("Khen", ("khen",), (), None, False),
        ("thưởng", ("thuong",), ("thưởng",), None, False),
        ("thi-đua", ("thi", "dua"), ("đua",), None, True),  # two words, adjacent
        ("28/HD-TĐKT", ("28", "hd", "tdkt"), ("tđkt",), "28/HD-TDKT", False),  # a number
        ("giao ước thi đua", ("giao", "uoc", "thi", "dua"), ("ước", "đua"), None, True),
    ]
    assert plan.fuzzy == (Fuzzy("Liu", ("liu",)),)
    assert plan.number == "05/QD-SNV"
    assert plan.filters == Filters(type="quyet dinh", year="2023", agency=("ben", "tre"), dates=(20230301, 99991231))
    assert plan.exact == ("thưởng", "đua", "tđkt", "ước")  # each once, first seen first
    assert plan.marks == {"khen", "thuong", "thi", "dua", "28", "hd", "tdkt", "giao", "uoc", "05", "qd", "snv"}
    assert plan.fuzzy_marks == {"liu"}
    assert (plan.limit, plan.by_date) == (7, False)
    assert [p.pattern for p in plan.patterns] == [plan.terms[2].pattern.pattern, plan.terms[4].pattern.pattern]


def test_the_patterns_match_the_words_adjacent_with_any_diacritics() -> None:
    (term,) = plan_query(parse_query('"giao ước thi đua"')).terms
    assert term.pattern is not None
    assert term.pattern.search("ký kết Giao Uoc thi-đua năm 2023")
    assert not term.pattern.search("giao ước về thi đua")


def test_a_quoted_phrase_shaped_like_a_number_is_a_phrase() -> None:
    (term,) = plan_query(parse_query('"28/HD-TĐKT ngày 6"')).terms
    assert term.number is None
    assert term.pattern is not None


def test_no_words_lists_newest_first_and_date_sort_is_kept() -> None:
    assert plan_query(parse_query("year:2023")).by_date
    assert plan_query(parse_query("thi đua", sort="date")).by_date
    assert not plan_query(parse_query("thi đua")).by_date
    empty = plan_query(parse_query(""))
    assert empty == SearchPlan(limit=20, by_date=True)


def test_the_plan_is_frozen() -> None:
    plan = plan_query(parse_query("thi đua"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.limit = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.terms[0].folded = ()  # type: ignore[misc]


def test_planning_imports_no_engine() -> None:
    """The plan is engine-free: computing one loads neither Whoosh nor Tantivy."""
    code = (
        "import sys\n"
        "from paperwork.archive.plan import plan_query\n"
        "from paperwork.archive.query import parse_query\n"
        "plan_query(parse_query('khen thưởng \"thi đua\" 28/HD-TĐKT Liu~ year:2023'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('whoosh', 'tantivy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


# Letters of Vietnamese text, with the marks that cut words ("_" is a word character for
# folding.py, a separator for Tantivy's analyzer).
_ALPHABET = "aăâbcdđĐÐeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵAĂÂÊÔƠƯ0123456789_ -/.,:;\"'()"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_tantivy_reads_the_plans_words_as_it_reads_the_typed_text(text: str) -> None:
    """Tantivy translates the plan's folded words through its analyzer: the same tokens
    as analysing what was typed, so that a query and the index always agree."""
    tantivy_engine = pytest.importorskip("paperwork.archive.engines.tantivy_engine")
    folded = tantivy_engine._analyzer("vi_folded").analyze(text)
    assert tantivy_engine._tokens("vi_folded", fold_words(text)) == folded
    exact = [w for w in tantivy_engine._analyzer("vi_exact").analyze(text) if not w.isascii()]
    plan_exact = [w for w in exact_words(text) if not w.isascii()]
    assert [w for w in tantivy_engine._tokens("vi_exact", plan_exact) if not w.isascii()] == exact
