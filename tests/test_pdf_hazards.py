"""LibreOffice never outlives ``docx_to_pdf``: timeout, error, exception and Ctrl-C all stop it.

Each test gives the conversion a temporary folder of its own, so the private
profile's path (inside it) names exactly the LibreOffice processes the test
started; they are looked for in /proc. To stand for a LibreOffice that hangs,
the tests freeze its processes (SIGSTOP) before it is stopped: a frozen
soffice.bin neither finishes nor follows its parent, so only a kill of the
whole group ends it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperwork import pdf as pdf_module
from paperwork.config import load_workspace
from paperwork.errors import ConversionError
from paperwork.generate import load_document, render_document
from paperwork.kinds import KINDS
from paperwork.pdf import docx_to_pdf

pytestmark = pytest.mark.slow


def _processes_with(marker: str) -> dict[int, str]:
    """Pid -> command line of the living processes that mention ``marker`` (zombies have none)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        if marker in cmdline:
            found[int(entry.name)] = cmdline
    return found


def _signal_all(marker: str, signum: int) -> None:
    for pid in _processes_with(marker):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def _freeze_when_soffice_bin_runs(marker: str, child: subprocess.Popen | None = None) -> None:
    """As soon as a soffice.bin runs under ``marker``, freeze every process of that LibreOffice.

    Frozen, it stands for a LibreOffice that hangs; waited for longer, a small document may
    already be converted, and there would be nothing left to stop.
    """
    deadline = time.monotonic() + 60
    while not any("soffice.bin" in cmd for cmd in _processes_with(marker).values()):
        assert child is None or child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "LibreOffice did not start"
        time.sleep(0.01)
    _signal_all(marker, signal.SIGSTOP)


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real rendered invitation (.docx), rendered once for the module."""
    folder = tmp_path_factory.mktemp("pdf-hazards")
    src = folder / "invitation.yaml"
    src.write_text(KINDS["invitation"].example(), encoding="utf-8")
    ws = load_workspace(folder)
    kind = KINDS["invitation"]
    out = folder / "invitation.docx"
    out.write_bytes(render_document(kind, load_document(kind, src, ws), ws))
    return out


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temporary folder of the test: ``tempfile``'s and the one LibreOffice would inherit."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    _signal_all(str(folder), signal.SIGKILL)  # a failed test leaves nothing running


@pytest.fixture
def frozen_at_kill(monkeypatch: pytest.MonkeyPatch, private_tmp: Path) -> list[dict[int, str]]:
    """Freeze the test's LibreOffice just before each group kill; record what was running."""
    seen: list[dict[int, str]] = []
    real = pdf_module._kill_group

    def spy(proc: subprocess.Popen) -> None:
        seen.append(_processes_with(str(private_tmp)))
        _signal_all(str(private_tmp), signal.SIGSTOP)
        real(proc)

    monkeypatch.setattr(pdf_module, "_kill_group", spy)
    return seen


def test_timeout_stops_the_whole_group_and_removes_the_folder(
    document: Path, tmp_path: Path, private_tmp: Path, frozen_at_kill: list[dict[int, str]]
) -> None:
    """Past the time limit: one line, every LibreOffice process gone, no temporary folder, no PDF."""
    out = tmp_path / "out.pdf"
    with pytest.raises(ConversionError) as raised:
        docx_to_pdf(document, out, timeout=0.5)
    assert str(raised.value) == f"{document}: LibreOffice did not finish within 0.5 s (stopped)"
    assert len(frozen_at_kill) == 1 and frozen_at_kill[0], "LibreOffice was not running when stopped"
    assert _processes_with(str(private_tmp)) == {}
    assert list(private_tmp.iterdir()) == []
    assert not out.exists()


def test_any_exception_while_waiting_stops_the_group(
    document: Path,
    tmp_path: Path,
    private_tmp: Path,
    frozen_at_kill: list[dict[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An exception raised while soffice.bin runs propagates as it is, after the group is killed."""

    class Failing(subprocess.Popen):
        def communicate(self, *args, **kwargs):
            _freeze_when_soffice_bin_runs(str(private_tmp))
            raise RuntimeError("interrupted for the test")

    monkeypatch.setattr(pdf_module.subprocess, "Popen", Failing)
    with pytest.raises(RuntimeError, match="interrupted for the test"):
        docx_to_pdf(document, tmp_path / "out.pdf")
    assert any("soffice.bin" in cmd for cmd in frozen_at_kill[0].values()), frozen_at_kill
    assert _processes_with(str(private_tmp)) == {}
    assert list(private_tmp.iterdir()) == []


def test_failed_conversion_is_one_line_and_leaves_nothing(tmp_path: Path, private_tmp: Path) -> None:
    """LibreOffice that cannot load its input: one line naming the file, nothing left behind."""
    missing = tmp_path / "khong-co.docx"
    with pytest.raises(ConversionError) as raised:
        docx_to_pdf(missing, tmp_path / "out.pdf", timeout=120)
    message = str(raised.value)
    assert message.startswith(f"{missing}: LibreOffice could not convert it: ")
    assert "\n" not in message
    assert _processes_with(str(private_tmp)) == {}
    assert list(private_tmp.iterdir()) == []


def test_success_leaves_no_process_and_no_folder(document: Path, tmp_path: Path, private_tmp: Path) -> None:
    out = tmp_path / "sub" / "out.pdf"
    assert docx_to_pdf(document, out, timeout=120) == out
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.pdf"]
    assert _processes_with(str(private_tmp)) == {}
    assert list(private_tmp.iterdir()) == []


def test_ctrl_c_of_the_caller_stops_a_hung_libreoffice(document: Path, tmp_path: Path) -> None:
    """SIGINT to a Python process converting: it ends, and so does its (frozen) LibreOffice; folder removed."""
    private = tmp_path / "tmp"
    private.mkdir()
    out = tmp_path / "out.pdf"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from paperwork.pdf import docx_to_pdf\n"
        "docx_to_pdf(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(document), str(out)],
        env={**os.environ, "TMPDIR": str(private)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _freeze_when_soffice_bin_runs(str(private), child)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        left = _processes_with(str(private))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        _signal_all(str(private), signal.SIGKILL)  # a failed test leaves nothing running
    assert child.returncode != 0
    assert err.rstrip().splitlines()[-1] == "KeyboardInterrupt"
    assert left == {}
    assert list(private.iterdir()) == []
    assert not out.exists()
