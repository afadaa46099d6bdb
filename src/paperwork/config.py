"""The workspace: where paperwork.toml and the archive live, found once and passed down.

Discovery order: ``--workspace DIR``, then ``$PAPERWORK_HOME``, then the nearest
``paperwork.toml`` in the current folder or above it, else the current folder
itself (an embedded default: no server, nothing to start).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .archive.names import ENGINES
from .errors import InputError, WorkspaceError
from .files import discard, stage, write_atomic
from .files import place as place_staged
from .i18n import N_, _
from .vietnamese import user_text

PROFILE_NAME = "paperwork.toml"
# The agency's abbreviation in every ký hiệu (QĐ-SNV): capitals and digits joined by '-'.
AGENCY_CODE = re.compile(r"[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
AGENCY_CODE_RULE = N_("must be capital letters and digits joined by '-', e.g. SNV or SNV-TĐKT")
ENV_HOME = "PAPERWORK_HOME"
SERIES_POLICIES = ("per-type", "shared")


@dataclass(frozen=True)
class AgencyProfile:
    """The issuing agency as the profile gives it; inputs may override any part."""

    name: str | None = None
    code: str | None = None
    parent: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class Numbering:
    """How numbers are allocated (Decree 30 leaves it to the head of the agency).

    ``per-type``: one series per type symbol (QĐ, BB, GM …); ``shared``: one
    series for every outgoing document of the agency.
    """

    series: str = "per-type"
    number_covenant: bool = False


@dataclass(frozen=True)
class Workspace:
    root: Path
    profile_path: Path | None = None
    agency: AgencyProfile = field(default_factory=AgencyProfile)
    numbering: Numbering = field(default_factory=Numbering)
    archive_dir: Path | None = None
    engine: str = "whoosh"
    # Raw [money] table: overrides for base salary, coefficients, rounding;
    # its shape is documented and checked in paperwork.money (rules_for).
    money: Mapping[str, object] = field(default_factory=dict)
    # [ocr] page_timeout (seconds a page, default 120) and jobs (pages at once, default: all cores).
    ocr_page_timeout: float = 120.0
    ocr_jobs: int | None = None
    # [ocr] workers: a broker URL (redis://HOST:PORT/DB): scans are OCRed by `paperwork worker`s.
    ocr_workers: str | None = None
    # [pdf] strict_font: a PDF that embeds anything but Times New Roman is an error (electronic originals).
    pdf_strict_font: bool = False
    # Raw [law] table: `strict` (a căn cứ not in force is an error) and overrides of the legal
    # documents table; its shape is documented and checked in paperwork.law.
    law: Mapping[str, object] = field(default_factory=dict)

    @property
    def archive(self) -> Path:
        return self.archive_dir or self.root / "archive"

    @property
    def catalog_path(self) -> Path:
        """The SQLite file shared by the register and the archive catalog."""
        return self.archive / "catalog.sqlite"

    @property
    def files_dir(self) -> Path:
        return self.archive / "files"

    @property
    def index_dir(self) -> Path:
        return self.archive / "index"

    @property
    def templates_dir(self) -> Path:
        """Workspace templates override shipped ones of the same name."""
        return self.root / "templates"


def default_jobs() -> int:
    """Worker processes by default (rendering, OCR of pages): every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def find_workspace(
    explicit: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Workspace:
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    if explicit is not None:
        return load_workspace(Path(explicit), required=True)
    if env.get(ENV_HOME):
        return load_workspace(Path(env[ENV_HOME]), required=True)
    for folder in (cwd, *cwd.parents):
        if (folder / PROFILE_NAME).is_file():
            return load_workspace(folder, required=True)
    return Workspace(root=cwd.resolve())


def load_workspace(root: Path, *, required: bool = False) -> Workspace:
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise InputError(_("workspace folder does not exist"), source=str(root))
    path = root / PROFILE_NAME
    if not path.is_file():
        # A folder named explicitly but never initialised still works as an
        # embedded default: the archive goes into DIR/archive.
        return Workspace(root=root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise WorkspaceError(_("{path}: cannot read the workspace profile: {error}").format(
            path=path, error=e
        )) from e
    return _from_mapping(root, path, data)


def _from_mapping(root: Path, path: Path, data: Mapping[str, object]) -> Workspace:
    def table(name: str) -> Mapping[str, object]:
        value = data.get(name, {})
        if not isinstance(value, Mapping):
            raise InputError(_("must be a table"), source=str(path), field=name)
        return value

    def text(tbl: Mapping[str, object], section: str, key: str) -> str | None:
        value = tbl.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InputError(_("must be a string"), source=str(path), field=f"{section}.{key}")
        return value

    def agency_text(tbl: Mapping[str, object], key: str) -> str | None:
        # Printed into every document: the input models' rule (no control characters, NFC).
        value = text(tbl, "agency", key)
        return None if value is None else user_text(value, f"agency.{key}", source=str(path))

    agency_t = table("agency")
    agency = AgencyProfile(
        name=agency_text(agency_t, "name"),
        code=_code(path, text(agency_t, "agency", "code")),
        parent=agency_text(agency_t, "parent"),
        place=agency_text(agency_t, "place"),
    )
    numbering_t = table("numbering")
    series = text(numbering_t, "numbering", "series") or "per-type"
    if series not in SERIES_POLICIES:
        raise InputError(
            _("must be one of {SERIES_POLICIES}").format(SERIES_POLICIES=', '.join(SERIES_POLICIES)), source=str(path), field="numbering.series"
        )
    number_covenant = numbering_t.get("number_covenant", False)
    if not isinstance(number_covenant, bool):
        raise InputError(_("must be true or false"), source=str(path), field="numbering.number_covenant")
    archive_t = table("archive")
    archive_path = text(archive_t, "archive", "path")
    engine = text(archive_t, "archive", "engine") or "whoosh"
    if engine not in ENGINES:
        raise InputError(_("must be one of {ENGINES}").format(ENGINES=', '.join(ENGINES)), source=str(path), field="archive.engine")
    archive_dir = (root / archive_path).resolve() if archive_path else None
    return Workspace(
        root=root,
        profile_path=path,
        agency=agency,
        numbering=Numbering(series=series, number_covenant=number_covenant),
        archive_dir=archive_dir,
        engine=engine,
        money=dict(table("money")),
        **_ocr_settings(path, table("ocr")),
        pdf_strict_font=_flag(path, table("pdf"), "pdf", "strict_font"),
        law=dict(table("law")),
    )


def _flag(path: Path, tbl: Mapping[str, object], section: str, key: str) -> bool:
    value = tbl.get(key, False)
    if not isinstance(value, bool):
        raise InputError(_("must be true or false"), source=str(path), field=f"{section}.{key}")
    return value


def _ocr_settings(path: Path, tbl: Mapping[str, object]) -> dict[str, object]:
    timeout = tbl.get("page_timeout", 120.0)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InputError(_("must be a positive number of seconds"), source=str(path), field="ocr.page_timeout")
    jobs = tbl.get("jobs")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InputError(_("must be a whole number, at least 1"), source=str(path), field="ocr.jobs")
    workers = tbl.get("workers")
    if workers is not None and (not isinstance(workers, str) or not workers.startswith(("redis://", "rediss://"))):
        raise InputError(_("must be a broker URL, redis://HOST:PORT/DB"), source=str(path), field="ocr.workers")
    return {"ocr_page_timeout": float(timeout), "ocr_jobs": jobs, "ocr_workers": workers}


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]", re.MULTILINE)
_ENGINE_LINE = re.compile(r"^(\s*engine\s*=\s*)([^#\n]*?)(\s*(#.*)?)$", re.MULTILINE)


def set_engine(ws: Workspace, engine: str) -> Workspace:
    """Record ``[archive] engine`` in paperwork.toml (created if the workspace has none).

    Only that line changes; comments and the rest of the file stay as written.
    """
    if engine not in ENGINES:
        raise InputError(_("must be one of {ENGINES}").format(ENGINES=', '.join(ENGINES)), field="archive.engine")
    path = ws.profile_path or ws.root / PROFILE_NAME
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    except OSError as e:
        raise WorkspaceError(_("{path}: cannot read the workspace profile: {error}").format(
            path=path, error=e
        )) from e
    value = _toml_str(engine)
    headers = list(_TABLE_HEADER.finditer(text))
    archive = next((i for i, m in enumerate(headers) if m.group(1) == "archive"), None)
    if archive is None:
        text = text + ("" if not text or text.endswith("\n") else "\n") + f"\n[archive]\nengine = {value}\n"
    else:
        start = headers[archive].end()
        end = headers[archive + 1].start() if archive + 1 < len(headers) else len(text)
        section = text[start:end]
        if _ENGINE_LINE.search(section):
            section = _ENGINE_LINE.sub(lambda m: f"{m.group(1)}{value}{m.group(3)}", section, count=1)
        else:
            section = f"\nengine = {value}" + section
        text = text[:start] + section + text[end:]
    write_atomic(path, text.encode("utf-8"))
    return load_workspace(ws.root)


def _code(path: Path, code: str | None) -> str | None:
    if code is not None and not AGENCY_CODE.fullmatch(code):
        raise InputError(_(AGENCY_CODE_RULE), source=str(path), field="agency.code")
    return code


def _toml_str(value: str) -> str:
    # TOML basic strings share JSON's escapes; ensure_ascii=False keeps Vietnamese readable.
    return json.dumps(value, ensure_ascii=False)


def init_workspace(
    root: Path,
    *,
    agency_name: str,
    agency_code: str,
    place: str,
    parent: str | None = None,
    series: str = "per-type",
    archive_path: str = "archive",
) -> Workspace:
    """Write ROOT/paperwork.toml and create the archive folder; refuse to overwrite.

    Every value is checked first (``--agency-name`` etc. name the option in the
    error), and the profile is staged and read back before it is renamed into
    place: a profile that cannot be loaded is never left behind, so ``init`` can
    always be run again.
    """
    agency_name = user_text(agency_name, "--agency-name")
    place_name = user_text(place, "--place")
    parent = user_text(parent, "--parent") if parent else None
    if not isinstance(agency_code, str) or not AGENCY_CODE.fullmatch(agency_code):
        raise InputError(f"{agency_code!r} {_(AGENCY_CODE_RULE)}", field="--agency-code")
    if series not in SERIES_POLICIES:
        raise InputError(_("must be one of {SERIES_POLICIES}").format(
            SERIES_POLICIES=', '.join(SERIES_POLICIES)
        ), field="--series")
    archive_path = user_text(archive_path, "archive_path")
    root = root.expanduser().resolve()
    path = root / PROFILE_NAME
    if path.exists():
        raise InputError(_("a workspace profile already exists here"), source=str(path))
    lines = [
        "# paperwork workspace profile: the agency, numbering policy and archive.",
        "[agency]",
        f"name = {_toml_str(agency_name)}",
        f"code = {_toml_str(agency_code)}",
    ]
    if parent:
        lines.append(f"parent = {_toml_str(parent)}")
    lines += [
        f"place = {_toml_str(place_name)}",
        "",
        "[numbering]",
        "# per-type: one series per type symbol (QĐ, BB, GM …); shared: one for all.",
        f"series = {_toml_str(series)}",
        "# The covenant (giao ước) is not one of Decree 30's types: unnumbered unless true.",
        "number_covenant = false",
        "",
        "[archive]",
        f"path = {_toml_str(archive_path)}",
        'engine = "whoosh"',
        "",
    ]
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(_("{root}: cannot create the workspace folder: {value}").format(
            root=root, value=e.strerror or e
        )) from e
    staged = stage(path, "\n".join(lines).encode("utf-8"))
    try:
        # Read back exactly what will be placed: a profile that would not load is never left behind.
        ws = _from_mapping(root, path, _read_back(staged, path))
        ws.archive.mkdir(parents=True, exist_ok=True)
        if path.exists():  # another init won the race meanwhile
            raise InputError(_("a workspace profile already exists here"), source=str(path))
    except OSError as e:
        discard(staged)
        raise WorkspaceError(_("{root}: cannot create the archive folder: {value}").format(
            root=root, value=e.strerror or e
        )) from e
    except BaseException:
        discard(staged)
        raise
    place_staged(staged, path)
    ws = load_workspace(root)
    from .db import create

    if not ws.catalog_path.exists():
        create(ws.catalog_path)  # the register and the archive start here, and only here
    return ws


def _read_back(staged: Path, path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(staged.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise WorkspaceError(_("{path}: the profile would not read back ({error}); nothing written").format(
            path=path, error=e
        )) from e
