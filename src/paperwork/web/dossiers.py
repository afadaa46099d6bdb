"""Dossiers (hồ sơ) on the web page: the year's plan, a dossier's mục lục, filing, closing, export, transfer.

    /dossiers/?year=2026                  the year's Danh mục hồ sơ: retention, status, due date, warnings
    POST /dossiers/plan                   upload a Danh mục (.xlsx, .csv, .yaml, .json) for a year
    /dossiers/<year>/<code>               the mục lục văn bản; file documents, close (lưu trữ)
    POST /dossiers/<year>/<code>/file     archive ids, optional reason
    POST /dossiers/<year>/<code>/close    optional end date
    /dossiers/<year>/<code>/export.zip    the dossier's export (records.export) as a zip
    /dossiers/transfer?year=2026          closed dossiers awaiting transfer; build the nộp lưu package
    POST /dossiers/transfer               the BagIt bag under <workspace>/transfers/, then its page
    /dossiers/transfers/<id>.zip          a transfer's bag as a zip

The same library calls as ``paperwork dossier …`` and ``paperwork transfer``; looking needs "read",
changing "dossiers", the transfer "transfer" (the lưu trữ). An ``InputError`` (a plan's row and
column, a closed dossier, an unknown id) is shown beside the form that caused it, with status 400.
A document restricted from the user is left out of the mục lục she sees (its row says so).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for

from ..errors import InputError
from .helpers import N_, _, add_nav, event, flash_ok, requires, the_user, workspace

PLAN_SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml", ".json")
TRANSFERS_DIR = "transfers"
STATUS_LABELS = {"open": N_("open"), "closed": N_("closed"), "transferred": N_("transferred")}


def _year_arg(value: str | None, default: int | None) -> int | None:
    if value is None or not value.strip():
        return default
    try:
        year = int(value.strip())
    except ValueError:
        raise InputError(_("{value!r} is not a year").format(value=value), field="year") from None
    if not 1900 <= year <= 9999:
        raise InputError(_("{value!r} is not a year").format(value=value), field="year")
    return year


def _date_arg(value: str | None, field: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=field) from None


def _years() -> list[int]:
    from ..records.dossiers import dossier_catalog

    return sorted({d.year for d in dossier_catalog(workspace()).dossiers(None)}, reverse=True)


def _may(permission: str) -> bool:
    user = the_user()
    return user is not None and user.may(permission)


def _plan_page(year: int, *, error: InputError | None = None, report=None, status: int = 200):
    from ..records.dossiers import list_dossiers

    states = list_dossiers(workspace(), year)
    warnings = [w for w in (s.warning() for s in states) if w]
    years = sorted({*_years(), year, dt.date.today().year}, reverse=True)
    return render_template("dossiers_list.html", year=year, years=years, states=states, warnings=warnings,
                           error=error, report=report, may_change=_may("dossiers"),
                           may_transfer=_may("transfer")), status


@requires("read")
def index():
    try:
        year = _year_arg(request.args.get("year"), dt.date.today().year)
    except InputError as e:
        return _plan_page(dt.date.today().year, error=e, status=400)
    return _plan_page(year)


def _save_upload(field: str, suffixes: tuple[str, ...], folder: Path) -> Path:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise InputError(_("choose a file"), field=field)
    name = Path(upload.filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")[:100]
    if not name or Path(name).suffix.lower() not in suffixes:
        raise InputError(_("use one of {suffixes}").format(suffixes=", ".join(suffixes)), source=upload.filename,
                         field=field)
    path = folder / name
    upload.save(path)
    return path


@requires("dossiers")
def plan():
    from ..records.dossiers import plan_dossiers

    year = dt.date.today().year
    with tempfile.TemporaryDirectory(prefix="paperwork-plan-") as tmp:
        try:
            year = _year_arg(request.form.get("year"), None) or year
            if not request.form.get("year", "").strip():
                raise InputError(_("give the year of the Danh mục"), field="year")
            path = _save_upload("file", PLAN_SUFFIXES, Path(tmp))
            event("upload", "file", path.name, {"plan": year})
            report = plan_dossiers(workspace(), path, year)
        except InputError as e:
            if e.source:
                e = InputError(e.reason, source=e.source.replace(f"{tmp}/", ""), field=e.field)
            return _plan_page(year, error=e, status=400)
    total = len(report.added) + len(report.updated) + len(report.unchanged)
    flash_ok(_("Danh mục hồ sơ {year}: {total} dossiers ({count} new, {count2} updated, {count3} "
               "unchanged); {permanent} kept permanently, {limited} for a number of years").format(
        year=year, total=total, count=len(report.added), count2=len(report.updated),
        count3=len(report.unchanged), permanent=report.permanent, limited=report.limited))
    return _plan_page(year, report=report)


def _dossier(year: int, code: str):
    from ..records.dossiers import dossier_catalog

    found = dossier_catalog(workspace()).find(year, code)
    if found is None:
        abort(404)
    return found


def _dossier_page(year: int, code: str, *, error: InputError | None = None, form: str | None = None,
                  status: int = 200):
    from ..records.dossiers import contents, dossier_catalog, list_dossiers
    from ..users import hidden_ids

    d = _dossier(year, code)
    ws = workspace()
    what = contents(ws, d)
    hidden = hidden_ids(ws, the_user())
    state = next((s for s in list_dossiers(ws, year) if s.dossier.id == d.id), None)
    moves = dossier_catalog(ws).moves(dossier_id=d.id)
    event("view", "dossier", d.code, {"year": d.year})
    return render_template(
        "dossiers_show.html", d=d, items=what.items, hidden=hidden, state=state, contents=what,
        moves=[m for m in moves if m.document_id not in hidden], error=error, error_form=form,
        may_change=_may("dossiers"), values=request.form,
    ), status


@requires("read")
def show(year: int, code: str):
    return _dossier_page(year, code)


@requires("dossiers")
def file(year: int, code: str):
    from ..records.dossiers import file_documents

    d = _dossier(year, code)
    try:
        text = request.form.get("ids", "")
        ids: list[int] = []
        for token in re.split(r"[\s,;]+", text.strip()):
            if not token:
                continue
            if not token.isdigit() or len(token) > 18:
                raise InputError(_("{token!r} is not an archive id (a number)").format(token=token), field="ids")
            ids.append(int(token))
        reason = (request.form.get("reason") or "").strip() or None
        done = file_documents(workspace(), d.year, d.code, ids, reason=reason)
    except InputError as e:
        return _dossier_page(year, code, error=e, form="file", status=400)
    moved = [m for m in done if not isinstance(m, int)]
    flash_ok(_("{count} documents filed into {code}; {already} already there").format(
        count=len(moved), code=d.code, already=len(done) - len(moved)))
    return redirect(url_for("dossiers.show", year=year, code=code))


@requires("dossiers")
def close(year: int, code: str):
    from ..records.dossiers import close_dossier

    d = _dossier(year, code)
    try:
        closed = close_dossier(workspace(), d.year, d.code, end=_date_arg(request.form.get("end"), "end"))
    except InputError as e:
        return _dossier_page(year, code, error=e, form="close", status=400)
    flash_ok(_("Closed {label}: {documents} documents, ended {end_date:%d/%m/%Y}, kept {retention}").format(
        label=closed.label, documents=closed.documents, end_date=closed.end_date, retention=closed.retention))
    return redirect(url_for("dossiers.show", year=year, code=code))


def _zip_folder(folder: Path, top: str):
    """A zip of ``folder`` (its files under ``top/``) in a temporary file, ready to send."""
    spool = tempfile.TemporaryFile(prefix="paperwork-zip-")
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                z.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    spool.seek(0)
    return spool


def _zip_name(text: str) -> str:
    return re.sub(r"[^\w.\-]+", "-", text).strip("-.") or "ho-so"


@requires("dossiers")
def export(year: int, code: str):
    """The dossier exported as ``paperwork dossier export`` makes it, sent as a zip."""
    from ..records.export import export_dossier

    d = _dossier(year, code)
    name = _zip_name(f"ho-so-{d.code}-{d.year}")
    with tempfile.TemporaryDirectory(prefix="paperwork-export-") as tmp:
        try:
            result = export_dossier(workspace(), d.year, d.code, Path(tmp) / name)
        except InputError as e:
            return _dossier_page(year, code, error=e, form="export", status=400)
        spool = _zip_folder(result.folder, name)
    event("download", "dossier", d.code, {"year": d.year, "export": f"{name}.zip", "documents": result.documents})
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=f"{name}.zip", max_age=0)


def _transfer_page(year: int, *, error: InputError | None = None, status: int = 200):
    from ..records.dossiers import dossier_catalog, list_dossiers

    due = list_dossiers(workspace(), None, due_only=True)
    warnings = [w for w in (s.warning() for s in due) if w]
    transfers = list(reversed(dossier_catalog(workspace()).transfers()))
    years = sorted({*(s.dossier.year for s in due), year}, reverse=True)
    return render_template("dossiers_transfer.html", year=year, years=years, due=due, warnings=warnings,
                           transfers=transfers, error=error, may_transfer=_may("transfer"),
                           values=request.form), status


def _first_due_year() -> int:
    """The year of the dossier due soonest, else last year (dossiers go the year after they close)."""
    from ..records.dossiers import list_dossiers

    due = list_dossiers(workspace(), None, due_only=True)
    return due[0].dossier.year if due else dt.date.today().year - 1


@requires("read")
def transfer_due():
    try:
        year = _year_arg(request.args.get("year"), None) or _first_due_year()
    except InputError as e:
        return _transfer_page(dt.date.today().year - 1, error=e, status=400)
    return _transfer_page(year)


def _transfer_target(year: int) -> Path:
    folder = workspace().root / TRANSFERS_DIR
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 100):
        target = folder / f"nop-luu-{year}-{stamp}{'' if n == 1 else f'-{n}'}"
        if not target.exists():
            return target
    raise InputError(_("too many transfers this second: try again"))


@requires("transfer")
def transfer_build():
    """Build the nộp lưu package of a year's closed dossiers (``paperwork transfer``) under transfers/."""
    from ..records.transfer import People, transfer

    year = dt.date.today().year - 1
    try:
        year = _year_arg(request.form.get("year"), year)
        if not request.form.get("year", "").strip():
            raise InputError(_("give the year of the Danh mục"), field="year")

        def text(name: str) -> str | None:
            return (request.form.get(name) or "").strip() or None

        people = People(text("giver"), text("giver_title"), text("receiver"), text("receiver_title"))
        result = transfer(workspace(), year, _transfer_target(year), people=people)
    except InputError as e:
        return _transfer_page(year, error=e, status=400)
    flash_ok(_("Wrote the bag {bag}: {dossiers} dossiers, {files} document files, Payload-Oxum "
               "{payload_oxum}").format(bag=result.bag.name, dossiers=result.dossiers, files=result.files,
                                        payload_oxum=result.payload_oxum))
    return redirect(url_for("dossiers.transfer_due", year=year, made=result.transfer_id))


@requires("transfer")
def transfer_zip(transfer_id: int):
    """A transfer's bag as a zip: by id only, and only a bag under the workspace's transfers folder."""
    from ..records.dossiers import dossier_catalog

    found = dossier_catalog(workspace()).transfer(transfer_id)
    if found is None:
        abort(404)
    bag = Path(found.bag)
    folder = (workspace().root / TRANSFERS_DIR).resolve()
    if not bag.is_dir() or not bag.resolve().is_relative_to(folder) or os.path.islink(bag):
        abort(404)
    spool = _zip_folder(bag, bag.name)
    event("download", "dossier", f"transfer {transfer_id}", {"year": found.year, "bag": bag.name,
                                                              "payload_oxum": found.payload_oxum})
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=f"{bag.name}.zip",
                     max_age=0)


def register(app) -> None:
    bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/plan", "plan", plan, methods=["POST"])
    bp.add_url_rule("/transfer", "transfer_due", transfer_due)
    bp.add_url_rule("/transfer", "transfer_build", transfer_build, methods=["POST"])
    bp.add_url_rule("/transfers/<int:transfer_id>.zip", "transfer_zip", transfer_zip)
    bp.add_url_rule("/<int:year>/<code>", "show", show)
    bp.add_url_rule("/<int:year>/<code>/file", "file", file, methods=["POST"])
    bp.add_url_rule("/<int:year>/<code>/close", "close", close, methods=["POST"])
    bp.add_url_rule("/<int:year>/<code>/export.zip", "export", export)
    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault("DOSSIER_STATUS", STATUS_LABELS)
    add_nav(app, "dossiers.index", N_("Dossiers"), "read", order=40)
    add_nav(app, "dossiers.transfer_due", N_("Transfer"), "transfer", order=45)
