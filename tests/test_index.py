"""The search index, on both engines: Vietnamese folding both ways, numbers, phrases,
filters, ranking, snippets, safety. Every test runs once per engine (``engine`` fixture)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperwork.archive.index import (
    ENGINES,
    SCHEMA_VERSION,
    SENTINEL,
    BaseIndex,
    IndexDocument,
    engine_class,
    make_snippet,
)
from paperwork.archive.query import Query, parse_query
from paperwork.errors import ArchiveError, ArchiveLockedError, IndexVersionError


def doc(id: int, **kw: str | None) -> IndexDocument:
    base = dict(
        filename=f"doc-{id}.docx", title="", type="", number="", date=None, agency="", text=""
    )
    base.update(kw)
    return IndexDocument(id=id, **base)  # type: ignore[arg-type]


CORPUS = [
    doc(
        1,
        title="Quyết định về việc tặng Giấy khen",
        type="Quyết định",
        number="328/QĐ-UBND",
        date="2023-03-06",
        agency="Ủy ban nhân dân tỉnh Bạc Liêu",
        text="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022; "
        "Xét đề nghị của Giám đốc Sở Nội vụ tỉnh Bạc Liêu, QUYẾT ĐỊNH: "
        "Điều 1. Tặng Giấy khen cho ông Ngô Công Hầu đã có thành tích xuất sắc "
        "trong phong trào thi đua năm 2022.",
    ),
    doc(
        2,
        title="Bản giao ước thi đua năm 2023",
        type="Giao ước",
        number="28/HD-TĐKT",
        date="2023-03-06",
        agency="Cụm thi đua Sở Nội vụ các tỉnh, thành miền Tây Nam Bộ",
        text="Các đơn vị trong Cụm thi đua gồm Bạc Liêu, Bến Tre, Trà Vinh, Sóc Trăng, "
        "Ðồng Tháp, Vĩnh Long, Cà Mau cùng ký kết giao ước thi đua năm 2023 với chủ đề "
        "Đoàn kết, kỷ cương, gương mẫu, đổi mới, sáng tạo, hiệu quả.",
    ),
    doc(
        3,
        title="Hướng dẫn công tác thi đua, khen thưởng",
        type="Hướng dẫn",
        number="128/HD-TĐKT",
        date="2022-11-20",
        agency="Sở Nội vụ tỉnh Bến Tre",
        text="Hướng dẫn các đơn vị thực hiện công tác thi đua khen thưởng năm 2022; "
        "hồ sơ đề nghị gửi về Ban Thi đua - Khen thưởng trước ngày 28 tháng 11.",
    ),
    doc(
        4,
        title="Biên bản họp Cụm thi đua",
        type="Biên bản",
        number="05/BB-CTĐ",
        date="2023-03-06",
        agency="Sở Nội vụ tỉnh Vĩnh Long",
        text="Hội nghị bầu Sở Nội vụ Bến Tre làm Cụm trưởng và Sở Nội vụ Vĩnh Long làm "
        "Cụm phó năm 2023. Bà Nguyễn Thị Ngọc Giàu, Giám đốc Sở Nội vụ tỉnh Bến Tre, "
        "chủ trì hội nghị ở Đồng Tháp.",
    ),
    doc(
        5,
        title="Quyết định ban hành Quy chế văn thư, lưu trữ",
        type="Quyết định",
        number="13/2018/QĐ-UBND",
        date="2018-05-14",
        agency="Ủy ban nhân dân tỉnh Cà Mau",
        text="Ban hành kèm theo Quyết định này Quy chế công tác văn thư, lưu trữ "
        "của các cơ quan, tổ chức trên địa bàn tỉnh Cà Mau.",
    ),
    doc(
        6,
        title="Thông báo kết quả thi đua",
        type="Thông báo",
        number="45/TB-SNV",
        date="2023-01-10",
        agency="Sở Nội vụ tỉnh Cà Mau",
        text="Thông báo: đơn vị quyet dinh khen thưởng theo đề nghị; "
        "thi đua kỷ cương hành chính năm 2022.",  # "quyet" typed without diacritics
    ),
]


SearchIndex = BaseIndex  # the type of an open index, whichever the engine


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def Index(engine: str) -> type[BaseIndex]:  # noqa: N802
    """The index class of the engine under test."""
    return engine_class(engine)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, Index: type[BaseIndex]) -> Iterator[SearchIndex]:  # noqa: N803
    """A small archive, built once for the read-only tests."""
    path = tmp_path_factory.mktemp("archive") / "index"
    with Index.create(path) as ix:
        ix.add(CORPUS)
        yield ix


def ids(index: SearchIndex, text: str, **options: object) -> list[int]:
    return [h.id for h in index.search(parse_query(text, **options))]


def test_unaccented_query_finds_accented_text(index: SearchIndex) -> None:
    assert ids(index, "giam doc so noi vu bac lieu") == [1]
    assert set(ids(index, "quyet dinh")) == {1, 5, 6}


def test_accented_query_finds_unaccented_text(index: SearchIndex) -> None:
    assert 6 in ids(index, "quyết định")


def test_all_d_letters_fold(index: SearchIndex) -> None:
    """Đ (U+0110), đ and the look-alike Ð (U+00D0) all fold to d, both ways."""
    assert set(ids(index, "Ðồng Tháp")) == {2, 4}  # typed with U+00D0, text has Đ
    assert set(ids(index, "dong thap")) == {2, 4}
    assert set(ids(index, "Đồng Tháp")) == {2, 4}  # text of doc 2 has U+00D0


def test_words_are_anded(index: SearchIndex) -> None:
    assert ids(index, "Bến Tre Cụm trưởng") == [4]
    assert ids(index, "Bến Tre không-có-từ-này") == []


def test_short_words_are_not_dropped(index: SearchIndex) -> None:
    assert ids(index, "ở") == [4]
    assert ids(index, "in") == []  # no such word, but the query runs (not "everything")
    assert set(ids(index, "cà mau")) == {2, 5, 6}


def test_phrase_respects_word_order(index: SearchIndex) -> None:
    assert set(ids(index, '"giao ước thi đua"')) == {2}
    assert ids(index, '"thi đua giao ước"') == []
    assert set(ids(index, '"Nội vụ Bến Tre"')) == {4}
    assert set(ids(index, '"Bến Tre Nội vụ"')) == set()


def test_fuzzy_finds_one_letter_typos(index: SearchIndex) -> None:
    assert ids(index, "Giàu") == [4]
    assert ids(index, "Giàuu~") == [4]
    assert ids(index, "Giau") == [4]
    assert ids(index, "Giàuu") == []
    assert 1 in ids(index, "Hấu~ Ngô")


def test_number_lookup_with_and_without_d(index: SearchIndex) -> None:
    assert ids(index, "28/HD-TĐKT") == [2]
    assert ids(index, "28/HD-TDKT") == [2]  # not 128/HD-TĐKT
    assert ids(index, "128/hd-tdkt") == [3]
    assert ids(index, "number:28/HD-TDKT") == [2]
    assert ids(index, "number:13/2018/QD-UBND") == [5]
    assert ids(index, "number:2018/QD-UBND") == []  # whole identifiers only


def test_number_mentioned_in_text_is_found_as_words(index: SearchIndex) -> None:
    extra = doc(7, title="Công văn", text="Thực hiện Hướng dẫn số 28/HD-TĐKT của Cụm thi đua.")
    index.add([extra])
    try:
        assert ids(index, "28/HD-TDKT") == [2, 7]  # the document itself first
        assert ids(index, "number:28/HD-TDKT") == [2]
    finally:
        index.delete([7])
    assert ids(index, "28/HD-TDKT") == [2]


def test_filters_by_type_year_date_and_agency(index: SearchIndex) -> None:
    assert set(ids(index, "type:quyet dinh")) == set()  # "quyet" became a word: 'type:quyet'
    assert set(ids(index, 'type:"quyet dinh"')) == {1, 5}
    assert set(ids(index, "", type="QUYẾT ĐỊNH")) == {1, 5}
    assert set(ids(index, "thi đua year:2022")) == {3}
    assert set(ids(index, 'agency:"ben tre"')) == {3}
    assert set(ids(index, "khen", agency="Sở Nội vụ")) == {3, 6}
    assert set(ids(index, "", date_from="2023-01-01", date_to="2023-03-05")) == {6}
    assert set(ids(index, "thi đua", date_to="2022-12-31")) == {3}


def test_no_words_lists_filtered_documents_newest_first(index: SearchIndex) -> None:
    assert ids(index, "type:\"Quyết định\"") == [1, 5]
    assert ids(index, "")[-1] == 5  # the oldest last
    assert len(ids(index, "", limit=2)) == 2


def test_sort_by_date_newest_first(index: SearchIndex) -> None:
    found = index.search(parse_query("thi đua", sort="date"))
    days = [h.date for h in found]
    assert days == sorted(days, reverse=True)
    assert len(found) == 5


def test_exact_diacritics_rank_first(index: SearchIndex) -> None:
    """"quyết" ranks documents with "quyết" above one with only "quyet"."""
    found = ids(index, "quyết định")
    assert found[-1] == 6
    assert ids(index, "quyet dinh thong bao")[0] == 6


def test_exact_diacritics_rank_first_even_against_more_folded_occurrences(Index: type[BaseIndex], tmp_path: Path) -> None:
    with Index.create(tmp_path / "index") as ix:
        ix.add(
            [
                doc(1, text="quyệt quyệt quyệt quyệt trong văn bản dài hơn một chút nữa"),
                doc(2, text="quyết trong văn bản"),
                doc(3, text="quyet quyet quyet trong van ban"),
            ]
        )
        assert [h.id for h in ix.search(Query(words=("quyết",)))][0] == 2
        assert {h.id for h in ix.search(Query(words=("quyet",)))} == {1, 2, 3}


def test_hits_carry_metadata_and_a_marked_snippet(index: SearchIndex) -> None:
    (hit,) = index.search(parse_query("ngo cong hau"))
    assert (hit.id, hit.number, hit.date, hit.type) == (1, "328/QĐ-UBND", "2023-03-06", "Quyết định")
    assert hit.agency == "Ủy ban nhân dân tỉnh Bạc Liêu"
    assert "«Ngô» «Công» «Hầu»" in hit.snippet
    assert "\n" not in hit.snippet and len(hit.snippet) <= 210
    assert hit.score > 0


def test_snippet_is_centred_on_the_matches() -> None:
    text = "mở đầu " * 100 + "tặng Giấy khen cho ông Ngô Công Hầu " + "kết thúc " * 100
    snippet = make_snippet(text, frozenset({"hau", "ngo"}))
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "«Ngô» Công «Hầu»" in snippet
    assert len(snippet) <= 210


def test_ids_count_and_size(index: SearchIndex) -> None:
    assert index.ids() == {1, 2, 3, 4, 5, 6}
    assert index.count() == 6
    assert index.size_bytes() > 0


def test_an_empty_index_answers(Index: type[BaseIndex], tmp_path: Path) -> None:
    with Index.create(tmp_path / "index") as ix:
        assert (ix.ids(), ix.count()) == (set(), 0)
        assert ix.search(parse_query("thi đua")) == []
        assert ix.search(parse_query("")) == []


def test_a_reader_sees_another_writers_commits(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    with Index.create(path) as reader, Index.open(path) as writer:
        assert reader.count() == 0
        writer.add(CORPUS[:2])
        assert reader.ids() == {1, 2}
        writer.delete([1])
        assert ids(reader, "") == [2]


def test_readding_an_id_replaces_it(Index: type[BaseIndex], tmp_path: Path) -> None:
    with Index.create(tmp_path / "index") as ix:
        ix.add([doc(1, text="Bạc Liêu")])
        ix.add([doc(1, text="Cà Mau")])
        assert ix.count() == 1
        assert ids(ix, "bac lieu") == []
        assert ids(ix, "ca mau") == [1]


def test_an_id_given_twice_in_one_batch_keeps_the_last(Index: type[BaseIndex], tmp_path: Path) -> None:
    with Index.create(tmp_path / "index") as ix:
        assert ix.add([doc(1, text="Bạc Liêu"), doc(1, text="Cà Mau")]) == 1
        assert ix.count() == 1
        assert ids(ix, "ca mau") == [1]


def test_phrase_check_ignores_diacritics_and_punctuation(index: SearchIndex) -> None:
    assert ids(index, '"thi dua khen thuong nam 2022"') == [3]  # "thi đua khen thưởng năm 2022"
    assert ids(index, '"Sở Nội vụ tỉnh Bạc Liêu, quyết định"') == [1]  # across the comma
    assert set(ids(index, "thi-đua kỷ-cương")) == {2, 6}  # hyphenated: the parts adjacent
    assert ids(index, "cương-kỷ") == []


def test_sentinel_records_the_schema(Index: type[BaseIndex], tmp_path: Path) -> None:
    Index.create(tmp_path / "index").close()
    info = json.loads((tmp_path / "index" / SENTINEL).read_text(encoding="utf-8"))
    assert info["schema_version"] == SCHEMA_VERSION
    assert info["engine"] == Index.ENGINE
    assert Index.exists(tmp_path / "index")
    assert not Index.exists(tmp_path / "nowhere")


def test_open_with_another_schema_version_asks_for_reindex(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index.create(path).close()
    sentinel = path / SENTINEL
    info = json.loads(sentinel.read_text(encoding="utf-8"))
    sentinel.write_text(json.dumps({**info, "schema_version": SCHEMA_VERSION + 1}), encoding="utf-8")
    with pytest.raises(IndexVersionError) as excinfo:
        Index.open(path)
    assert str(excinfo.value) == (
        f"index schema {SCHEMA_VERSION + 1}, paperwork expects {SCHEMA_VERSION}:"
        " run `paperwork archive reindex`"
    )
    assert sentinel.exists()  # nothing deleted


def test_open_missing_or_damaged_index_raises_and_deletes_nothing(Index: type[BaseIndex], tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no search index"):
        Index.open(tmp_path / "nowhere")
    path = tmp_path / "index"
    with Index.create(path) as ix:
        ix.add(CORPUS[:2])
    damaged = [*path.glob("*.toc"), path / "meta.json"]  # Whoosh's, Tantivy's table of contents
    for toc in damaged:
        if toc.exists():
            toc.write_bytes(b"garbage")
    before = sorted(p.name for p in path.iterdir())
    with pytest.raises(ArchiveError, match="reindex"):
        Index.open(path)
    assert sorted(p.name for p in path.iterdir()) == before


def test_a_writer_error_commits_nothing(Index: type[BaseIndex], tmp_path: Path) -> None:
    """A failure half-way through add() cancels the writer: nothing half-committed."""
    with Index.create(tmp_path / "index") as ix:
        ix.add(CORPUS[:2])

        def failing() -> Iterator[IndexDocument]:
            yield CORPUS[2]
            yield CORPUS[3]
            raise RuntimeError("extraction failed")

        with pytest.raises(RuntimeError, match="extraction failed"):
            ix.add(failing())
        assert ix.ids() == {1, 2}
        assert ix.add([CORPUS[4]]) == 1  # the lock was released
        assert ix.ids() == {1, 2, 5}


def test_rebuild_replaces_the_contents(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    seen: list[int] = []
    with Index.create(path) as ix:
        ix.add(CORPUS[:3])
        assert ix.rebuild(CORPUS[3:], progress=seen.append) == 3
        assert ix.ids() == {4, 5, 6}
        assert ids(ix, "giao ước") == []
    assert seen[-1] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # no temp dirs left
    with Index.open(path) as ix:
        assert ix.ids() == {4, 5, 6}


def test_a_failed_rebuild_keeps_the_old_index(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    with Index.create(path) as ix:
        ix.add(CORPUS[:3])

        def failing() -> Iterator[IndexDocument]:
            yield CORPUS[3]
            raise RuntimeError("catalog unreadable")

        with pytest.raises(RuntimeError):
            ix.rebuild(failing())
        assert ix.ids() == {1, 2, 3}
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_reindex_replaces_an_index_of_another_schema(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index.create(path).close()
    (path / SENTINEL).write_text(f'{{"schema_version": 0, "engine": "{Index.ENGINE}"}}', encoding="utf-8")
    with Index.reindex(path, CORPUS) as ix:
        assert ix.count() == len(CORPUS)


def test_parallel_rebuild_gives_the_same_results(Index: type[BaseIndex], tmp_path: Path) -> None:
    many = [doc(i, text=f"văn bản số {i} thi đua", date="2023-01-01") for i in range(1, 201)]
    with Index.reindex(tmp_path / "index", many, procs=2) as ix:
        assert ix.count() == 200
        assert ix.ids() == set(range(1, 201))
        assert ids(ix, '"số 17 thi"') == [17]


def test_lock_timeout_raises_archive_locked(Index: type[BaseIndex], tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index.create(path).close()
    holder = Index.open(path)
    waiter = Index.open(path, lock_timeout=0.3)
    with holder._writer():
        with pytest.raises(ArchiveLockedError, match="being written by another process"):
            waiter.add(CORPUS[:1])
        with pytest.raises(ArchiveLockedError):
            waiter.rebuild(CORPUS[:1])
    assert waiter.add(CORPUS[:1]) == 1
    holder.close()
    waiter.close()
