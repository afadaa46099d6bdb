"""Commands that make documents: kinds, example, render."""
from __future__ import annotations

from . import cli  # noqa: F401
