"""The shipped templates are what tools/build_templates.py builds: no hand edits drift in."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "templates" / "docx"


def load_builder():
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "tools" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        # docProps/core.xml carries the build time; everything else must match.
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_every_shipped_template_is_built_by_the_builder(tmp_path):
    builder = load_builder()
    built = {p.name: p for p in builder.build_all(tmp_path)}
    assert sorted(built) == sorted(p.name for p in SHIPPED.glob("*.docx"))
    for name, path in built.items():
        fresh, shipped = parts(path), parts(SHIPPED / name)
        assert sorted(fresh) == sorted(shipped), name
        changed = [n for n in fresh if fresh[n] != shipped[n]]
        assert changed == [], f"{name}: {changed} differ: run python tools/build_templates.py"


@pytest.mark.parametrize("name", sorted(p.name for p in SHIPPED.glob("*.docx")))
def test_the_installed_package_finds_the_template(name):
    from paperwork.render import shipped_template

    assert shipped_template(name).read_bytes() == (SHIPPED / name).read_bytes()
