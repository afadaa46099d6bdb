""".docx zip bombs are refused before they are inflated: declared sizes and actual bytes both bounded."""

from __future__ import annotations

import os
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_docs import make_document

from paperwork.archive import extract as extract_module
from paperwork.archive.extract import UnreadableDocumentError, extract

MIB = 1024 * 1024
BOMB_SIZE = 300 * 1000 * 1000  # 300 MB of spaces: about 300 KB deflated
# Far above what reading the small document itself takes, far below one inflated bomb.
MEMORY_CEILING = 32 * MIB


def _repack(source: Path, out: Path, extra: dict[str, Callable[[zipfile.ZipFile, str], None]]) -> Path:
    """``source`` with the parts in ``extra`` written (replaced or added) by their writer."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in extra:
                dst.writestr(item, src.read(item.filename))
        for name, write in extra.items():
            write(dst, name)
    return out


def _spaces(size: int, compress_type: int = zipfile.ZIP_DEFLATED) -> Callable[[zipfile.ZipFile, str], None]:
    """A writer of ``size`` spaces, streamed: the test never holds them in memory."""

    def write(dst: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = compress_type
        chunk = b" " * MIB
        with dst.open(info, "w") as part:
            for start in range(0, size, MIB):
                part.write(chunk[: min(MIB, size - start)])

    return write


def _lie_about_size(path: Path, name: str, declared: int) -> Path:
    """Rewrite the uncompressed size of part ``name`` in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        offset = zf.getinfo(name).header_offset
    struct.pack_into("<I", data, offset + 22, declared)
    encoded = name.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == encoded:
            struct.pack_into("<I", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(f"{name} is not in the central directory")
    path.write_bytes(data)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(name).file_size == declared
    return path


def _refusal(path: Path) -> tuple[str, int]:
    """The error ``extract`` raises on ``path``, and the most memory Python held meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableDocumentError) as raised:
            extract(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(raised.value), peak


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_document(tmp_path_factory.mktemp("limits") / "qd.docx")


@pytest.fixture(scope="module")
def bomb(plain: Path) -> Path:
    """A real document whose docProps/app.xml is 300 MB of spaces, honestly declared."""
    path = _repack(plain, plain.with_name("bomb.docx"), {"docProps/app.xml": _spaces(BOMB_SIZE)})
    assert path.stat().st_size < 2 * MIB
    return path


def test_a_part_declared_past_the_limit_is_refused_unread(bomb: Path) -> None:
    message, peak = _refusal(bomb)
    assert message == f"{bomb}: docProps/app.xml inflates past 64 MiB: refused"
    assert peak < MEMORY_CEILING, peak


def test_a_part_lying_about_its_size_is_stopped_at_the_declared_size(bomb: Path, tmp_path: Path) -> None:
    """300 MB behind a header that claims 1,000 bytes: stopped after the first chunk, not inflated."""
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bomb.read_bytes())
    _lie_about_size(liar, "docProps/app.xml", 1000)
    message, peak = _refusal(liar)
    assert message == f"{liar}: docProps/app.xml inflates past its declared size (1000 bytes): refused"
    assert peak < MEMORY_CEILING, peak


def test_a_stored_part_lying_about_its_size_is_refused(plain: Path, tmp_path: Path) -> None:
    path = _repack(plain, tmp_path / "stored.docx", {"customXml/padding1.xml": _spaces(2 * MIB, zipfile.ZIP_STORED)})
    _lie_about_size(path, "customXml/padding1.xml", 10)
    message, _ = _refusal(path)
    assert message == f"{path}: customXml/padding1.xml inflates past its declared size (10 bytes): refused"


def test_parts_past_the_total_limit_together_are_refused(
    plain: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part within its own limit, all of them together past the total one."""
    monkeypatch.setattr(extract_module, "DOCX_TOTAL_LIMIT", 2 * MIB)
    extra = {"customXml/padding1.xml": _spaces(700 * 1024), "customXml/padding2.xml": _spaces(700 * 1024)}
    path = _repack(plain, tmp_path / "many.docx", extra)
    message, _ = _refusal(path)
    assert message == f"{path}: the parts inflate past 2 MiB in all (at customXml/padding2.xml): refused"


def test_a_part_exactly_at_the_limit_is_read(plain: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "DOCX_PART_LIMIT", 1 * MIB)
    path = _repack(plain, tmp_path / "edge.docx", {"customXml/padding1.xml": _spaces(1 * MIB)})
    extracted = extract(path)
    assert "Về việc tặng Giấy khen" in extracted.text
    monkeypatch.setattr(extract_module, "DOCX_PART_LIMIT", 1 * MIB - 1)
    message, _ = _refusal(path)
    assert message.startswith(f"{path}: customXml/padding1.xml inflates past ")


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableDocumentError) as raised:
        extract(fifo)
    assert str(raised.value) == f"{fifo}: not a regular file (a FIFO or device)"
