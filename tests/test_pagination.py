"""Pagination a clerk would do by hand, read back from the PDFs the real LibreOffice makes.

Every kind is rendered at lengths from a few lines to three pages of body (the
decision with 1–10 căn cứ, short to very long articles, 1–300 awardees; the
covenant with 2–16 members; the minutes and the invitation short and long),
converted in one LibreOffice run, and each page's text lines are read back with
their positions (pdfminer). Then, for every document:

* no page is empty, and no page of a run (the decision, the attached list) is
  less than 75 % full while the run continues, but for the page before the
  signatures (``FOOT_FILL``);
* page numbers: none on the first page of each run, then 2, 3 … (the list is
  numbered on its own);
* the body's last lines stand on the page of the signature, and Nơi nhận on
  the page of a signature;
* the names of the signers of one row stand level, an odd last block is
  centred; the attached list starts on a page of its own, the header row on
  every page of it; one or two awardees are named in Điều 1, with no list.

``scripts/page-images`` draws the README's page images from ``VARIANTS`` below.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

MM = 25.4 / 72  # PDF points to millimetres
TOP, BOTTOM = 20.0, 297.0 - 20.0  # the text area of a portrait A4 page (Decree 30 margins)
MIN_FILL = 0.75  # a page the text runs on from is at least this full …
# … unless the next page begins what must go together at the document's foot: the body's
# closing line with the signature block and Nơi nhận. That leaves at most the height of the
# chain: the closing sentence and one signer for the decision and the invitation (within
# 25 %), the closing line, both signers and Nơi nhận under the secretary for the minutes,
# the closing line, the grid's heading and a row of blocks (with Nơi nhận for the last row)
# for the covenant (about 30 %).
FOOT_FILL = {"reward-decision": 0.75, "invitation": 0.75, "minutes": 0.68, "covenant": 0.68}


# ---------------------------------------------------------------- inputs
def example(kind: str) -> dict:
    from paperwork.kinds import KINDS

    return yaml.safe_load(KINDS[kind].example())


BASES = [  # as in force on the example's date (27/02/2023)
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi "
    "đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013",
    "Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ quy định chức năng, nhiệm vụ, "
    "quyền hạn và cơ cấu tổ chức của Bộ Nội vụ",
    "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số "
    "điều của Luật Thi đua, khen thưởng",
    "Căn cứ Thông tư số 12/2019/TT-BNV ngày 04 tháng 11 năm 2019 của Bộ trưởng Bộ Nội vụ quy định chi tiết thi "
    "hành một số điều của Nghị định số 91/2017/NĐ-CP",
    "Căn cứ Quyết định số 1234/QĐ-BNV ngày 10 tháng 5 năm 2021 của Bộ trưởng Bộ Nội vụ ban hành Quy chế công tác "
    "thi đua, khen thưởng của Bộ Nội vụ",
    "Căn cứ Hướng dẫn số 567/HD-BTĐKT ngày 01 tháng 3 năm 2022 của Ban Thi đua - Khen thưởng Trung ương về công "
    "tác thi đua, khen thưởng năm 2022",
    "Căn cứ Kế hoạch số 89/KH-CTĐ ngày 15 tháng 01 năm 2022 của Cụm thi đua Sở Nội vụ các tỉnh, thành miền Tây "
    "Nam Bộ về tổ chức phong trào thi đua năm 2022",
    "Căn cứ Quy chế hoạt động của Cụm thi đua Sở Nội vụ các tỉnh, thành miền Tây Nam Bộ",
    "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Bộ Nội vụ ngày 20 tháng 02 năm 2023",
    "Căn cứ kết quả chấm điểm, bình xét thi đua năm 2022 của Cụm thi đua Sở Nội vụ các tỉnh, thành miền Tây "
    "Nam Bộ",
]
PHRASES = [
    "trong công tác tham mưu tổng hợp", "cải cách hành chính và chuyển đổi số", "xây dựng chính quyền cơ sở",
    "quản lý cán bộ, công chức, viên chức", "công tác văn thư, lưu trữ", "tổ chức các phong trào thi đua",
    "thực hiện kỷ luật, kỷ cương hành chính", "phục vụ người dân và doanh nghiệp",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]
DEPARTMENTS = ["Phòng Công chức, viên chức", "Phòng Cải cách hành chính", "Phòng Xây dựng chính quyền",
               "Văn phòng", "Chi cục Văn thư - Lưu trữ", "Ban Thi đua - Khen thưởng"]
UNITS = ["Sở Nội vụ tỉnh Bến Tre", "Sở Nội vụ tỉnh Vĩnh Long", "Sở Nội vụ tỉnh Sóc Trăng", "Sở Nội vụ tỉnh Cà Mau",
         "Sở Nội vụ tỉnh Trà Vinh", "Sở Nội vụ tỉnh Hậu Giang", "Sở Nội vụ thành phố Cần Thơ"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng Công chức, viên chức", "Chánh Văn phòng",
             "Trưởng phòng Cải cách hành chính", "Phó Giám đốc"]


def prose(words: int, seed: int = 0) -> str:
    """``words`` words of plausible Vietnamese, the same every run."""
    out: list[str] = []
    for phrase in itertools.cycle(PHRASES[seed % len(PHRASES):] + PHRASES[: seed % len(PHRASES)]):
        if len(out) >= words:
            break
        out.extend(phrase.split())
    return " ".join(out[:words])


def awardees(n: int) -> list[dict]:
    people = itertools.product(GIVEN, MIDDLE, FAMILY)
    out = []
    for i in range(n):
        unit = UNITS[i % len(UNITS)]
        if i % 6 == 0:
            out.append({"name": f"{DEPARTMENTS[i // 6 % len(DEPARTMENTS)]}, {unit}", "kind": "collective"})
        else:
            given, middle, family = next(people)
            out.append({"name": f"{family} {middle} {given}", "kind": "individual",
                        "position": POSITIONS[i % len(POSITIONS)], "unit": unit})
    return out


def decision(bases: int = 3, words: int = 0, n: int = 17, fund_words: int = 0) -> dict:
    """The shipped decision with ``bases`` căn cứ, ``words`` more words in Điều 1, ``n`` awardees."""
    data = example("reward-decision")
    data["bases"] = BASES[:bases]
    if words:
        data["achievement"] += " " + prose(words)
    if fund_words:
        data["fund"] += " " + prose(fund_words, seed=3)
    data["awardees"] = awardees(n) if n != 17 else data["awardees"]
    return data


def covenant(members: int = 13, sections: int = 4, points: int = 2, recipients: bool = True) -> dict:
    """The shipped covenant with ``members`` members (every third signs KT.) and a body of ``sections``."""
    data = example("covenant")
    units = [f"Sở Nội vụ tỉnh {name}" for name in ("Bến Tre", "Vĩnh Long", "Bạc Liêu", "Trà Vinh", "Sóc Trăng",
                                                    "Hậu Giang", "Long An", "An Giang", "Đồng Tháp", "Tiền Giang",
                                                    "Cà Mau", "Kiên Giang", "Bình Phước", "Tây Ninh", "Đồng Nai",
                                                    "Bà Rịa - Vũng Tàu")]
    data["members"] = [
        {"unit": unit, "signer": {"authority": "KT. Giám đốc", "title": "Phó Giám đốc", "name": f"Người ký {i + 1}"}
         if i % 3 == 2 else {"title": "Giám đốc", "name": f"Người ký {i + 1}"}}
        for i, unit in enumerate(units[:members])
    ]
    data["head"], data["deputy"] = units[0], units[1]
    data["commitments"] = [
        {"title": f"Nhiệm vụ {prose(6, seed=s)}",
         "items": [prose(25 + 5 * p, seed=s + p).capitalize() for p in range(points)]}
        for s in range(sections)
    ]
    if not recipients:
        data.pop("recipients", None)
    return data


def minutes(speeches: int = 2, conclusions: int = 2) -> dict:
    data = example("minutes")
    data["discussion"] = [{"speaker": f"Ông Đại biểu {i + 1}", "content": prose(40 + 7 * i, seed=i)}
                          for i in range(speeches)]
    data["conclusions"] = [prose(30, seed=i).capitalize() for i in range(conclusions)]
    return data


def invitation(notes: int = 3) -> dict:
    data = example("invitation")
    data["notes"] = [prose(30, seed=i).capitalize() for i in range(notes)]
    return data


def certificate(n: int) -> dict:
    data = example("certificate")
    data["awardees"] = data["awardees"][:n]
    return data


# name -> (kind, input). "short"/"long" of each kind are the README's page images.
VARIANTS: dict[str, tuple[str, dict]] = {
    "reward-decision-short": ("reward-decision", decision(bases=2, n=1)),
    "reward-decision-long": ("reward-decision", decision(bases=8, words=420, n=60)),
    **{f"reward-decision-bases-{b}": ("reward-decision", decision(bases=b)) for b in range(1, 11)},
    **{f"reward-decision-words-{w}": ("reward-decision", decision(bases=6, words=w, n=3))
       for w in (20, 60, 100, 140, 180, 240, 320, 480, 640, 800, 1000)},
    **{f"reward-decision-awardees-{n}": ("reward-decision", decision(bases=1 + n % 7, words=n % 90, n=n))
       for n in (1, 2, 3, 5, 30, 120, 300)},
    "reward-decision-two-long": ("reward-decision", decision(bases=9, words=260, n=2, fund_words=40)),
    "covenant-short": ("covenant", covenant(members=3, sections=1, points=1)),
    "covenant-long": ("covenant", covenant(members=15, sections=9, points=3)),
    **{f"covenant-members-{m}": ("covenant", covenant(members=m, sections=2 + m % 4, recipients=m % 4 != 1))
       for m in (2, 4, 5, 7, 9, 13, 16)},
    "covenant-signatures-overleaf": ("covenant", covenant(members=2, sections=5, points=2)),
    "minutes-short": ("minutes", minutes(speeches=0, conclusions=1)),
    "minutes-long": ("minutes", minutes(speeches=10, conclusions=6)),
    "minutes-middle": ("minutes", minutes(speeches=5, conclusions=3)),
    "minutes-signatures-overleaf": ("minutes", minutes(speeches=2, conclusions=4)),
    "invitation-short": ("invitation", invitation(notes=0)),
    "invitation-long": ("invitation", invitation(notes=22)),
    "invitation-middle": ("invitation", invitation(notes=12)),
    "certificate-short": ("certificate", certificate(1)),
    "certificate-long": ("certificate", certificate(3)),
}


# ---------------------------------------------------------------- reading PDFs back
@dataclass(frozen=True)
class Line:
    top: float  # mm from the top of the page
    bottom: float
    x0: float
    x1: float
    text: str

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Page:
    header: str  # what the top margin shows (the page number)
    lines: tuple[Line, ...]  # the text area's lines, top to bottom

    @property
    def fill(self) -> float:
        return (max(line.bottom for line in self.lines) - TOP) / (BOTTOM - TOP) if self.lines else 0.0

    def has(self, pattern: str) -> bool:
        return any(re.search(pattern, line.text) for line in self.lines)

    def find(self, text: str) -> list[Line]:
        return [line for line in self.lines if line.text == text]


def read_pages(pdf: Path) -> list[Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextLine

    pages = []
    for layout in extract_pages(str(pdf)):
        found: list[Line] = []

        def walk(item) -> None:
            if isinstance(item, LTTextLine):
                text = " ".join(item.get_text().split())
                if text:
                    found.append(Line((layout.height - item.y1) * MM, (layout.height - item.y0) * MM,
                                      item.x0 * MM, item.x1 * MM, text))
            elif hasattr(item, "__iter__"):
                for child in item:
                    walk(child)

        walk(layout)
        found.sort(key=lambda line: (round(line.top, 1), line.x0))
        header = " ".join(line.text for line in found if line.bottom <= TOP)
        pages.append(Page(header, tuple(line for line in found if line.bottom > TOP)))
    return pages


def convert_all(docs: list[Path], out: Path) -> None:
    """Every .docx to PDF in one LibreOffice run (its own profile; the whole process group stopped after)."""
    from paperwork.pdf import find_soffice

    with tempfile.TemporaryDirectory(prefix="paperwork-pagination-") as tmp:
        cmd = [find_soffice(), f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), *map(str, docs)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "TMPDIR": tmp})
        try:
            _, err = proc.communicate(timeout=60 + 20 * len(docs))
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        missing = [d.name for d in docs if not (out / f"{d.stem}.pdf").is_file()]
        assert not missing, f"LibreOffice made no PDF of {missing}: {err.decode(errors='replace')[-500:]}"


@dataclass(frozen=True)
class Rendered:
    kind: str
    model: object
    context: dict
    pages: list[Page]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    from paperwork.config import Workspace
    from paperwork.generate import render_document
    from paperwork.inputs import validate
    from paperwork.kinds import KINDS, issue_of

    root = tmp_path_factory.mktemp("pagination")
    ws = Workspace(root=root)
    docs, models = [], {}
    for name, (kind_name, data) in VARIANTS.items():
        kind = KINDS[kind_name]
        model = validate(copy.deepcopy(data), kind.model, name)
        path = root / f"{name}.docx"
        path.write_bytes(render_document(kind, model, ws))
        docs.append(path)
        models[name] = (kind_name, model, kind.context(model, issue_of(model), ws))
    convert_all(docs, root)
    return {name: Rendered(kind, model, ctx, read_pages(root / f"{name}.pdf"))
            for name, (kind, model, ctx) in models.items()}


def runs(doc: Rendered) -> list[list[Page]]:
    """The decision and its attached list (numbered on its own); other kinds are one run."""
    if doc.kind == "certificate":
        return [[page] for page in doc.pages]
    starts = [0] + [i for i, page in enumerate(doc.pages) if i and page.lines and page.lines[0].text == "DANH SÁCH"]
    return [doc.pages[a:b] for a, b in zip(starts, starts[1:] + [len(doc.pages)])]


NAMES = sorted(VARIANTS)
PORTRAIT = [n for n in NAMES if not n.startswith("certificate")]


# ---------------------------------------------------------------- every kind
@pytest.mark.parametrize("name", NAMES)
def test_no_page_is_empty(rendered, name):
    doc = rendered[name]
    assert doc.pages
    for number, page in enumerate(doc.pages, start=1):
        assert page.lines, f"{name}: page {number} is empty (its header shows {page.header!r})"


@pytest.mark.parametrize("name", PORTRAIT)
def test_page_numbers_count_each_run_from_one(rendered, name):
    for run in runs(rendered[name]):
        assert [page.header for page in run] == [""] + [str(n) for n in range(2, len(run) + 1)], name


def foot_follows(page: Page) -> bool:
    """The page holds the document's foot: the line ending ./. or Nơi nhận."""
    return page.has(r"\./\.$") or bool(page.find("Nơi nhận:"))


def low_pages(doc: Rendered) -> list[tuple[str, float]]:
    """Pages that end early for no reason: (where, fill)."""
    low = []
    for r, run in enumerate(runs(doc)):
        for number, page in enumerate(run[:-1], start=1):
            floor = FOOT_FILL[doc.kind] if foot_follows(run[number]) else MIN_FILL
            if page.fill < floor:
                low.append((f"page {number} of run {r + 1}, ending {page.lines[-1].text!r} before "
                            f"{run[number].lines[0].text!r}", page.fill))
    return low


@pytest.mark.parametrize("name", PORTRAIT)
def test_every_page_but_a_runs_last_is_three_quarters_full(rendered, name):
    low = low_pages(rendered[name])
    assert not low, f"{name}: " + "; ".join(f"{where} is {fill:.0%} full" for where, fill in low)


def signer_names(doc: Rendered) -> list[str]:
    ctx = doc.context
    if doc.kind == "covenant":
        rows = [*ctx["rows"], *([ctx["last_pair"]] if ctx["last_pair"] else [])]
        return [b["name"] for row in rows for b in row] + ([ctx["single"]["name"]] if ctx["single"] else [])
    if doc.kind == "minutes":
        return [ctx["secretary"]["name"], ctx["chair"]["name"]]
    return [ctx["signer"]["name"]]


def page_of(doc: Rendered, text: str) -> int:
    found = [i for i, page in enumerate(doc.pages) if page.find(text)]
    assert len(found) == 1, f"{text!r} on pages {found}"
    return found[0]


@pytest.mark.parametrize("name", PORTRAIT)
def test_the_body_ends_on_the_page_of_the_signature(rendered, name):
    """The last lines of the body (the line ending ./.) stand above the first signature, on its page."""
    doc = rendered[name]
    end = [i for i, page in enumerate(doc.pages) if page.has(r"\./\.$")]
    assert len(end) == 1, f"{name}: the body's end ./. on pages {end}"
    first = signer_names(doc)[0]
    assert page_of(doc, first) == end[0], f"{name}: the body ends on page {end[0] + 1}, {first} signs below"
    page = doc.pages[end[0]]
    assert [line.top for line in page.lines if line.text.endswith("./.")][0] < page.find(first)[0].top


@pytest.mark.parametrize("name", PORTRAIT)
def test_noi_nhan_stands_on_the_page_of_a_signature(rendered, name):
    doc = rendered[name]
    pages = [i for i, page in enumerate(doc.pages) if page.find("Nơi nhận:")]
    if doc.kind == "covenant" and not doc.context["recipients"]:
        assert not pages
        return
    assert len(pages) == 1, name
    names = signer_names(doc)
    assert any(doc.pages[pages[0]].find(n) for n in names), f"{name}: Nơi nhận alone on page {pages[0] + 1}"


# ---------------------------------------------------------------- signatures line up
def test_names_of_one_row_stand_level_and_an_odd_last_block_is_centred(rendered):
    checked = 0
    for name in PORTRAIT:
        doc = rendered[name]
        if doc.kind == "minutes":
            pairs = [signer_names(doc)]
        elif doc.kind == "covenant":
            ctx = doc.context
            pairs = [[b["name"] for b in row] for row in [*ctx["rows"], *([ctx["last_pair"]] if ctx["last_pair"] else [])]]
            if ctx["single"]:
                [line] = doc.pages[page_of(doc, ctx["single"]["name"])].find(ctx["single"]["name"])
                assert abs(line.centre - (30 + 165 / 2)) < 1.5, f"{name}: the odd last block is not centred"
                checked += 1
        else:
            continue
        for left, right in pairs:
            page = doc.pages[page_of(doc, left)]
            assert page_of(doc, right) == page_of(doc, left)
            [a], [b] = page.find(left), page.find(right)
            assert abs(a.top - b.top) < 0.3, f"{name}: {left} at {a.top:.1f} mm, {right} at {b.top:.1f} mm"
            checked += 1
    assert checked > 20


# ---------------------------------------------------------------- the decision and its list
DECISIONS = [n for n in NAMES if n.startswith("reward-decision")]


@pytest.mark.parametrize("name", DECISIONS)
def test_the_list_follows_the_awardee_count(rendered, name):
    doc = rendered[name]
    n = len(doc.model.awardees)
    text = "\n".join(line.text for page in doc.pages for line in page.lines)
    if n <= 2:
        assert len(runs(doc)) == 1 and "DANH SÁCH" not in text and "danh sách kèm theo" not in text, name
        for a in doc.model.awardees:
            assert a.name in " ".join(text.split()), f"{name}: {a.name} not named"
        return
    decision_run, annex = runs(doc)
    assert annex[0].lines[0].text == "DANH SÁCH"
    # The header row opens every page of the list after its first.
    for page in annex[1:]:
        assert page.lines[0].text.startswith("STT"), f"{name}: a list page begins {page.lines[0].text!r}"
    # STT runs 1, 2, … in each group: the numbers in the first 15 mm column (read together with
    # the name beside them at times).
    numbers = [int(m[1]) for page in annex for line in page.lines
               if line.x0 < 30 + 15 and (m := re.match(r"^(\d+)(?: |$)", line.text))]
    groups = sum(1 for kind in ("collective", "individual") if any(a.kind == kind for a in doc.model.awardees))
    assert numbers.count(1) == groups and len(numbers) == n, f"{name}: {len(numbers)} numbered rows for {n}"
    assert all(b == a + 1 for a, b in zip(numbers, numbers[1:]) if b != 1), f"{name}: a row is missing"
    assert annex[-1].has(r"^Tổng cộng: "), name


def test_fill_figures(rendered, capsys):
    """The lowest fill of a page a run goes on from, per kind and cause, printed in the test log."""
    worst: dict[tuple[str, bool], tuple[float, str]] = {}
    for name in PORTRAIT:
        doc = rendered[name]
        for run in runs(doc):
            for number, page in enumerate(run[:-1], start=1):
                key = (doc.kind, foot_follows(run[number]))
                if page.fill < worst.get(key, (2.0, ""))[0]:
                    worst[key] = (page.fill, name)
    with capsys.disabled():
        print()
        for (kind, foot), (fill, name) in sorted(worst.items()):
            print(f"  lowest fill, {kind}, {'before the signatures' if foot else 'in the text'}: {fill:.1%} ({name})")
    assert all(fill >= (FOOT_FILL[kind] if foot else MIN_FILL) for (kind, foot), (fill, _) in worst.items())


# ---------------------------------------------------------------- certificates
@pytest.mark.parametrize("name", ["certificate-short", "certificate-long"])
def test_one_certificate_a_page(rendered, name):
    doc = rendered[name]
    assert len(doc.pages) == len(doc.model.awardees)
    for page, a in zip(doc.pages, doc.model.awardees):
        assert page.find("BẰNG KHEN") and page.has(re.escape(a.name)), name
