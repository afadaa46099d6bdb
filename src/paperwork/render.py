"""docxtpl behind one seam: find the template, render it strictly (writing is files.py's).

Templates are prepared once per process (``fastrender.PreparedTemplate``: XML
preparation, Jinja compilation, unchanged parts kept compressed) and give the
same XML as plain docxtpl; ``fastrender.render_plain`` is plain docxtpl.

Rendering is strict in both directions: every value is XML-escaped (docxtpl's
default ``autoescape=False`` silently drops ``<…>`` text and breaks on ``&``),
and a variable the template asks for that the context lacks is an error
(StrictUndefined), never a blank.
"""

from __future__ import annotations

import unicodedata
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import TemplateError
from .i18n import _


def shipped_template(name: str) -> Path:
    """A template shipped inside the package (templates/docx in the repository)."""
    return Path(str(resources.files("paperwork").joinpath("templates", "docx", name)))


def find_template(name: str, override_dir: Path | None = None) -> Path:
    """The workspace's own template of that name wins over the shipped one."""
    if override_dir is not None and (override_dir / name).is_file():
        return override_dir / name
    path = shipped_template(name)
    if not path.is_file():
        raise TemplateError(_("template {name} is missing from the installation ({path})").format(
            name=name, path=path
        ))
    return path


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def _environment():
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined, autoescape=True)


# One prepared template per file and process: (path, mtime_ns, size) -> PreparedTemplate.
_PREPARED: dict[tuple[str, int, int], Any] = {}


def prepared(template: Path):
    """The template prepared once for this process (re-prepared when the file changes).

    Returns ``None`` for a template the fast path does not cover (plain docxtpl then).
    """
    from .fastrender import PreparedTemplate, Unsupported

    st = template.stat()
    key = (str(template.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _PREPARED:
        for old in [k for k in _PREPARED if k[0] == key[0]]:
            del _PREPARED[old]
        try:
            _PREPARED[key] = PreparedTemplate(template, _environment())
        except Unsupported:
            _PREPARED[key] = None
    return _PREPARED[key]


def render_bytes(template: Path, context: dict[str, Any]) -> bytes:
    """Render a .docx template with the context; return the document's bytes.

    The template is prepared once per process (``fastrender``); the result has
    the same XML as plain docxtpl's ``render(context, autoescape=True)``.
    """
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError as JinjaError, UndefinedError

    from .fastrender import is_plain, render_plain

    context = _nfc(context)
    try:
        fast = prepared(template) if is_plain(context) else None
        if fast is not None:
            return fast.render(context)
        return render_plain(template, context, _environment())
    except UndefinedError as e:
        raise TemplateError(_("template {name}: {message} (the input does not supply it)").format(
            name=template.name, message=e.message
        )) from e
    except (JinjaError, TypeError, AttributeError) as e:
        # A template that does not fit its context (a loop over a non-list …).
        raise TemplateError(_("template {name}: {error}").format(name=template.name, error=e)) from e
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, PackageNotFoundError) as e:
        # python-docx raises these for a file that is not a .docx package.
        raise TemplateError(_("template {template}: cannot be read as a .docx template: {error}").format(
            template=template, error=e
        )) from e
