"""Biên bản hội nghị (Mẫu 1.9): no place/date line, THƯ KÝ and CHỦ TỌA sign."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ..models import MinutesInput
from ..vietnamese import BLANK, date_phrase, format_decimal, upper_vi
from .common import Issue, header, punctuate, recipients, signer_lines, title_lines

TYPE_SYMBOL = "BB"


def _clock(t: dt.time) -> str:
    return f"{t.hour:02d} giờ {t.minute:02d} phút"


def _percent(part: int, whole: int) -> str:
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format_decimal(value) + "%"


def _person(name: str | None, title: str | None, unit: str | None) -> str:
    return ", ".join(p for p in (name, title, unit) if p)


def build(doc: MinutesInput, issue: Issue) -> dict:
    day = date_phrase(doc.date)
    guests = [a for a in doc.attendees if a.guest]
    members = [a for a in doc.attendees if not a.guest]
    present = sum(1 for a in members if a.present)
    member_lines = [
        f"{a.unit}: {_person(a.name, a.title, None)}" if a.name or a.title else a.unit
        for a in members
    ]
    member_lines = [
        line + ("" if a.present else " (vắng mặt)") for line, a in zip(member_lines, members)
    ]
    elections = []
    for e in doc.elections:
        line = f"{e.position}: {e.candidate}"
        if e.votes is not None and e.total is not None:
            line += f", đạt {e.votes}/{e.total} phiếu ({_percent(e.votes, e.total)})"
        elections.append(line)
    if doc.end is not None:
        end_line = f"Hội nghị kết thúc vào {_clock(doc.end)}, {day}./."
    else:
        end_line = f"Hội nghị kết thúc vào{BLANK}giờ{BLANK}phút cùng ngày./."
    approval = ""
    if doc.approval:
        approval = (
            "Biên bản đã được đọc lại trước hội nghị và được các thành viên nhất trí thông qua "
            f"({doc.approval.agreed}/{doc.approval.total} = {_percent(doc.approval.agreed, doc.approval.total)})."
        )
    chair_lines = ["CHỦ TỌA"]
    if doc.signer:
        if doc.signer.authority:
            chair_lines.append(upper_vi(doc.signer.authority))
        chair_lines.append(upper_vi(doc.signer.title))
    return {
        **header(doc, issue, TYPE_SYMBOL),
        "meeting": title_lines(doc.meeting, keep=(doc.place,)),
        "subtitle": title_lines(doc.subtitle, keep=(doc.place,)) if doc.subtitle else "",
        "start_line": f"Thời gian bắt đầu: {_clock(doc.start)}, {day}.",
        "place_line": f"Địa điểm: {doc.place}.",
        "guests_heading": "- Đại biểu khách mời:" if guests else "",
        "guests": ["+ " + line for line in punctuate([_person(a.name, a.title, a.unit) for a in guests])],
        "members_heading": f"- Đơn vị thành viên: có mặt {present}/{len(members)} đơn vị:" if members else "",
        "members": ["+ " + line for line in punctuate(member_lines)] if members else [],
        "chair_line": f"Chủ trì (chủ tọa): {doc.chair.name}, {doc.chair.title}.",
        "secretary_line": f"Thư ký (người ghi biên bản): {doc.secretary.name}, {doc.secretary.title}.",
        "agenda": [
            f"{i}. {punctuate([a.item], last='')[0]}" + (f" ({a.presenter} trình bày)." if a.presenter else ".")
            for i, a in enumerate(doc.agenda, start=1)
        ],
        "discussion": ["- " + line for line in punctuate([f"{s.speaker}: {s.content}" for s in doc.discussion])]
        if doc.discussion
        else [],
        "elections": ["- " + line for line in punctuate(elections)] if elections else [],
        "conclusions": ["- " + line for line in punctuate(doc.conclusions)] if doc.conclusions else [],
        "approval": approval,
        "end_line": end_line,
        "secretary": {"name": doc.secretary.name},
        "chair": {"lines": signer_lines(chair_lines, keep=(doc.place,)), "name": doc.chair.name},
        "recipients": recipients(doc.recipients, doc.filing),
    }


def title_of(doc: MinutesInput) -> str:
    return doc.meeting
