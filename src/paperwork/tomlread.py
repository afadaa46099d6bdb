"""Typed reading of a raw TOML mapping (the shipped data tables and paperwork.toml's overrides).

``money.py`` and ``law.py`` read their tables through a subclass of ``TomlReader``, so that
every value that is not what it should be names its file and field path in one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from .errors import InputError
from .i18n import _

__all__ = ["TomlReader"]


class TomlReader:
    """Typed access to raw TOML, every error naming its file and field path."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InputError:
        return InputError(message, source=self.source, field=path)

    def table(self, value: object, path: str, allowed: Iterable[str] | None) -> Mapping[str, object]:
        """A mapping whose keys are all ``allowed`` (``None``: free keys, e.g. award names)."""
        if not isinstance(value, Mapping):
            raise self.fail(path, _("must be a table"))
        for key in value:
            if allowed is not None and key not in allowed:
                raise self.fail(f"{path}.{key}" if path else str(key), _("unknown field"))
        return value

    def date(self, value: object, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(path, _("must be a date, e.g. 2026-07-01"))
