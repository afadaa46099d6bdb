"""Builders of the archive tests: real Decree-30 shaped .docx files, the CLI's JSON.

Their fixtures (``ws``, ``run``, ``pdfs``) are in conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx


NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def make_document(
    path: Path,
    *,
    heading: str = "QUYẾT ĐỊNH",
    title: str = "Về việc tặng Giấy khen cho các tập thể và cá nhân",
    number: str | None = "05/QĐ-SNV",
    date_line: str | None = "Cà Mau, ngày 05 tháng 02 năm 2026",
    agency: tuple[str, ...] = ("UBND TỈNH CÀ MAU", "SỞ NỘI VỤ"),
    body: tuple[str, ...] = ("Điều 1. Tặng Giấy khen của Giám đốc Sở Nội vụ cho 03 tập thể.",),
    authority: str | None = "GIÁM ĐỐC SỞ NỘI VỤ",
    signer: str = "Nguyễn Văn Bảy",
) -> Path:
    """A Decree-30 shaped document: header table, heading, trích yếu, body, signature table."""
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    left, right = header.cell(0, 0), header.cell(0, 1)
    left.paragraphs[0].text = agency[0]
    for line in agency[1:]:
        left.add_paragraph(line)
    right.paragraphs[0].text = NATIONAL[0]
    right.add_paragraph(NATIONAL[1])
    if number is not None:
        header.cell(1, 0).paragraphs[0].text = f"Số: {number}"
    if date_line is not None:
        header.cell(1, 1).paragraphs[0].text = date_line
    document.add_paragraph("")
    document.add_paragraph(heading)
    document.add_paragraph(title)
    document.add_paragraph("")
    if authority:
        document.add_paragraph(authority)
    for line in body:
        document.add_paragraph(line)
    signature = document.add_table(rows=1, cols=2)
    signature.cell(0, 0).paragraphs[0].text = "Nơi nhận:"
    signature.cell(0, 0).add_paragraph("- Lưu: VT, VP.")
    block = signature.cell(0, 1).add_table(rows=2, cols=1)  # a nested table
    block.cell(0, 0).paragraphs[0].text = "GIÁM ĐỐC"
    block.cell(1, 0).paragraphs[0].text = signer
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_many(folder: Path, count: int, *, prefix: str = "doc") -> list[Path]:
    """``count`` distinct decisions, each with a word of its own ("maso<i>")."""
    return [
        make_document(
            folder / f"{prefix}-{i:03d}.docx",
            number=f"{i + 1:02d}/QĐ-SNV",
            title=f"Về việc khen thưởng đợt {prefix} {i}",
            body=(f"Nội dung riêng maso{prefix}{i} của văn bản.",),
        )
        for i in range(count)
    ]


def run_json(run, *args: str):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
