"""paperwork conference: the 2023 Southwest cluster conference, from one description to a checked pack."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import test_layout as layout
from docx_checks import FONT_SLOTS, all_paragraphs, full_text, open_docx, run_format
from paperwork.cli import cli
from paperwork.conference import ConferenceInput, load_conference, pack_items
from paperwork.config import load_workspace
from paperwork.generate import profile_defaults
from paperwork.inputs import load_data
from paperwork.kinds import KINDS


def run(ws: Path, *args):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *map(str, args)])


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("conference")
    ws = root / "ws"
    result = CliRunner().invoke(cli, ["init", str(ws), "--agency-name", "Sở Nội vụ", "--agency-code", "SNV",
                                      "--parent", "UBND tỉnh Bạc Liêu", "--place", "Bạc Liêu"])
    assert result.exit_code == 0, result.output
    example = run(ws, "conference", "example")
    assert example.exit_code == 0, example.output
    description = root / "hoi-nghi.yaml"
    description.write_text(example.output, encoding="utf-8")
    result = run(ws, "conference", "build", description, "-o", root / "pack", "--issue", "--jobs", "2")
    assert result.exit_code == 0, result.output
    return ws, description, root / "pack", result


def kind_of(name: str) -> str:
    prefixes = {"giay-moi-": "invitation", "giao-uoc-": "covenant", "quyet-dinh-": "reward-decision",
                "bang-khen-": "certificate", "bien-ban-": "minutes"}
    return next(kind for prefix, kind in prefixes.items() if name.startswith(prefix))


def test_example_is_the_scenario(pack):
    _, description, _, _ = pack
    conf = load_conference(description)
    assert isinstance(conf, ConferenceInput)
    assert conf.conference.date.isoformat() == "2023-03-06" and conf.host.unit == "Sở Nội vụ tỉnh Bạc Liêu"
    assert len(conf.members) == 13 and {g.unit for g in conf.guests} == {"Bộ Nội vụ", "Ủy ban nhân dân tỉnh Bạc Liêu"}
    assert conf.covenant["theme"] == "Đoàn kết, kỷ cương, gương mẫu, đổi mới, sáng tạo, hiệu quả"
    [decision] = conf.rewards
    kinds = collections.Counter(a["kind"] for a in decision["awardees"])
    assert kinds == {"collective": 4, "individual": 13}
    assert [(e["position"], e["candidate"]) for e in conf.minutes["elections"]][1:] == [
        ("Cụm trưởng năm 2023", "Sở Nội vụ tỉnh Bến Tre"), ("Cụm phó năm 2023", "Sở Nội vụ tỉnh Vĩnh Long")]
    assert all("votes" not in e for e in conf.minutes["elections"]), "vote counts are filled in at the meeting"
    # Every section has its kind's shape: the keys are those of `paperwork example KIND`.
    for section, kind in (("covenant", "covenant"), ("minutes", "minutes")):
        assert set(getattr(conf, section)) <= set(KINDS[kind].model.model_fields)
    assert set(decision) <= set(yaml.safe_load(KINDS["reward-decision"].example()))


def test_pack_has_every_document(pack):
    _, _, out, result = pack
    files = sorted(p.name for p in out.glob("*.docx"))
    counts = collections.Counter(kind_of(name) for name in files)
    # 2 guests + 12 members (the host invites no one from itself), 17 awardees.
    assert counts == {"invitation": 14, "covenant": 1, "reward-decision": 1, "certificate": 17, "minutes": 1}
    assert "34 of 34 documents written; 0 failed" in result.stdout and "34 archived" in result.stdout
    index = (out / "pack.md").read_text(encoding="utf-8")
    rows = [line for line in index.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == 34 and all(f"[{name}]" in index for name in files)
    assert "| 01/GM-SNV |" in index and "| 125/QĐ-BNV |" in index and "| 01/BB-SNV |" in index


def fonts_everywhere(doc) -> None:
    """test_layout's font check without its floor on the number of runs (a one-page certificate has ~12)."""
    runs = [(r.text, run_format(doc, p, r).fonts) for p in all_paragraphs(doc) for r in p.runs]
    assert len(runs) > 5
    for text, fonts in runs:
        assert fonts == ("Times New Roman",) * len(FONT_SLOTS), (text, fonts)


def test_every_file_passes_the_layout_checks(pack):
    ws, description, out, _ = pack
    conf = load_conference(description)
    workspace = load_workspace(ws)
    items = {i.name: i for i in pack_items(conf, description)}
    for path in sorted(out.glob("*.docx")):
        item = items[path.stem]
        kind = KINDS[item.kind]
        model = load_data(item.data, kind.model, source=item.source, base_dir=item.base_dir,
                          defaults=profile_defaults(workspace))
        rendered = (item.kind, model, open_docx(path))
        layout.test_page_setup_of_every_section(rendered)
        fonts_everywhere(rendered[2])
        layout.test_page_numbers_in_the_header_from_page_two(rendered)
        layout.test_header_components(rendered)
        missing = layout.missing_values(model, rendered[2])
        if item.kind == "certificate":  # amount and list note belong to the decision's list, not the certificate
            missing = [m for m in missing if not m.startswith(("awardees[0].amount=", "awardees[0].note="))]
        assert missing == [], path.name


def test_documents_cite_each_other(pack):
    _, _, out, _ = pack
    certificate = full_text(open_docx(out / "bang-khen-05-nguyen-van-hung.docx"))
    assert "Quyết định số 125/QĐ-BNV ngày 27 tháng 02 năm 2023" in certificate and "Nguyễn Văn Hùng" in certificate
    # The form of award alone in big letters; the authority stands above it.
    assert "\nBẰNG KHEN\n" in certificate and "BẰNG KHEN CỦA" not in certificate
    invitation = full_text(open_docx(out / "giay-moi-03-so-noi-vu-tinh-ben-tre.docx"))
    assert "Bà Nguyễn Thị Ngọc Giàu" in invitation and "Số: 03/GM-SNV" in invitation
    minutes = full_text(open_docx(out / "bien-ban-hoi-nghi.docx"))
    assert "Cụm trưởng năm 2023: Sở Nội vụ tỉnh Bến Tre" in minutes and "phiếu" not in minutes


def test_rebuilding_issues_no_new_numbers(pack):
    ws, description, out, _ = pack
    before = run(ws, "register", "list", "--format", "json").stdout
    result = run(ws, "conference", "build", description, "-o", out, "--issue", "--jobs", "1", "--no-archive")
    assert result.exit_code == 0, result.output
    # 14 invitations and the minutes; the Ministry's decision 125/QĐ-BNV is not in our register.
    assert "0 numbers issued; 15 kept their earlier number" in result.stdout
    assert run(ws, "register", "list", "--format", "json").stdout == before
    assert "BNV" not in before
