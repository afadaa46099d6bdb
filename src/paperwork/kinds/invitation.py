"""Giấy mời (Mẫu 1.7): one invitee, the event, chair, time and place; "Như trên" first in Nơi nhận."""

from __future__ import annotations

import datetime as dt

from ..models import InvitationInput, Invitee, Person
from ..vietnamese import date_phrase
from .common import Issue, header, punctuate, recipients, signer_block, title_lines

TYPE_SYMBOL = "GM"
AS_ABOVE = "Như trên"  # the invitee, named in the body (spec §1.12a)


def _sentence(text: str) -> str:
    """User text closed by paperwork: one trailing mark is replaced by '.'."""
    return punctuate([text], last="")[0] + "."


def _who(value: Invitee | Person | str) -> str:
    if isinstance(value, str):
        return value
    parts = [value.name, value.title, getattr(value, "unit", None)]
    return ", ".join(p for p in parts if p)


def _clock(moment: dt.datetime) -> str:
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {date_phrase(moment.date())}"


def subject_of(doc: InvitationInput) -> str:
    return doc.title or f"Dự {doc.event}"


def build(doc: InvitationInput, issue: Issue) -> dict:
    lines = [f"Tới dự: {_sentence(doc.event)}"]
    if doc.chair is not None:
        lines.append(f"Chủ trì: {_sentence(_who(doc.chair))}")
    lines.append(f"Thời gian: {_clock(doc.start)}.")
    lines.append(f"Địa điểm: {_sentence(doc.venue)}")
    lines.extend(_sentence(note) for note in doc.notes)
    lines[-1] = lines[-1][:-1] + "./."  # the body ends with ./. (Mẫu 1.7)
    others = [r for r in doc.recipients if punctuate([r], last="")[0].casefold() != AS_ABOVE.casefold()]
    return {
        **header(doc, issue, TYPE_SYMBOL),
        "subject": title_lines(subject_of(doc), keep=(doc.place,)),
        "invite_lead": f"{doc.inviter or doc.agency.name} trân trọng kính mời: ",
        "invitee": _who(doc.invitee),
        "lines": lines,
        "recipients": recipients([AS_ABOVE, *others], doc.filing),
        "signer": signer_block(doc.signer),
    }


def title_of(doc: InvitationInput) -> str:
    return f"{subject_of(doc)} ({_who(doc.invitee)})"
