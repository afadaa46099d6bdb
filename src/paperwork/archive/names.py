"""Names the archive modules share, defined once: the engines and the reindex hint.

Engine-free and import-free, so that any module (the index seam, its files, upkeep,
searching) can use them without importing an engine or another archive module.
"""

from __future__ import annotations
from ..i18n import N_

__all__ = ["DEFAULT_ENGINE", "ENGINES", "REINDEX"]

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
# What a message ends with when only rebuilding the index from the catalog helps.
REINDEX = N_("run `paperwork archive reindex`")
