"""The conference pack: one description of a conference, every document it needs.

``paperwork conference example`` prints a complete description (the 2023
conference of the Southwest cluster, shared/scenario); ``build_pack`` maps it
onto the per-kind inputs and makes them with ``batch``:

* an invitation (``invitation``) to every guest and every member unit but the host;
* the covenant (``covenant``) signed by every member;
* each reward decision (``reward-decision``) with its list;
* one certificate (``certificate``) per awardee of each decision, citing the
  decision's number and date (hence made after the decisions are numbered);
* the minutes draft (``minutes``): agenda, attendees, chair, secretary and
  the election candidates with blank vote counts;
* ``pack.md``, listing every file with its number.

Each section of the description has the shape of that kind's example input;
what the conference already says (date, place, host, members, chair …) is
filled in, and a value written in the section wins. The documents are
validated together before any is written; re-building the same description
issues no new numbers (the description is the batch manifest).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from .config import Workspace
from .files import write_atomic
from .errors import PaperworkError
from .i18n import _, translate_yaml_comments
from .models import Agency, Model, Person, Signer, Text
from .pipeline import BatchReport, Item, ItemResult, Renderer, _merge, default_jobs, plan, run

__all__ = ["ConferenceInput", "PackReport", "build_pack", "example", "load_conference", "pack_items"]

INDEX_NAME = "pack.md"


class Event(Model):
    meeting: Text
    cluster: Text
    date: dt.date
    start: dt.time
    end: dt.time | None = None
    venue: Text


class Host(Model):
    unit: Text  # its entry among the members
    place: Text
    agency: Agency
    signer: Signer


class Guest(Model):
    name: Text
    title: Text | None = None
    unit: Text


class ConferenceMember(Model):
    unit: Text
    signer: Signer
    attendee: Person | None = None  # who comes; default: the signer


class ConferenceInput(Model):
    conference: Event
    host: Host
    chair: Person
    secretary: Person
    guests: list[Guest] = Field(default_factory=list)
    members: list[ConferenceMember] = Field(min_length=2)
    invitation: dict[str, Any] = Field(default_factory=dict)
    covenant: dict[str, Any]
    rewards: list[dict[str, Any]] = Field(default_factory=list)
    certificates: dict[str, Any] = Field(default_factory=dict)
    minutes: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _host_is_member(self) -> ConferenceInput:
        if self.host.unit not in {m.unit for m in self.members}:
            raise ValueError(_("host.unit: must be one of the members' units"))
        return self


def example() -> str:
    text = resources.files("paperwork").joinpath("examples", "conference.yaml").read_text(encoding="utf-8")
    return translate_yaml_comments(text)


def load_conference(path: Path) -> ConferenceInput:
    from .inputs import load_input

    return load_input(path, ConferenceInput)


def slug(text: str, limit: int = 40) -> str:
    """ASCII file-name part: 'Sở Nội vụ tỉnh Bến Tre' -> 'so-noi-vu-tinh-ben-tre'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in text).split()
    out = "-".join(words)
    return out[:limit].rstrip("-") or "x"


def _dump(model: Model) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _person(p: Person | Guest) -> dict[str, Any]:
    return _dump(p)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


DecisionNumbers = Mapping[int, tuple[int, dt.date]]  # rewards index -> (number, date)


def pack_items(conf: ConferenceInput, path: Path, numbers: DecisionNumbers | None = None) -> list[Item]:
    """The per-kind inputs of the pack, in order; certificates cite ``numbers`` (else the decision's own)."""
    return [*_first_items(conf, path), *_certificate_items(conf, path, numbers or {}, start=10_000)]


def _item(path: Path, index: int, name: str, kind: str, where: str, data: Mapping[str, Any],
          ref: Any = None) -> Item:
    return Item(index=index, name=name, kind=kind, output=f"{name}.docx", source=f"{path}: {where}",
                base_dir=path.parent, data=data, ref=ref)


def _first_items(conf: ConferenceInput, path: Path) -> list[Item]:
    ev, host = conf.conference, conf.host
    items: list[Item] = []
    invitees = [(g.unit, _person(g)) for g in conf.guests]
    for m in conf.members:
        if m.unit == host.unit:
            continue
        who = m.attendee or Person(name=m.signer.name, title=m.signer.title)
        invitees.append((m.unit, {**_person(who), "unit": m.unit}))
    for n, (unit, invitee) in enumerate(invitees, start=1):
        data = _merge({
            "place": host.place, "agency": _dump(host.agency), "signer": _dump(host.signer),
            "event": f"{ev.meeting} của {ev.cluster}", "chair": _person(conf.chair),
            "start": f"{ev.date.isoformat()} {ev.start:%H:%M}", "venue": ev.venue,
        }, {**conf.invitation, "invitee": invitee})
        items.append(_item(path, len(items), f"giay-moi-{n:02d}-{slug(unit)}", "invitation",
                           f"invitation (to {unit})", data))

    covenant = _merge({
        "date": ev.date.isoformat(), "place": host.place, "cluster": ev.cluster,
        "members": [{"unit": m.unit, "signer": _dump(m.signer)} for m in conf.members],
    }, conf.covenant)
    year = covenant.get("year") or ev.date.year
    items.append(_item(path, len(items), f"giao-uoc-thi-dua-{year}", "covenant", "covenant", covenant))

    for i, decision in enumerate(conf.rewards):
        suffix = f"-{i + 1}" if len(conf.rewards) > 1 else ""
        items.append(_item(path, len(items), f"quyet-dinh-khen-thuong{suffix}", "reward-decision",
                           f"rewards[{i}]", decision, ref=i))

    attendees = [{**_person(g), "guest": True} for g in conf.guests]
    for m in conf.members:
        who = m.attendee or Person(name=m.signer.name, title=m.signer.title)
        attendees.append({"unit": m.unit, **_person(who)})
    minutes = _merge({
        "date": ev.date.isoformat(), "place": ev.venue, "agency": _dump(host.agency),
        "meeting": ev.meeting, "subtitle": ev.cluster, "start": f"{ev.start:%H:%M}",
        **({"end": f"{ev.end:%H:%M}"} if ev.end else {}),
        "chair": _person(conf.chair), "secretary": _person(conf.secretary), "attendees": attendees,
    }, conf.minutes)
    items.append(_item(path, len(items), "bien-ban-hoi-nghi", "minutes", "minutes", minutes))
    return items


def _certificate_items(conf: ConferenceInput, path: Path, numbers: DecisionNumbers, *, start: int) -> list[Item]:
    items: list[Item] = []
    for i, decision in enumerate(conf.rewards):
        number, date = numbers.get(i) or (decision.get("number"), decision.get("date"))
        ref = {"number": number if number is not None else 1, "date": str(date) if date else None}
        base = {k: decision[k] for k in ("place", "agency", "issuer_title", "signer") if k in decision}
        if isinstance(decision.get("award"), str):
            # The certificate prints the form of award alone, in big letters, under the
            # authority: "Bằng khen của Bộ trưởng Bộ Nội vụ" -> "Bằng khen".
            base["award"] = decision["award"].split(" của ", 1)[0]
        if isinstance(decision.get("achievement"), str):
            base["achievement"] = _capitalised(decision["achievement"])
        for j, awardee in enumerate(decision.get("awardees") or []):
            name = awardee.get("name", "") if isinstance(awardee, Mapping) else ""
            data = _merge({**base, "decision": ref}, {**conf.certificates, "awardees": [awardee]})
            label = slug(str(conf.certificates.get("award") or decision.get("award") or "bằng khen").split(" của ")[0], 20)
            items.append(_item(path, start + len(items), f"{label}-{len(items) + 1:02d}-{slug(name, 30)}",
                               "certificate", f"rewards[{i}].awardees[{j}] (certificate)", data, ref=i))
    return items


@dataclass(frozen=True)
class PackReport(BatchReport):
    """A batch report plus the pack's index page."""

    index: Path | None = None


def build_pack(
    ws: Workspace,
    path: Path,
    out_dir: Path,
    *,
    issue: bool = False,
    jobs: int | None = None,
    archive: bool = True,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    strict: bool = False,
) -> PackReport:
    """Make the whole pack into ``out_dir``; ``total`` is told how many documents will render."""
    path = Path(path).absolute()
    conf = load_conference(path)
    first = plan(ws, _first_items(conf, path), out_dir, issue=issue, manifest=path, strict=strict)
    # Certificates are checked now (with the decisions' own numbers) and made once the decisions are numbered.
    check = plan(ws, _certificate_items(conf, path, {}, start=10_000), out_dir, issue=issue, manifest=path,
                 strict=strict)
    if total is not None:
        total(len(first.ready) + len(check.ready))
    with Renderer(ws, jobs or default_jobs()) as renderer:
        report1 = run(ws, first, archive=archive, progress=progress, renderer=renderer)
        numbers: dict[int, tuple[int, dt.date]] = {}
        missing: dict[int, str] = {}
        for r in report1.items:
            if r.kind != "reward-decision":
                continue
            if r.status == "written" and r.number_value is not None and r.date is not None:
                numbers[r.ref] = (r.number_value, r.date)
            else:
                missing[r.ref] = (_("rewards[{ref}] was not written").format(ref=r.ref) if r.status == "failed" else
                                  _("rewards[{ref}] has no number yet: give it `number:` or build with "
                                    "--issue").format(ref=r.ref))
        certificates = _certificate_items(conf, path, numbers, start=10_000)
        waiting = {it.name: missing[it.ref] for it in certificates if it.ref in missing}
        second = plan(ws, [it for it in certificates if it.name not in waiting], out_dir, issue=issue,
                      manifest=path, strict=strict)
        report2 = run(ws, second, archive=archive, progress=progress, renderer=renderer)
    skipped = tuple(ItemResult(name, "certificate", out_dir / f"{name}.docx", "failed",
                               failure=PaperworkError(_("the certificate cites its decision, but {why}").format(
                                   why=why
                               )))
                    for name, why in waiting.items())
    if progress is not None and skipped:
        progress(len(skipped))

    items = (*report1.items, *report2.items, *skipped)
    index = out_dir / INDEX_NAME
    write_atomic(index, pack_index(conf, path, items).encode("utf-8"))
    errors = "; ".join(e for e in (report1.archive_error, report2.archive_error) if e) or None
    return PackReport(items, workers=report1.workers | report2.workers,
                      archived=report1.archived + report2.archived, archive_error=errors,
                      archive_note=report1.archive_note, recovered=report1.recovered, index=index)


KIND_NAMES = {
    "invitation": "Giấy mời",
    "covenant": "Giao ước thi đua",
    "reward-decision": "Quyết định khen thưởng",
    "certificate": "Bằng khen / Giấy khen",
    "minutes": "Biên bản (dự thảo)",
}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def pack_index(conf: ConferenceInput, path: Path, items: tuple[ItemResult, ...]) -> str:
    """pack.md: every file of the pack with its number (Markdown, one table)."""
    ev = conf.conference
    lines = [
        f"# {ev.meeting}",
        "",
        f"{ev.cluster} — {conf.host.place}, {ev.date:%d/%m/%Y}. Made by `paperwork conference build` from"
        f" `{path.name}`.",
        "",
        "| STT | Tệp | Loại | Số, ký hiệu | Trích yếu |",
        "|---:|---|---|---|---|",
    ]
    written = [r for r in items if r.status == "written"]
    for n, r in enumerate(written, start=1):
        number = r.number or ("—" if r.kind in ("covenant", "certificate") else "(chưa cấp số)")
        lines.append(f"| {n} | [{r.output.name}]({r.output.name}) | {KIND_NAMES.get(r.kind, r.kind)} |"
                     f" {_cell(number)} | {_cell(r.title)} |")
    failed = [r for r in items if r.status == "failed"]
    if failed:
        lines += ["", "## Not written", ""]
        lines += [f"- `{r.name}`: {_cell(r.error)}" for r in failed]
    return "\n".join(lines) + "\n"
