"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperwork import db
from paperwork.config import Workspace, load_workspace


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
