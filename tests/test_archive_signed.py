"""A signed PDF in the archive: stored byte for byte (never OCRed, never rewritten), its text from its
text layer, its two signatures checked against the workspace's trust roots when it is added and shown
by `archive show` and `search --json`; `archive verify` still passes. A signed scan is OCRed into a
separate copy, the signed original untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import make_workspace
from test_signing import SIGNER, decision, images, keys, pki, signed  # noqa: F401 - fixtures
from paperwork.cli import cli
from paperwork.records import audit
from paperwork.signing import SignOptions, sign_pdf

pytestmark = pytest.mark.slow


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def trusting(tmp_path: Path, pki):  # noqa: F811
    """A workspace whose [signatures] trust the test's root."""
    root = tmp_path / "ws"
    (root / "pki").mkdir(parents=True)
    shutil.copy(pki.folder / "root.pem", root / "pki" / "root.pem")
    return make_workspace(root, '[signatures]\ntrust_roots = ["pki/root.pem"]\n')


def run(ws, *args):
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), *map(str, args)])
    return result


def test_a_signed_pdf_is_kept_as_it_is_with_its_signatures_checked(trusting, signed):  # noqa: F811
    original = signed["both"]
    before = _sha(original)
    added = run(trusting, "archive", "add", original, "--json")
    assert added.exit_code == 0, added.output
    [record] = json.loads(added.stdout)
    assert record["sha256"] == before == _sha(Path(record["stored_path"]))
    assert record["ocr"] == "not-needed" and record["pdfa_path"] is None  # its text layer is read, never OCRed
    found = record["signatures"]
    assert found["verdict"] == "valid"
    assert [s["verdict"] for s in found["signatures"]] == ["valid", "valid"]
    assert found["signatures"][0]["signer"] == SIGNER

    shown = run(trusting, "archive", "show", record["id"])
    assert f"valid — {SIGNER}" in shown.output
    hits = json.loads(run(trusting, "search", "khen thuong", "--json").stdout)
    assert [(h["id"], h["signatures"]) for h in hits] == [(record["id"], "valid")]
    [event] = audit.events(trusting, action="signature check")
    assert event.details == {"verdict": "valid", "signatures": 2}
    verified = run(trusting, "archive", "verify")
    assert verified.exit_code == 0, verified.output


def test_an_untrusting_workspace_says_untrusted_and_a_changed_byte_is_caught(tmp_path, signed):  # noqa: F811
    ws = make_workspace(tmp_path / "bare")
    [record] = json.loads(run(ws, "archive", "add", signed["both"], "--json").stdout)
    assert record["signatures"]["verdict"] == "untrusted"
    data = bytearray(signed["both"].read_bytes())
    at = data.index(b"/Contents", len(data) // 3) - 40  # a byte inside the signed range
    data[at] = ord(" ") if data[at] != ord(" ") else ord("\n")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    [record] = json.loads(run(ws, "archive", "add", changed, "--json").stdout)
    assert record["signatures"]["verdict"] == "invalid"


def test_a_signed_scan_is_ocred_into_a_copy_and_keeps_its_signature(trusting, tmp_path, keys):  # noqa: F811
    import scan_support

    scan = scan_support.save_pdf(scan_support.render_page(), tmp_path / "scan.pdf")
    signed_scan = tmp_path / "scan-signed.pdf"
    sign_pdf(scan, signed_scan, keys["agency"], SignOptions(role="agency", form="copy"))
    before = _sha(signed_scan)
    added = run(trusting, "archive", "add", signed_scan, "--json")
    assert added.exit_code == 0, added.output
    [record] = json.loads(added.stdout)
    assert record["sha256"] == before == _sha(Path(record["stored_path"]))
    assert record["ocr"] == "done" and record["pdfa_path"]
    assert record["signatures"]["verdict"] == "valid"
    text = run(trusting, "archive", "text", record["id"]).stdout
    assert "SỞ NỘI VỤ" in text
