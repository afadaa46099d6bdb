"""Issuing a document from the web page: a form generated from the kind's input model, or an input file.

    /issue/                  the kinds, and "issue from an input file" (YAML or JSON, with its spreadsheets)
    /issue/<kind>            the form, prefilled with the kind's example and the workspace's agency and place
    POST /issue/<kind>       action = check | preview | issue | add:<list> | remove:<list>[i]
    POST /issue/upload       action = check | preview | issue | edit (open the file in the form)

Nobody writes YAML: ``paperwork.webforms`` turns the model's JSON schema into fields and the posted
form back into the input dict. Every check is the pipeline's (``webforms.check`` = ``pipeline.plan``
of one item; ``pipeline.single`` renders): an ``InputError`` comes back beside the field its path
names, legal-basis warnings beside the căn cứ. "Preview" renders a draft PDF (no number, nothing
kept); "Issue" (văn thư: permission "issue") gives the register's next number, writes
``<workspace>/issued/YEAR/…`` (.docx and .pdf), archives it, files it into the chosen dossier and
opens the new document's page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for

from .. import webforms
from ..errors import InputError
from ..inputs import SPREADSHEET_SUFFIXES, read_spreadsheet
from .helpers import N_, _, add_nav, event, flash_error, flash_ok, requires, the_user, workspace

INPUT_SUFFIXES = (".yaml", ".yml", ".json")
ACTIONS = ("check", "preview", "issue")
# Fields a posted form may have: 17 awardees are ~150; Flask's default (1,000) would refuse a list of
# ~130 rows typed on the page. The body's size stays limited by MAX_CONTENT_LENGTH.
MAX_FORM_PARTS = 20_000


def _kind(name: str):
    from ..kinds import KINDS

    kind = KINDS.get(name)
    if kind is None:
        abort(404)
    return kind


def _safe_name(name: str | None, suffixes: tuple[str, ...], fallback: str) -> str:
    """An uploaded file's own name, reduced to one harmless path component with an allowed suffix."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:100]
    if not base or Path(base).suffix.lower() not in suffixes:
        raise InputError(_("{name}: not one of {suffixes}").format(name=name or fallback, suffixes=", ".join(suffixes)),
                         field=fallback)
    return base


def _open_dossiers() -> list[tuple[str, str]]:
    """(code, label) of the dossiers still open, for the "file into" choice."""
    from ..records.dossiers import list_dossiers

    try:
        states = list_dossiers(workspace(), None)
    except InputError:
        return []
    return [(s.dossier.code, f"{s.dossier.code} ({s.dossier.year}) — {s.dossier.title}")
            for s in states if s.dossier.status == "open"]


class _Problems:
    """What the page shows beside the fields: an error (``field`` -> message) and warnings."""

    def __init__(self, names: set[str], temp: Path | None, sheets: dict[str, str]):
        self.names = names
        self.temp = temp
        self.sheets = sheets  # saved spreadsheet name -> the list it fills
        self.errors: dict[str | None, str] = {}
        self.warnings: dict[str | None, list[str]] = {}

    def _clean(self, text: str) -> str:
        if self.temp is not None:
            text = text.replace(f"{self.temp}/", "").replace(str(self.temp), "")
        return text

    def error(self, e: InputError) -> None:
        source = self._clean(e.source or "")
        sheet = next((key for name, key in self.sheets.items() if source.startswith(name)), None)
        if sheet is not None:  # a spreadsheet's row: beside its list, with the file and row
            self.errors[sheet] = self._clean(str(e))
            return
        if e.field in ("--dossier", "dossier"):  # the dossier chosen to file into
            self.errors["dossier"] = e.reason
            return
        where = webforms.anchor(e.field, self.names)
        message = e.reason if where == e.field else self._clean(": ".join(p for p in (e.field, e.reason) if p))
        self.errors[where] = message

    def warn(self, warnings: tuple[str, ...]) -> None:
        for warning in warnings:
            field, _sep, message = warning.partition(": ")
            where = webforms.anchor(field, self.names) if message else None
            self.warnings.setdefault(where, []).append(warning if where is None or where != field else message)


def _render_form(kind, fields, data, problems: _Problems | None = None, *, status: int = 200, valid: bool = False,
                 dossier: str = "", number: str | None = None):
    values, rows = webforms.form_values(fields, data)
    names = webforms.input_names(fields, rows)
    problems = problems or _Problems(names, None, {})
    problems.names = names
    return render_template(
        "issue_form.html", kind=kind, fields=fields, values=values, rows=rows, errors=problems.errors,
        warnings=problems.warnings, valid=valid, number=number, dossiers=_open_dossiers(), dossier=dossier,
        may_issue=the_user().may("issue"), OPTIONS=webforms.OPTIONS,
    ), status


def _sheet_rows(path: Path, problems: _Problems, key: str) -> list[dict[str, Any]] | None:
    try:
        return read_spreadsheet(path)
    except InputError as e:
        problems.errors[key] = problems._clean(str(e))
        return None


def _save_sheets(fields, data: dict[str, Any], temp: Path) -> dict[str, str]:
    """Spreadsheets uploaded for a list (``sheet:awardees``) saved in ``temp``; the list names the file."""
    sheets: dict[str, str] = {}
    for f in fields:
        if f.widget != "rows":
            continue
        upload = request.files.get(f"sheet:{f.key}")
        if upload is None or not upload.filename:
            continue
        name = _safe_name(upload.filename, SPREADSHEET_SUFFIXES, f.key)
        upload.save(temp / name)
        data[f.key] = name
        sheets[name] = f.key
    return sheets


def _write_input(data: dict[str, Any], temp: Path) -> Path:
    path = temp / "input.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def _preview(kind, input_file: Path, temp: Path):
    """A draft (no number, no date) as PDF, made in ``temp`` and sent; nothing is kept or numbered."""
    from ..pipeline import single

    result, _report = single(workspace(), kind.name, input_file, temp / "draft.docx", issue=False, pdf=True,
                             archive=False)
    if result.pdf is None or not Path(result.pdf).is_file():
        raise InputError(result.problem or _("the PDF could not be made"))
    data = Path(result.pdf).read_bytes()
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"{kind.name}-draft.pdf", max_age=0)


def _issued_path(kind, year: int) -> Path:
    folder = workspace().root / "issued" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    user = the_user()
    who = re.sub(r"[^a-z0-9]+", "-", user.name.lower()) if user else "web"
    for n in range(1, 1000):
        path = folder / f"{kind.name}-{stamp}-{who}{'' if n == 1 else f'-{n}'}.docx"
        if not path.exists() and not path.with_suffix(".pdf").exists():
            return path
    raise InputError(_("too many documents issued this second: try again"))


def _issue(kind, input_file: Path, planned, dossier: str | None):
    """The register's next number, the .docx and PDF under issued/YEAR, archived (and filed); to its page."""
    from ..pipeline import single
    from ..vietnamese import user_text

    if not the_user().may("issue"):
        abort(403)
    year = (planned.doc.date or dt.date.today()).year
    out = _issued_path(kind, year)
    code = user_text(dossier, "dossier") if dossier else None
    result, report = single(workspace(), kind.name, input_file, out, issue=True, pdf=True, dossier=code)
    what = result.number or out.name
    flash_ok(_("Issued {number}: {title}").format(number=what, title=result.title or kind.type_name))
    for warning in result.warnings:
        flash_error(_("Warning: {warning}").format(warning=warning))
    if result.filed_into:
        flash_ok(_("Filed into {dossier}").format(dossier=result.filed_into))
    if result.problem:
        flash_error(result.problem)
    if report.archive_error or result.archive_id is None:
        flash_error(_("{output} was written but not archived: {archive_error}").format(
            output=out.name, archive_error=report.archive_error or report.archive_note or ""))
        return redirect(url_for("issuing.kind_form", kind_name=kind.name))
    return redirect(url_for("documents.show", doc_id=result.archive_id))


@requires("issue")
def index():
    from ..kinds import KINDS

    return render_template("issue_index.html", kinds=list(KINDS.values()), error=None, dossiers=_open_dossiers())


@requires("issue")
def kind_form(kind_name: str):
    kind = _kind(kind_name)
    fields = webforms.form_fields(kind)
    if request.method == "GET":
        return _render_form(kind, fields, webforms.example_data(kind, workspace()))
    data = webforms.form_data(fields, request.form)
    action = request.form.get("action", "check")
    dossier = (request.form.get("dossier") or "").strip()
    if action.startswith("add:"):
        return _render_form(kind, fields, webforms.add_row(data, action[4:]), dossier=dossier)
    if action.startswith("remove:"):
        return _render_form(kind, fields, webforms.remove_row(data, action[7:]), dossier=dossier)
    if action not in ACTIONS:
        abort(400)
    with tempfile.TemporaryDirectory(prefix="paperwork-issue-") as tmp:
        temp = Path(tmp)
        problems = _Problems(set(), temp, {})
        shown = dict(data)
        try:
            problems.sheets = _save_sheets(fields, data, temp)
            for name, key in problems.sheets.items():
                rows = _sheet_rows(temp / name, problems, key)
                if rows is not None:
                    shown[key] = rows  # the form shows the spreadsheet's rows from now on
            values, rows = webforms.form_values(fields, shown)
            problems.names = webforms.input_names(fields, rows)
            if problems.errors:
                return _render_form(kind, fields, shown, problems, status=400, dossier=dossier)
            planned = webforms.check(workspace(), kind, data, temp)
            problems.warn(planned.warnings)
            if action == "preview":
                # A draft as it would be issued today: a date left empty is the day of issue (the
                # money of a reward decision is computed on it); the draft prints no number.
                draft = {**data, "date": data.get("date") or dt.date.today().isoformat()}
                return _preview(kind, _write_input(draft, temp), temp)
            if action == "issue":
                return _issue(kind, _write_input(data, temp), planned, dossier)
        except InputError as e:
            problems.error(e)
            return _render_form(kind, fields, shown, problems, status=400, dossier=dossier)
        return _render_form(kind, fields, shown, problems, valid=True, dossier=dossier,
                            number=webforms.next_number(workspace(), planned))


@requires("issue")
def upload():
    """Issue (or check, preview, open in the form) an uploaded input file and the spreadsheets it names."""
    from ..inputs import read_data
    from ..kinds import KINDS

    kind = _kind(request.form.get("kind", ""))
    action = request.form.get("action", "check")
    dossier = (request.form.get("dossier") or "").strip()
    if action not in (*ACTIONS, "edit"):
        abort(400)
    with tempfile.TemporaryDirectory(prefix="paperwork-issue-") as tmp:
        temp = Path(tmp)
        try:
            upload_file = request.files.get("file")
            if upload_file is None or not upload_file.filename:
                raise InputError(_("choose the input file (YAML or JSON)"), field="file")
            name = _safe_name(upload_file.filename, INPUT_SUFFIXES, "file")
            upload_file.save(temp / name)
            for extra in request.files.getlist("sheets"):
                if extra.filename:
                    extra.save(temp / _safe_name(extra.filename, SPREADSHEET_SUFFIXES, "sheets"))
            event("upload", "file", name, {"kind": kind.name, "action": action})
            data = read_data(temp / name)
            if action == "edit":
                return _edit_upload(kind, data, temp, name)
            planned = webforms.check(workspace(), kind, data, temp, source=name)
            if action == "preview":
                return _preview(kind, temp / name, temp)
            if action == "issue":
                return _issue(kind, temp / name, planned, dossier)
            flash_ok(_("{name}: valid {kind}").format(name=name, kind=kind.name))
            for warning in planned.warnings:
                flash_error(_("Warning: {source}: {warning}").format(source=name, warning=warning))
            status = 200
            error = None
        except InputError as e:
            error = str(e).replace(f"{temp}/", "")
            status = 400
    return render_template("issue_index.html", kinds=list(KINDS.values()), error=error,
                           dossiers=_open_dossiers()), status


def _edit_upload(kind, data: dict[str, Any], temp: Path, name: str):
    """The uploaded input in the form (its spreadsheets read into rows), to change and issue from there."""
    fields = webforms.form_fields(kind)
    problems = _Problems(set(), temp, {})
    shown = dict(data)
    for f in fields:
        value = data.get(f.key)
        if f.widget == "rows" and isinstance(value, str) and value.lower().endswith(SPREADSHEET_SUFFIXES):
            from ..inputs import list_file

            rows = _sheet_rows(list_file(temp, value, source=name, field=f.key), problems, f.key)
            shown[f.key] = rows or []
    return _render_form(kind, fields, shown, problems, status=400 if problems.errors else 200)


def _roomy_form() -> None:
    if request.endpoint == "issuing.kind_form":
        request.max_form_parts = MAX_FORM_PARTS


def register(app) -> None:
    # Before the CSRF check, which is the first to read the form.
    app.before_request_funcs.setdefault(None, []).insert(0, _roomy_form)
    bp = Blueprint("issuing", __name__, url_prefix="/issue")
    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/upload", "upload", upload, methods=["POST"])
    bp.add_url_rule("/<kind_name>", "kind_form", kind_form, methods=["GET", "POST"])
    app.register_blueprint(bp)
    add_nav(app, "issuing.index", N_("Issue a document"), "issue", order=15)
