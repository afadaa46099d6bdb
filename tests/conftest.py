"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import archive_docs
from paperwork import db
from paperwork.cli import cli
from paperwork.config import Workspace, load_workspace
from paperwork.kinds import KINDS


def pytest_configure(config) -> None:
    # The tests read the English messages, whatever the machine's locale (a Vietnamese office PC's
    # LANG=vi_VN would make the CLI speak Vietnamese); test_i18n sets the language it tests.
    os.environ["LANGUAGE"] = "en"


def make_workspace(root: Path, profile: str | None = None, *, catalog: bool = True) -> Workspace:
    """A workspace folder: ``profile`` as its paperwork.toml (none if None), and its catalog made.

    The catalog is made once, as ``paperwork init`` makes it: commands never create one.
    """
    root.mkdir(parents=True, exist_ok=True)
    if profile is not None:
        (root / "paperwork.toml").write_text(profile, encoding="utf-8")
    ws = load_workspace(root)
    if catalog and not ws.catalog_path.exists():
        db.create(ws.catalog_path)
    return ws


@pytest.fixture
def new_workspace():
    """``new_workspace(root, profile=None, catalog=True) -> Workspace``."""
    return make_workspace


def init_workspace_cli(root: Path) -> Path:
    """``paperwork init`` as a clerk runs it: Sở Nội vụ (SNV) of Cà Mau, per-type series."""
    result = CliRunner().invoke(cli, ["init", str(root), "--agency-name", "Sở Nội vụ", "--agency-code", "SNV",
                                      "--parent", "UBND tỉnh Cà Mau", "--place", "Cà Mau"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def clerk_ws(tmp_path: Path, monkeypatch) -> Path:
    """An initialised workspace folder (``tmp_path/ws``), $PAPERWORK_HOME unset."""
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    return init_workspace_cli(tmp_path / "ws")


def decision_data(i: int = 1, *, date: str = "2026-03-06", awardees: int = 3) -> dict:
    """The shipped reward decision as a workspace input (agency and place from the profile), made
    distinct by ``i``, dated ``date``, with the first ``awardees`` awardees."""
    data = yaml.safe_load(KINDS["reward-decision"].example())
    for key in ("agency", "place", "number"):
        data.pop(key)
    data["date"] = date
    if date >= "2025-07-01":  # the example is of 2023: cite what is in force now (law.py checks it)
        data["bases"] = [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp,"
            " phân quyền trong lĩnh vực thi đua, khen thưởng",
        ]
    data["title"] = f"{data['title']} (đợt {i})"
    data["awardees"] = data["awardees"][:awardees]
    return data


# -- the archive tests' workspace, CLI and PDFs ------------------------------------------------------

@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def run(ws: Workspace):
    """Invoke the CLI in the workspace: ``run("archive", "add", path)``."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--workspace", str(ws.root), *map(str, args)])

    return invoke


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Text PDFs made by LibreOffice from .docx, once per session (one soffice run)."""
    folder = tmp_path_factory.getbasetemp() / "archive-pdfs"
    done = folder / "done"
    if done.is_file():
        return {name: folder / f"{name}.pdf" for name in done.read_text().split()}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed to make the test PDFs"
    folder.mkdir()
    sources = [
        archive_docs.make_document(folder / "quyet-dinh.docx"),
        archive_docs.make_document(
            folder / "giay-moi.docx",
            heading="GIẤY MỜI",
            title="Dự Hội nghị tổng kết công tác thi đua năm 2025 Cụm thi đua miền Tây Nam Bộ",
            number="12/GM-SNV",
            date_line="Bến Tre, ngày 20 tháng 02 năm 2026",
            agency=("UBND TỈNH BẾN TRE", "SỞ NỘI VỤ"),
            body=("Sở Nội vụ tỉnh Bến Tre trân trọng kính mời: Sở Nội vụ tỉnh Vĩnh Long",),
            authority=None,
        ),
    ]
    profile = folder / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = {p.stem: p.with_suffix(".pdf") for p in sources}
    for path in result.values():
        assert path.is_file(), f"LibreOffice did not write {path}"
    done.write_text(" ".join(result))
    return result


# -- a small disk that fills -----------------------------------------------------------------------------


@contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` ("2m") mounted at ``folder`` for the test (root only: CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system of ``folder``, leaving about ``leave`` bytes; the ballast file."""
    st = os.statvfs(folder)
    ballast = folder / "ballast"
    with open(ballast, "wb") as f:
        try:
            f.write(b"\0" * max(st.f_bavail * st.f_frsize - leave, 0))
        except OSError:
            pass
    return ballast
