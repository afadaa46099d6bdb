"""One message catalogue for the command line and the web: English msgids, Vietnamese translations.

Write user-facing text in English and wrap it where it is shown or raised::

    from .i18n import _, ngettext, N_

    raise InputError(_("must be a number, not {value!r}").format(value=value), source=..., field=...)
    click.echo(ngettext("{count} document", "{count} documents", n).format(count=n))
    help=N_("The .docx to write.")          # marked for extraction, translated when shown

A message with placeholders is one msgid (``.format`` after ``_``), never a msgid built by
concatenation; a file name or field path stays outside the message.

The current language is a context variable: the CLI sets it once from the environment
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: Vietnamese when it starts with ``vi``),
the web app per request with ``using(lang)``, so one process can answer a Vietnamese request and
an English one at the same time. Outside both, English. Translations are read once from
``paperwork/locale/vi/LC_MESSAGES/paperwork.mo`` with the standard library's ``gettext``
(Babel only extracts and compiles: ``scripts/messages``).

``paperwork example`` inputs are YAML with English comments; ``translate_yaml_comments`` puts
each comment through the catalogue (``extract_yaml_comments`` is Babel's extractor for them).
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

DOMAIN = "paperwork"
LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: ContextVar[str] = ContextVar("paperwork_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=None)
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of one language, read once per process (English: the msgids themselves)."""
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def normalize(language: str | None) -> str:
    """'vi', 'vi_VN.UTF-8', 'vi-VN' → 'vi'; anything else (None, 'C', 'en_US', 'fr') → 'en'."""
    if language and language.strip().lower().startswith("vi"):
        return "vi"
    return DEFAULT_LANGUAGE


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language gettext would pick for messages: the first of LANGUAGE, LC_ALL, LC_MESSAGES,
    LANG that is set; LANGUAGE is a list by preference ("fr:vi" → Vietnamese, the first paperwork has)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            for entry in value.split(":"):
                tag = entry.strip().lower()
                if tag.startswith("vi"):
                    return "vi"
                if tag.startswith("en") or tag in ("c", "posix") or tag.startswith("c."):
                    return DEFAULT_LANGUAGE
            return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def bind_process_domain() -> None:
    """Make paperwork's catalogue the program's gettext domain, for the libraries that translate
    with the process-wide ``gettext.gettext`` (click's own messages: usage errors, "Usage:",
    "Commands"). Those look the language up in the environment, as the CLI does; the command
    line calls this, the web app never needs it."""
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)


def language_from_accept(header: str | None) -> str:
    """The language of an HTTP Accept-Language header: 'vi' when Vietnamese is preferred
    over English (by q-value, then order), else 'en'."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        fields = part.strip().split(";")
        tag = fields[0].strip().lower()
        if not tag:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _sep, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = "vi" if tag.startswith("vi") else "en" if tag.startswith("en") else None
        if lang and q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, lang)
    return best[2] if best else DEFAULT_LANGUAGE


def current() -> str:
    """The language of this context: 'vi' or 'en'."""
    return _language.get()


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Speak ``language`` inside the block (a web request, a CLI run); restored afterwards."""
    lang = normalize(language) if language not in LANGUAGES else language
    token = _language.set(lang)
    try:
        yield lang
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current language (the msgid itself when untranslated)."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (Vietnamese has one form)."""
    return translations(_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, disambiguated by ``context``."""
    return translations(_language.get()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translated where it is shown)."""
    return message


def install(jinja_env: Any) -> Any:
    """Give a Jinja environment the same catalogue: ``{{ _("Search") }}``, ``{% trans %}``,
    ``ngettext`` — each call translated in the language of the request rendering it."""
    jinja_env.add_extension("jinja2.ext.i18n")
    jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    jinja_env.globals.setdefault("current_language", current)
    return jinja_env


# ---------------------------------------------------------------- comments of example inputs

_COMMENT = re.compile(r"^(?P<indent>[ \t]*)#(?: ?)(?P<text>.*)$")


def _inline_comment_start(line: str) -> int | None:
    """Where a YAML line's trailing comment starts (its '#'), outside quotes; None if none."""
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t:[{,-"):
            quote = ch
        elif ch == "#" and i > 0 and line[i - 1] in " \t":
            return i
    return None


def _comment_segments(lines: list[str]) -> Iterator[tuple[int, int, str, str]]:
    """(first line, end line, prefix, message) of each comment of a YAML text's lines (no line ends).

    A block of whole-line comments at one indentation is one message (its lines joined by
    newlines); so is a comment after a value together with the whole-line comments that continue
    it in the same column. ``prefix`` is what stands before the comment text on the first line
    (the indentation, or the value and the '#'); continuation lines are indented like the block."""
    i = 0
    while i < len(lines):
        m = _COMMENT.match(lines[i])
        at = None if m else _inline_comment_start(lines[i])
        if m is None and at is None:
            i += 1
            continue
        if m:
            column, block, prefix = m.group("indent"), [m.group("text")], m.group("indent") + "#"
        else:
            column, block, prefix = " " * at, [lines[i][at + 1 :]], lines[i][: at + 1]
        j = i + 1
        while j < len(lines):
            n = _COMMENT.match(lines[j])
            if not n or n.group("indent").expandtabs() != column.expandtabs():
                break
            block.append(n.group("text"))
            j += 1
        message = "\n".join(part.strip() if not m else part for part in block).strip()
        if message:
            yield i, j, prefix, message
        i = j


def yaml_comments(text: str) -> Iterator[tuple[int, str]]:
    """Each comment of a YAML text as (line number, message); see ``_comment_segments``."""
    for start, _end, _prefix, message in _comment_segments(text.splitlines()):
        yield start + 1, message


def translate_yaml_comments(text: str) -> str:
    """``text`` with every comment put through the catalogue; values, keys and layout untouched.
    In English (or for a comment without a translation) the text comes back unchanged."""
    if type(translations(_language.get())) is _gettext.NullTranslations:
        return text
    lines = text.splitlines(keepends=True)
    bare = [line.rstrip("\r\n") for line in lines]
    out: list[str] = []
    done = 0
    for start, end, prefix, message in _comment_segments(bare):
        out.extend(lines[done:start])
        translated = gettext(message)
        if translated == message:
            out.extend(lines[start:end])
        else:
            column = " " * len(prefix[:-1].expandtabs()) if prefix.strip() != "#" else prefix[:-1]
            parts = translated.split("\n")
            new = [f"{prefix} {parts[0]}".rstrip()] + [f"{column}# {part}".rstrip() for part in parts[1:]]
            ending = lines[end - 1][len(bare[end - 1]) :] or "\n"
            out.extend(line + "\n" for line in new[:-1])
            out.append(new[-1] + ending)
        done = end
    out.extend(lines[done:])
    return "".join(out)


def extract_yaml_comments(fileobj, keywords, comment_tags, options):  # noqa: ARG001 (Babel's signature)
    """Babel extractor (babel.cfg ``[yaml_comments: …]``): every comment of an example input."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, message in yaml_comments(text):
        yield lineno, None, message, []
