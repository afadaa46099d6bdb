"""Dossiers' pages (being written)."""

from __future__ import annotations


def register(app) -> None:
    pass
