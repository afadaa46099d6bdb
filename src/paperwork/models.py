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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .config import AGENCY_CODE, AGENCY_CODE_RULE
from .i18n import _
from .vietnamese import clean_text  # the one rule for typed text, shared with the CLI and profile

AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


def _agency_code(value: str) -> str:
    if not AGENCY_CODE.fullmatch(value):
        raise ValueError(_(AGENCY_CODE_RULE))
    return value


def _authority(value: str) -> str:
    head = value.split(" ", 1)[0].upper()
    if head not in AUTHORITY_PREFIXES:
        raise ValueError(_("must start with one of {AUTHORITY_PREFIXES} (e.g. KT. GIÁM ĐỐC)").format(
            AUTHORITY_PREFIXES=' '.join(AUTHORITY_PREFIXES)
        ))
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
    # Typed in đồng, or left out: then coefficient × base salary on the decision
    # date (paperwork.money), the coefficient chosen by award_rule.
    amount: Annotated[int, Field(ge=0, le=10**12)] | None = None
    award_rule: Text | None = None  # this awardee's award/title for the coefficient, over the decision's
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
    # The award or title whose coefficient computes a missing amount (default: `award`).
    award_rule: Text | None = None
    show_rule: bool = False  # print "1,5 × 2.340.000" in Ghi chú and the rule under the list


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
            raise ValueError(_("head: must be one of the members' units"))
        if self.deputy is not None and self.deputy not in units:
            raise ValueError(_("deputy: must be one of the members' units"))
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
            raise ValueError(_("votes and total: give both or neither"))
        if self.votes is not None and self.total is not None and self.votes > self.total:
            raise ValueError(_("votes: more votes than ballots (total)"))
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
            raise ValueError(_("signer.name: must be the chair's name (the chủ tọa signs the minutes)"))
        if self.end is not None and self.end <= self.start:
            raise ValueError(_("end: the meeting must end after it starts"))
        return self


class Invitee(Model):
    """Who is invited: a person (name with Ông/Bà as it should read), or a unit alone."""

    name: Text
    title: Text | None = None
    unit: Text | None = None


_CLOCK = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$")


def _start(value: object) -> object:
    """'2023-03-06 07:30' (or 7:30), or {date, time}; a date alone is refused, not midnight."""
    if isinstance(value, dict) and set(value) == {"date", "time"}:
        return f"{value['date']}T{value['time']}"
    if isinstance(value, str):
        text = value.strip()
        m = _CLOCK.match(text)
        if m:
            return f"{m.group(1)}T{int(m.group(2)):02d}:{m.group(3)}"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(_("give the time too, e.g. 2023-03-06 07:30"))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(_("give the time too, e.g. 2023-03-06 07:30"))
    return value


class InvitationInput(DocumentInput):
    """Giấy mời (Mẫu 1.7): one invitee a document; the conference pack makes one per invitee."""

    title: Text | None = None  # trích yếu; default "Dự <event>"
    inviter: Text | None = None  # "<inviter> trân trọng kính mời:"; default: agency.name
    invitee: Invitee | Text
    event: Text
    chair: Person | Text | None = None
    start: Annotated[dt.datetime, BeforeValidator(_start)]
    venue: Text
    notes: list[Text] = Field(default_factory=list)
    # The invitee is "Như trên"; other recipients are optional.
    recipients: list[Text] = Field(default_factory=list)


class DecisionRef(Model):
    """The decision a certificate cites: "Quyết định số 125/QĐ-BNV ngày 27 tháng 02 năm 2023"."""

    number: Annotated[int, Field(ge=1, le=99999)]
    date: dt.date
    symbol: Code | None = None  # default: QĐ-<agency.code>


class CertificateInput(DocumentInput):
    """Giấy khen / Bằng khen to print, one landscape page per awardee; unnumbered itself."""

    award: Text  # the form printed in big letters: Bằng khen, Giấy khen
    issuer_title: Text  # the awarding authority: Bộ trưởng Bộ Nội vụ (printed in capitals)
    achievement: Text  # printed as written: "Đã có thành tích …"
    decision: DecisionRef
    awardees: list[Awardee] = Field(min_length=1)  # the reward decision's list; amounts not printed
    recipients: list[Text] = Field(default_factory=list)
    filing: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _dated_as_the_decision(cls, data: object) -> object:
        # A certificate carries its decision's date unless told otherwise.
        if isinstance(data, dict) and data.get("date") is None and isinstance(data.get("decision"), dict):
            return {**data, "date": data["decision"].get("date")}
        return data

    @model_validator(mode="after")
    def _certificate_rules(self) -> CertificateInput:
        if self.number is not None:
            raise ValueError(_("number: a certificate is not numbered; it cites decision.number"))
        if self.recipients or self.filing:
            raise ValueError(_("recipients: a certificate has no Nơi nhận; leave recipients and filing out"))
        # The agency is printed only through the authority line: they must agree,
        # or the symbol QĐ-<code> and the archive entry would name another agency.
        if _fold(self.agency.name) not in _fold(self.issuer_title):
            raise ValueError(
                _("issuer_title: must name the issuing agency '{name}' (e.g. Giám đốc {name} …)").format(
                    name=self.agency.name
                )
            )
        return self


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().replace("uỷ", "ủy").split())
