"""The document kinds paperwork makes: model, template, context builder, example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..i18n import N_, _, translate_yaml_comments
from ..models import (
    CertificateInput,
    CovenantInput,
    DocumentInput,
    InvitationInput,
    MinutesInput,
    RewardDecisionInput,
)
from . import certificate, covenant, invitation, minutes, reward_decision
from .common import Issue, issue_of

if TYPE_CHECKING:
    from ..config import Workspace

__all__ = ["KINDS", "Issue", "Kind", "get_kind", "issue_of"]


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    model: type[DocumentInput]
    template: str  # file name in templates/docx
    type_name: str  # tên loại, as the register and the archive name it
    type_symbol: str
    build: Callable[..., dict]  # (doc, issue, **settings) -> template context
    title_of: Callable[[Any], str]
    numbered: bool = True  # False: unnumbered unless the input or the workspace asks
    # What build needs from the workspace beyond the input (the money rules of
    # [money] for the reward decision), as keyword arguments; None: nothing.
    settings: Callable[[Workspace], dict[str, Any]] | None = None

    def context(self, doc: Any, issue: Issue, ws: Workspace | None = None) -> dict:
        """The template context: the one way to call ``build`` with the workspace's settings."""
        extra = self.settings(ws) if self.settings is not None and ws is not None else {}
        return self.build(doc, issue, **extra)

    def example(self) -> str:
        """The shipped example input (YAML with comments documenting every field, in the current language)."""
        text = resources.files("paperwork").joinpath("examples", f"{self.name}.yaml").read_text(encoding="utf-8")
        return translate_yaml_comments(text)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            name="reward-decision",
            summary=N_("Quyết định khen thưởng (Mẫu 1.2) with the attached list of collectives and individuals"),
            model=RewardDecisionInput,
            template="reward-decision.docx",
            type_name="Quyết định",
            type_symbol=reward_decision.TYPE_SYMBOL,
            build=reward_decision.build,
            title_of=reward_decision.title_of,
            settings=reward_decision.settings,
        ),
        Kind(
            name="covenant",
            summary=N_("Bản giao ước thi đua of a cluster, with a signature block for every member unit"),
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
            summary=N_("Biên bản hội nghị (Mẫu 1.9): attendees, agenda, elections, THƯ KÝ / CHỦ TỌA"),
            model=MinutesInput,
            template="minutes.docx",
            type_name="Biên bản",
            type_symbol=minutes.TYPE_SYMBOL,
            build=minutes.build,
            title_of=minutes.title_of,
        ),
        Kind(
            name="invitation",
            summary=N_("Giấy mời (Mẫu 1.7) to one invitee: event, chair, time, place; Nơi nhận starts \"Như trên\""),
            model=InvitationInput,
            template="invitation.docx",
            type_name="Giấy mời",
            type_symbol=invitation.TYPE_SYMBOL,
            build=invitation.build,
            title_of=invitation.title_of,
        ),
        Kind(
            name="certificate",
            summary=N_("Bằng khen / Giấy khen to print: one landscape A4 page per awardee, citing the decision"),
            model=CertificateInput,
            template="certificate.docx",
            type_name="Bằng khen, giấy khen",
            type_symbol=certificate.TYPE_SYMBOL,
            build=certificate.build,
            title_of=certificate.title_of,
            numbered=False,
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(_("unknown kind '{name}' (known: {KINDS})").format(
            name=name, KINDS=', '.join(KINDS)
        )) from None
