"""Builders of the web tests: an office workspace with users and documents, a signed-in client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive_docs import make_document
from paperwork import users
from paperwork.archive.service import add_file
from paperwork.config import Workspace, load_workspace

PASSWORD = "mat-khau-van-phong"
USERS = {"lan": "van-thu", "mai": "luu-tru", "hung": "lanh-dao", "admin": "quan-tri"}


@dataclass
class Office:
    ws: Workspace
    decision: int  # "Quyết định … khen thưởng": open to all
    restricted: int  # restricted to the lưu trữ
    invitation: int


def make_office(root: Path) -> Office:
    """An initialised workspace (init as a clerk runs it), four users, three archived documents."""
    from click.testing import CliRunner

    from paperwork.cli import cli

    result = CliRunner().invoke(cli, ["init", str(root), "--agency-name", "Sở Nội vụ", "--agency-code", "SNV",
                                      "--parent", "UBND tỉnh Cà Mau", "--place", "Cà Mau"])
    assert result.exit_code == 0, result.output
    ws = load_workspace(root)
    for name, role in USERS.items():
        users.add_user(ws, name, role, PASSWORD, display_name=name.title())
    docs = root.parent / "docs"
    decision = add_file(ws, make_document(
        docs / "qd-khen-thuong.docx", title="Về việc khen thưởng các tập thể và cá nhân có thành tích xuất sắc",
        body=("Điều 1. Tặng Giấy khen của Giám đốc Sở Nội vụ cho 03 tập thể.",))).record.id
    restricted = add_file(ws, make_document(
        docs / "qd-mat.docx", number="09/QĐ-SNV", title="Về việc khen thưởng nhân sự hạn chế đặc biệt",
        body=("Điều 1. Nội dung hạn chế bimatxyz.",))).record.id
    users.restrict(ws, restricted, ["luu-tru"])
    invitation = add_file(ws, make_document(
        docs / "giay-moi.docx", heading="GIẤY MỜI", number="12/GM-SNV", title="Dự Hội nghị tổng kết công tác",
        body=("Sở Nội vụ trân trọng kính mời.",), authority=None)).record.id
    return Office(ws, decision, restricted, invitation)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})
