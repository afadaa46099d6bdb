"""``/``: the search page — one box (``q``), filters, highlighted snippets, paging, sorting.

The archive's own search does the work (``archive.searching``: diacritics optional, the query
language of ``paperwork search``); this module adds what the index does not know: restricted
documents are left out, and the dossier and direction (incoming / outgoing) filters select from
the registers. Shared with the JSON API (``run_search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request

from ..archive.query import MAX_LIMIT
from ..errors import InputError
from .helpers import N_, Page, _, add_nav, event_after_response, page_number, requires, searcher, state, the_user, workspace

PAGE_SIZE = 20
DIRECTIONS = ("incoming", "outgoing")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    type: str | None = None
    year: int | None = None
    agency: str | None = None
    dossier: str | None = None  # "YEAR/CODE"
    direction: str | None = None  # "incoming" | "outgoing"
    sort: str = "relevance"

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        def text(name: str, limit: int = 200) -> str | None:
            value = " ".join(str(args.get(name, "")).split())[:limit]
            return value or None

        year = text("year", 4)
        if year is not None and not year.isdigit():
            raise InputError(_("{value!r} is not a year").format(value=year), field="year")
        direction = text("direction")
        if direction is not None and direction not in DIRECTIONS:
            raise InputError(_("{value!r} is not a direction").format(value=direction), field="direction")
        sort = text("sort") or "relevance"
        if sort not in ("relevance", "date"):
            raise InputError(_("{value!r} is not a sort order").format(value=sort), field="sort")
        return cls(str(args.get("q", ""))[:1000], text("type"), int(year) if year else None, text("agency"),
                   text("dossier"), direction, sort)

    @property
    def post_filters(self) -> bool:
        return self.dossier is not None or self.direction is not None

    def event_details(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _allowed_ids(f: Filters) -> set[int] | None:
    """The archive ids the dossier and direction filters leave (None: no such filter)."""
    ws = workspace()
    allowed: set[int] | None = None
    if f.dossier is not None:
        from ..records.dossiers import dossier_catalog

        year, _sep, code = f.dossier.partition("/")
        found = dossier_catalog(ws).find(int(year), code) if year.isdigit() and code else None
        allowed = {doc for doc, _at in dossier_catalog(ws).document_ids(found.id)} if found else set()
    if f.direction is not None:
        ids = _incoming_ids() if f.direction == "incoming" else _outgoing_ids()
        allowed = ids if allowed is None else allowed & ids
    return allowed


def _incoming_ids() -> set[int]:
    from ..records.incoming import entries

    return {e.archive_id for e in entries(workspace())}


def _outgoing_ids() -> set[int]:
    from ..archive.store import Catalog
    from ..register import Register

    ws = workspace()
    shas = sorted({e.sha256 for e in Register.for_workspace(ws).entries() if e.status == "issued" and e.sha256})
    if not shas:
        return set()
    with Catalog.open_read(ws.catalog_path) as catalog:
        return set(catalog.ids_for_shas(shas).values())


def run_search(f: Filters, page: int, size: int = PAGE_SIZE) -> Page:
    """Page ``page`` of the hits the signed-in user may see (one more hit than a page, to know
    whether there is a next one)."""
    from ..users import hidden_ids

    user = the_user()
    assert user is not None
    hidden = hidden_ids(workspace(), user)
    allowed = _allowed_ids(f)
    wanted = page * size + 1
    limit = MAX_LIMIT if allowed is not None else min(MAX_LIMIT, wanted + len(hidden))
    hits = searcher().search(f.q, type=f.type, year=f.year, agency=f.agency, sort=f.sort, limit=limit)
    hits = [h for h in hits if h.id not in hidden and (allowed is None or h.id in allowed)]
    return Page.of(hits, page, size)


CHOICES_SECONDS = 30.0  # the filters' lists are read again after this long


def _choices() -> tuple[list[str], list[tuple[str, str]]]:
    """The document types the catalog holds, and the dossiers (value, label), for the filters
    (kept ``CHOICES_SECONDS``: counting types over 10,000 rows on every search is waste)."""
    import time

    cached = state().cache.get("choices")
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    value = _read_choices()
    state().cache["choices"] = (time.monotonic() + CHOICES_SECONDS, value)
    return value


def _read_choices() -> tuple[list[str], list[tuple[str, str]]]:
    from ..archive.store import Catalog
    from ..records.dossiers import dossier_catalog

    ws = workspace()
    with Catalog.open_read(ws.catalog_path) as catalog:
        types = sorted(t for t, _n in catalog.count_by("type") if t)
    dossiers = [(f"{d.year}/{d.code}", f"{d.year} · {d.code} · {d.title[:60]}")
                for d in dossier_catalog(ws).dossiers()]
    return types, dossiers


@requires("search")
def index():
    f = Filters.from_args(request.args)
    page = run_search(f, page_number())
    event_after_response("search", "archive", "catalog", {**f.event_details(), "page": page.number})
    types, dossiers = _choices()
    return render_template("search.html", f=f, page=page, types=types, dossiers=dossiers,
                           directions=(("incoming", _("Incoming")), ("outgoing", _("Outgoing"))))


def register(app) -> None:
    bp = Blueprint("search", __name__)
    bp.add_url_rule("/", "index", index)
    app.register_blueprint(bp)
    add_nav(app, "search.index", N_("Search"), "search", order=10)
