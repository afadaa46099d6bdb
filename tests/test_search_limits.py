"""Limits of `paperwork search` and `archive show|text`: one clear line, exit 2, no traceback,
on both engines (a 1,000-word query overflowed Whoosh's recursion, `--limit 1000000000`
made Tantivy abort the process on a 48 GB allocation, a 20-digit id overflowed SQLite)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_workspace
from archive_docs import make_document

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
def archive(ws: Workspace, run, tmp_path: Path) -> str:
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


def test_a_query_of_more_than_64_words_is_refused(run, archive: str) -> None:
    words = [f"từ{i}" for i in range(1000)]
    refused(run("search", *words), f"the query has 1000 words; at most {MAX_WORDS} are searched: shorten it")


def test_the_word_limit_counts_the_words_of_phrases_and_fuzzy_words(run, archive: str) -> None:
    words = ["khen"] * (MAX_WORDS - 4)
    result = run("search", *words, '"thi đua"', "phong~", "trào")  # 64 words: searched
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#1  05/QĐ-SNV")
    refused(
        run("search", *words, '"thi đua năm"', "phong~", "trào"),
        f"the query has {MAX_WORDS + 1} words; at most {MAX_WORDS} are searched: shorten it",
    )


def test_a_limit_over_the_maximum_is_refused(run, archive: str) -> None:
    refused(
        run("search", "khen", "--limit", "1000000000"),
        f"limit: must be at most {MAX_LIMIT}, got 1000000000",
    )
    result = run("search", "khen", "--limit", str(MAX_LIMIT))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#1  ")


@pytest.mark.parametrize("command", ["show", "text"])
@pytest.mark.parametrize("doc_id", ["99999999999999999999", str(2**63), str(2**63 - 1)])
def test_an_id_past_what_sqlite_holds_is_an_unknown_id(run, archive: str, command: str, doc_id: str) -> None:
    refused(run("archive", command, doc_id), f"no document with id {doc_id} in the archive")


@pytest.mark.parametrize(
    "query",
    [LONG_WORD, LONG_WORD.upper() + "~", f'"thi đua {LONG_WORD}"', f"1/{LONG_WORD}", OTHER_LONG_WORD],
    ids=["word", "fuzzy", "phrase", "number", "unknown"],
)
def test_a_word_too_long_to_search_is_refused_in_one_line(run, archive: str, query: str) -> None:
    """No word is that long: on Whoosh a 10,000-character fuzzy word took seconds, and Tantivy
    silently drops words past 64 KB; both engines refuse it the same way, before searching."""
    result = run("search", query)
    assert result.exit_code == 2
    assert re.fullmatch(r"Error: a word of the query has \d+ characters; at most 100 are searched: shorten it\n",
                        result.stderr), result.stderr


def test_archive_ocr_refuses_ids_sqlite_cannot_hold(run) -> None:
    result = run("archive", "ocr", "99999999999999999999")
    assert (result.exit_code, result.stderr) == (
        2, "Error: no document with id 99999999999999999999 in the archive\n")
