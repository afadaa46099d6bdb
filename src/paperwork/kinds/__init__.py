"""The document kinds paperwork makes: model, template, context builder, example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import InputError
from ..models import CovenantInput, DocumentInput, MinutesInput, RewardDecisionInput
from . import covenant, minutes, reward_decision
from .common import Issue, issue_of

__all__ = ["KINDS", "Issue", "Kind", "get_kind", "issue_of"]


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    model: type[DocumentInput]
    template: str  # file name in templates/docx
    type_name: str  # tên loại, as the register and the archive name it
    type_symbol: str
    build: Callable[[Any, Issue], dict]
    title_of: Callable[[Any], str]
    numbered: bool = True  # False: unnumbered unless the input or the workspace asks

    def example(self) -> str:
        """The shipped example input (YAML with comments documenting every field)."""
        return resources.files("paperwork").joinpath("examples", f"{self.name}.yaml").read_text(encoding="utf-8")


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            name="reward-decision",
            summary="Quyết định khen thưởng (Mẫu 1.2) with the attached list of collectives and individuals",
            model=RewardDecisionInput,
            template="reward-decision.docx",
            type_name="Quyết định",
            type_symbol=reward_decision.TYPE_SYMBOL,
            build=reward_decision.build,
            title_of=reward_decision.title_of,
        ),
        Kind(
            name="covenant",
            summary="Bản giao ước thi đua of a cluster, with a signature block for every member unit",
            model=CovenantInput,
            template="covenant.docx",
            type_name="Giao ước thi đua",
            type_symbol=covenant.TYPE_SYMBOL,
            build=covenant.build,
            title_of=covenant.title_of,
            numbered=False,
        ),
        Kind(
            name="minutes",
            summary="Biên bản hội nghị (Mẫu 1.9): attendees, agenda, elections, THƯ KÝ / CHỦ TỌA",
            model=MinutesInput,
            template="minutes.docx",
            type_name="Biên bản",
            type_symbol=minutes.TYPE_SYMBOL,
            build=minutes.build,
            title_of=minutes.title_of,
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(f"unknown kind '{name}' (known: {', '.join(KINDS)})") from None
