"""Both engines behind the index seam: the same answers, the switch, the messages."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_docs import make_many, run_json
from test_index import CORPUS, doc

from paperwork.archive import index as index_module
from paperwork.archive.index import (
    ENGINES,
    EngineUnavailableError,
    IndexDocument,
    SearchIndex,
    build_index,
    create_index,
    engine_class,
    index_engine,
    open_index,
)
from paperwork.archive.query import MAX_LIMIT, parse_query
from paperwork.archive.searching import open_searcher
from conftest import make_workspace
from paperwork.config import Workspace, load_workspace
from paperwork.errors import IndexVersionError

PEOPLE = ["Nguyễn Văn Bảy", "Trần Thị Ngọc Giàu", "Lê Hữu Phúc", "Đặng Minh Đạt", "Ngô Công Hầu"]
PLACES = ["Bạc Liêu", "Bến Tre", "Trà Vinh", "Sóc Trăng", "Đồng Tháp", "Vĩnh Long", "Cà Mau"]
TYPES = [("Quyết định", "QĐ"), ("Hướng dẫn", "HD"), ("Kế hoạch", "KH"), ("Biên bản", "BB")]
PHRASES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "phong trào thi đua yêu nước được triển khai sâu rộng",
    "công tác văn thư, lưu trữ của các cơ quan, tổ chức",
    "tặng Giấy khen cho các tập thể và cá nhân có thành tích xuất sắc",
    "quyet dinh khen thuong theo de nghi",  # typed without diacritics
    "Hội nghị Cụm thi đua các tỉnh miền Tây Nam Bộ",
]


def corpus(n: int = 240, seed: int = 11) -> list[IndexDocument]:
    rng = random.Random(seed)
    docs = list(CORPUS)
    for i in range(len(CORPUS) + 1, len(CORPUS) + 1 + n):
        kind, symbol = rng.choice(TYPES)
        place = rng.choice(PLACES)
        text = " ".join(rng.sample(PHRASES, 3)) + f" Ông/bà {rng.choice(PEOPLE)} ở {place}."
        docs.append(
            doc(
                i,
                title=f"{kind} về công tác thi đua năm {2015 + i % 10}",
                type=kind,
                number=f"{i}/{symbol}-UBND",
                date=f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                agency=f"Ủy ban nhân dân tỉnh {place}",
                text=text,
            )
        )
    return docs


QUERIES = [
    "thi đua",
    "thi dua",
    "khen thưởng Bạc Liêu",
    "quyet dinh",
    "quyết định",
    "Ðồng Tháp",
    "dong thap",
    "đặng minh đạt",
    '"phong trào thi đua yêu nước"',
    '"thi đua phong trào"',
    '"văn thư lưu trữ"',
    "Giàuu~",
    "Hấu~ Ngô",
    "28/HD-TĐKT",
    "28/hd-tdkt",
    "number:13/2018/QD-UBND",
    "17/QĐ-UBND",
    'khen type:"Quyết định"',
    "thi đua year:2019",
    'agency:"bến tre"',
    "ở",
    "in",
    "thi-đua kỷ-cương",
    "",
    'type:"hướng dẫn"',
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SearchIndex]]:
    docs = corpus()
    assert len(docs) < MAX_LIMIT  # searches with limit=MAX_LIMIT list every match
    root = tmp_path_factory.mktemp("engines")
    opened = {engine: build_index(root / engine, docs, engine) for engine in ENGINES}
    yield opened
    for ix in opened.values():
        ix.close()


@pytest.mark.parametrize("text", QUERIES)
def test_both_engines_find_the_same_documents(both: dict[str, SearchIndex], text: str) -> None:
    """The same corpus, the same query: the same set of documents, the same snippets."""
    found = {engine: ix.search(parse_query(text, limit=MAX_LIMIT)) for engine, ix in both.items()}
    whoosh, tantivy = ({h.id: h for h in found[e]} for e in ENGINES)
    assert set(whoosh) == set(tantivy)
    assert {i: h.snippet for i, h in whoosh.items()} == {i: h.snippet for i, h in tantivy.items()}


@pytest.mark.parametrize(
    ("text", "first"), [("28/HD-TDKT", 2), ("number:28/HD-TDKT", 2), ("17/QĐ-UBND", 17)]
)
def test_both_engines_rank_the_document_itself_and_exact_diacritics_first(
    both: dict[str, SearchIndex], text: str, first: int
) -> None:
    for ix in both.values():
        assert ix.search(parse_query(text))[0].id == first


def test_both_engines_rank_exact_diacritics_before_folded_only_matches(both: dict[str, SearchIndex]) -> None:
    for ix in both.values():
        hits = ix.search(parse_query("quyết định", limit=MAX_LIMIT))
        exact = ["quyết" in h.snippet.lower().replace("«", "").replace("»", "") for h in hits]
        assert exact == sorted(exact, reverse=True) and exact[0] and not exact[-1]


def test_both_engines_list_newest_first_in_the_same_order(both: dict[str, SearchIndex]) -> None:
    lists = [[h.id for h in ix.search(parse_query('type:"Biên bản"', limit=50))] for ix in both.values()]
    assert lists[0] == lists[1]


def test_the_sentinel_names_the_engine_and_a_mismatch_asks_for_reindex(tmp_path: Path) -> None:
    path = tmp_path / "index"
    create_index(path, "tantivy").close()
    assert index_engine(path) == "tantivy"
    with open_index(path) as ix:
        assert ix.engine == "tantivy"
    with pytest.raises(IndexVersionError) as excinfo:
        open_index(path, "whoosh")
    assert str(excinfo.value) == (
        "the search index was built by tantivy but the workspace asks for whoosh:"
        " run `paperwork archive reindex --engine whoosh`"
    )
    with pytest.raises(IndexVersionError, match="built by tantivy, not whoosh"):
        engine_class("whoosh").open(path)


def test_a_missing_engine_is_one_line_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "tantivy", None)  # import tantivy -> ImportError
    monkeypatch.delitem(sys.modules, "paperwork.archive.engines.tantivy_engine", raising=False)
    with pytest.raises(EngineUnavailableError) as excinfo:
        create_index(tmp_path / "index", "tantivy")
    assert str(excinfo.value) == (
        "the tantivy search engine is not installed (tantivy): pip install 'paperwork[tantivy]'"
    )
    assert not (tmp_path / "index").exists()


def test_the_searcher_opens_once_and_sees_later_additions(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", '[archive]\nengine = "tantivy"\n')
    create_index(ws.index_dir, "tantivy").close()
    with open_searcher(ws) as searcher:
        assert searcher.search("thi đua") == []
        with open_index(ws.index_dir, "tantivy") as writer:
            writer.add(CORPUS[:2])
        assert {h.id for h in searcher.search("thi đua")} == {1, 2}
        build_index(ws.index_dir, CORPUS[2:4], "tantivy").close()  # a rebuild swaps the folder
        assert {h.id for h in searcher.search("thi đua")} == {3, 4}


# ------------------------------------------------------------------- the CLI switch


def test_reindex_engine_switches_the_workspace_and_back(run, ws: Workspace, tmp_path: Path) -> None:
    run_json(run, "archive", "add", *make_many(tmp_path, 3))
    before = run_json(run, "search", "khen thưởng")

    switched = run("archive", "reindex", "--engine", "tantivy")
    assert switched.exit_code == 0, switched.output
    assert switched.stdout == (
        "Reindexed 3 documents.\nSearch engine is now tantivy (saved in paperwork.toml).\n"
    )
    assert load_workspace(ws.root).engine == "tantivy"
    after = run_json(run, "search", "khen thưởng")

    def same_json(hits: list[dict]) -> list[dict]:  # equal scores may come in any order
        return sorted(({k: v for k, v in h.items() if k != "score"} for h in hits), key=lambda h: h["id"])

    assert same_json(after) == same_json(before) and len(after) == 3
    assert [sorted(h) for h in after] == [sorted(h) for h in before]  # the same JSON keys
    stats = run_json(run, "archive", "stats")
    assert stats["index"]["engine"] == stats["index"]["built_by"] == "tantivy"
    assert run("archive", "verify").exit_code == 0

    back = run("archive", "reindex", "--engine", "whoosh")
    assert back.exit_code == 0, back.output
    assert load_workspace(ws.root).engine == "whoosh"
    assert run("archive", "reindex").stdout == "Reindexed 3 documents.\n"  # no switch, no note


def test_an_index_of_the_other_engine_asks_for_reindex(run, ws: Workspace, tmp_path: Path) -> None:
    run_json(run, "archive", "add", *make_many(tmp_path, 1))
    (ws.root / "paperwork.toml").write_text('[archive]\nengine = "tantivy"\n', encoding="utf-8")
    result = run("search", "khen")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the search index was built by whoosh but the workspace asks for tantivy:"
        " run `paperwork archive reindex --engine tantivy`\n"
    )
    assert run_json(run, "archive", "stats")["index"]["built_by"] == "whoosh"


def test_reindex_with_a_missing_engine_changes_nothing(run, ws: Workspace, tmp_path: Path, monkeypatch) -> None:
    run_json(run, "archive", "add", *make_many(tmp_path, 1))
    monkeypatch.setitem(sys.modules, "tantivy", None)
    monkeypatch.delitem(sys.modules, "paperwork.archive.engines.tantivy_engine", raising=False)
    result = run("archive", "reindex", "--engine", "tantivy")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the tantivy search engine is not installed (tantivy): pip install 'paperwork[tantivy]'\n"
    )
    assert load_workspace(ws.root).engine == "whoosh"
    assert index_engine(ws.index_dir) == "whoosh"


def test_stats_recommends_the_faster_engine_past_the_measured_size(run, tmp_path: Path, monkeypatch) -> None:
    run_json(run, "archive", "add", *make_many(tmp_path, 3))
    assert run_json(run, "archive", "stats")["recommendation"] is None
    monkeypatch.setattr(index_module, "WHOOSH_SLOW_FROM", 3)
    stats = run("archive", "stats")
    assert stats.exit_code == 0, stats.output
    assert (
        "Advice:     3 documents: Whoosh searches slowly past ~3 documents; switch to the faster engine:"
        " pip install 'paperwork[tantivy]', then `paperwork archive reindex --engine tantivy`"
    ) in stats.stdout.splitlines()
    assert "Index:      3 documents (" in stats.stdout and ", whoosh)" in stats.stdout
    assert run("archive", "reindex", "--engine", "tantivy").exit_code == 0
    assert run_json(run, "archive", "stats")["recommendation"] is None
