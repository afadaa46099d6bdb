"""Bản giao ước thi đua of a cluster, signed by every member unit (spec §5.2)."""

from __future__ import annotations

from ..models import CovenantInput
from ..vietnamese import count_str, upper_vi
from ..layout import CELL_PAD_MM, SIGNER_COL_MM, centred
from .common import Issue, header, punctuate, recipients, signer_block, title_lines

# Not one of Decree 30's 29 types: the symbol is the cluster's choice (spec §2.1).
TYPE_SYMBOL = "GƯTĐ"
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _items(items: list[str]) -> list[str]:
    return ["- " + line for line in punctuate(items)]


def build(doc: CovenantInput, issue: Issue) -> dict:
    year = doc.year or issue.year
    headings = iter(ROMAN)
    organisation = [*doc.organisation]
    leaders = f"Cụm trưởng năm {year}: {doc.head}"
    if doc.deputy:
        leaders += f"; Cụm phó năm {year}: {doc.deputy}"
    organisation.append(leaders)

    # Two blocks a row; an odd last block stands alone, centred. The last row
    # (pair or single) is the one the template keeps with Nơi nhận.
    unit_width = SIGNER_COL_MM - CELL_PAD_MM
    blocks = [{"unit": centred(upper_vi(m.unit), unit_width, 13), **signer_block(m.signer)} for m in doc.members]
    single = blocks.pop() if len(blocks) % 2 else None
    rows = [blocks[i : i + 2] for i in range(0, len(blocks), 2)]
    last_pair = rows.pop() if single is None else None

    copies = len(doc.members) + (1 if doc.report_to else 0)
    closing = (
        f"Bản giao ước này được lập thành {count_str(copies)} bản có giá trị như nhau, "
        "mỗi đơn vị thành viên giữ 01 bản"
        + (f", gửi {doc.report_to} 01 bản" if doc.report_to else "")
        + "./."
    )
    numbered = issue.number is not None
    return {
        **header(doc, issue, TYPE_SYMBOL, numbered=numbered),
        "title": title_lines(f"BẢN GIAO ƯỚC THI ĐUA NĂM {year}"),
        "cluster": title_lines(doc.cluster, keep=(doc.place,)),
        "bases": punctuate(doc.bases),
        "members": punctuate([f"{i}. {m.unit}" for i, m in enumerate(doc.members, start=1)]),
        "intro": f"Các đơn vị thành viên thống nhất ký kết giao ước thi đua năm {year} với các nội dung sau:",
        "theme_heading": f"{next(headings)}. CHỦ ĐỀ THI ĐUA",
        "theme": f"“{doc.theme}”",
        "goals_heading": f"{next(headings)}. MỤC TIÊU" if doc.goals else "",
        "goals": _items(doc.goals) if doc.goals else [],
        "commitments_heading": f"{next(headings)}. NỘI DUNG GIAO ƯỚC",
        "commitments": [
            {"heading": f"{i}. {section.title}", "points": _items(section.items)}
            for i, section in enumerate(doc.commitments, start=1)
        ],
        "organisation_heading": f"{next(headings)}. TỔ CHỨC THỰC HIỆN",
        "organisation": _items(organisation),
        "closing": closing,
        "countersign": signer_block(doc.signer) if doc.signer else None,
        "rows": rows,
        "last_pair": last_pair,
        "single": single,
        "recipients": recipients(doc.recipients, doc.filing) if doc.recipients else [],
    }


def title_of(doc: CovenantInput) -> str:
    return f"Giao ước thi đua năm {doc.year or (doc.date.year if doc.date else '')} {doc.cluster}".strip()
