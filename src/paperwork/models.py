"""Input models, one per document kind, with the shared parts (agency, signer, dates).

Everything a user types passes through here: text is stripped and normalised to
NFC, characters that cannot live in a .docx (control characters) are refused,
unknown fields are refused, and a missing field is an error, never a blank.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


def clean_text(value: str) -> str:
    """NFC, trimmed, one line, no characters XML 1.0 or Word cannot hold."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be empty")
    for ch in value:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or ch in "\ufffe\uffff" or cat == "Zl" or cat == "Zp":
            raise ValueError(f"contains a control character U+{ord(ch):04X}; write it on one line")
    return value


def _agency_code(value: str) -> str:
    if not re.fullmatch(r"[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*", value):
        raise ValueError("must be capital letters and digits joined by '-', e.g. SNV or SNV-TĐKT")
    return value


def _authority(value: str) -> str:
    head = value.split(" ", 1)[0].upper()
    if head not in AUTHORITY_PREFIXES:
        raise ValueError(f"must start with one of {' '.join(AUTHORITY_PREFIXES)} (e.g. KT. GIÁM ĐỐC)")
    return value


Text = Annotated[str, AfterValidator(clean_text)]
Code = Annotated[str, AfterValidator(clean_text), AfterValidator(_agency_code)]
Authority = Annotated[str, AfterValidator(clean_text), AfterValidator(_authority)]
Time = Annotated[dt.time, Field(description="HH:MM")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Agency(Model):
    """The issuing agency (ô 2): parent agency above it when there is one."""

    parent: Text | None = None
    name: Text
    code: Code


class Signer(Model):
    """Signature block (ô 7): authority prefix line, title, name."""

    authority: Authority | None = None
    title: Text
    name: Text


class Person(Model):
    name: Text
    title: Text


class DocumentInput(Model):
    """Fields every kind has."""

    date: dt.date | None = None
    number: Annotated[int, Field(ge=1, le=99999)] | None = None
    place: Text
    agency: Agency
    signer: Signer
    recipients: list[Text] = Field(min_length=1)
    filing: Text = "VT"


class Awardee(Model):
    name: Text
    kind: Literal["individual", "collective"]
    position: Text | None = None
    unit: Text | None = None
    amount: Annotated[int, Field(ge=0, le=10**12)]
    note: Text | None = None


class RewardDecisionInput(DocumentInput):
    title: Text
    issuer_title: Text
    bases: list[Text] = Field(min_length=1)
    proposal: Text | None = None
    award: Text
    achievement: Text
    fund: Text
    executors: Text
    awardees: list[Awardee] = Field(min_length=1)


class Member(Model):
    unit: Text
    signer: Signer


class CommitmentSection(Model):
    title: Text
    items: list[Text] = Field(min_length=1)


class CovenantInput(DocumentInput):
    signer: Signer | None = None  # the members sign; an optional countersignature
    recipients: list[Text] = Field(default_factory=list)
    year: Annotated[int, Field(ge=1945, le=2200)] | None = None
    cluster: Text
    bases: list[Text] = Field(min_length=1)
    members: list[Member] = Field(min_length=2)
    theme: Text
    goals: list[Text] = Field(default_factory=list)
    commitments: list[CommitmentSection] = Field(min_length=1)
    organisation: list[Text] = Field(min_length=1)
    head: Text
    deputy: Text | None = None
    report_to: Text | None = None

    @model_validator(mode="after")
    def _head_is_member(self) -> CovenantInput:
        units = {m.unit for m in self.members}
        if self.head not in units:
            raise ValueError("head: must be one of the members' units")
        if self.deputy is not None and self.deputy not in units:
            raise ValueError("deputy: must be one of the members' units")
        return self


class Attendee(Model):
    unit: Text
    name: Text | None = None
    title: Text | None = None
    guest: bool = False
    present: bool = True


class AgendaItem(Model):
    item: Text
    presenter: Text | None = None


class Speech(Model):
    speaker: Text
    content: Text


class Election(Model):
    position: Text
    candidate: Text
    votes: Annotated[int, Field(ge=0)] | None = None
    total: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _votes_fit(self) -> Election:
        if (self.votes is None) != (self.total is None):
            raise ValueError("votes and total: give both or neither")
        if self.votes is not None and self.total is not None and self.votes > self.total:
            raise ValueError("votes: more votes than ballots (total)")
        return self


class Approval(Model):
    agreed: Annotated[int, Field(ge=0)]
    total: Annotated[int, Field(ge=1)]


class MinutesInput(DocumentInput):
    signer: Signer | None = None  # the chair's government position, written above the name
    date: dt.date
    meeting: Text
    subtitle: Text | None = None
    start: dt.time
    end: dt.time | None = None
    chair: Person
    secretary: Person
    attendees: list[Attendee] = Field(min_length=1)
    agenda: list[AgendaItem] = Field(min_length=1)
    discussion: list[Speech] = Field(default_factory=list)
    elections: list[Election] = Field(default_factory=list)
    conclusions: list[Text] = Field(default_factory=list)
    approval: Approval | None = None
    filing: Text = "VT, Hồ sơ"

    @model_validator(mode="after")
    def _signer_is_chair(self) -> MinutesInput:
        if self.signer is not None and self.signer.name != self.chair.name:
            raise ValueError("signer.name: must be the chair's name (the chủ tọa signs the minutes)")
        if self.end is not None and self.end <= self.start:
            raise ValueError("end: the meeting must end after it starts")
        return self
