"""Limits of `paperwork search` and `archive show|text`: one clear line, exit 2, no traceback,
on both engines (a 1,000-word query overflowed Whoosh's recursion, `--limit 1000000000`
made Tantivy abort the process on a 48 GB allocation, a 20-digit id overflowed SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_workspace
from test_archive_support import make_document, run  # noqa: F401

from paperwork.archive.names import ENGINES
from paperwork.archive.query import MAX_LIMIT, MAX_WORDS
from paperwork.config import Workspace

LONG_WORD = "chữ" * 3334  # 10,002 characters, one word
OTHER_LONG_WORD = "x" * 10_000


@pytest.fixture(params=ENGINES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A workspace per engine."""
    return make_workspace(tmp_path / "ws", f'[archive]\nengine = "{request.param}"\n')


@pytest.fixture
def archive(ws: Workspace, run, tmp_path: Path) -> str:  # noqa: F811
    """An archive of one document (holding a 10,000-character word), on each engine."""
    body = (f"Điều 1. Khen thưởng phong trào thi đua {LONG_WORD} năm 2025.",)
    result = run("archive", "add", make_document(tmp_path / "qd.docx", body=body))
    assert result.exit_code == 0, result.output
    return ws.engine


def refused(result, line: str) -> None:
    """Exit 2, ``line`` alone on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {line}\n"
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)  # not an exception the CLI let through


def test_a_query_of_more_than_64_words_is_refused(run, archive: str) -> None:  # noqa: F811
    words = [f"từ{i}" for i in range(1000)]
    refused(run("search", *words), f"the query has 1000 words; at most {MAX_WORDS} are searched: shorten it")


def test_the_word_limit_counts_the_words_of_phrases_and_fuzzy_words(run, archive: str) -> None:  # noqa: F811
    words = ["khen"] * (MAX_WORDS - 4)
    result = run("search", *words, '"thi đua"', "phong~", "trào")  # 64 words: searched
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#1  05/QĐ-SNV")
    refused(
        run("search", *words, '"thi đua năm"', "phong~", "trào"),
        f"the query has {MAX_WORDS + 1} words; at most {MAX_WORDS} are searched: shorten it",
    )


def test_a_limit_over_the_maximum_is_refused(run, archive: str) -> None:  # noqa: F811
    refused(
        run("search", "khen", "--limit", "1000000000"),
        f"limit: must be at most {MAX_LIMIT}, got 1000000000",
    )
    result = run("search", "khen", "--limit", str(MAX_LIMIT))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#1  ")


@pytest.mark.parametrize("command", ["show", "text"])
@pytest.mark.parametrize("doc_id", ["99999999999999999999", str(2**63), str(2**63 - 1)])
def test_an_id_past_what_sqlite_holds_is_an_unknown_id(run, archive: str, command: str, doc_id: str) -> None:  # noqa: F811
    refused(run("archive", command, doc_id), f"no document with id {doc_id} in the archive")


@pytest.mark.parametrize(
    "query",
    [LONG_WORD, LONG_WORD.upper() + "~", f'"thi đua {LONG_WORD}"', f"1/{LONG_WORD}"],
    ids=["word", "fuzzy", "phrase", "number"],
)
def test_a_10000_character_word_is_searched_like_any_word(run, archive: str, query: str) -> None:  # noqa: F811
    result = run("search", query)
    assert result.exit_code == 0, result.output
    expected = "No documents found.\n" if query.startswith("1/") else "#1  05/QĐ-SNV"
    assert result.stdout.startswith(expected)


def test_an_unknown_10000_character_word_finds_nothing(run, archive: str) -> None:  # noqa: F811
    for query in (OTHER_LONG_WORD, OTHER_LONG_WORD + "~"):
        result = run("search", query)
        assert result.exit_code == 0, result.output
        assert result.stdout == "No documents found.\n"
