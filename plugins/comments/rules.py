"""The hold-back rules: what a comment file must show before its comment reaches a page.

The comment service checked the comment and a moderator approved it; these rules re-check at
build time what must never be published whoever wrote the file: an approval record, an `Id`
and `Article` matching where the file lies, an existing article (`placement_reason`), and a
name and a blog link that pass the hard rules of publishing (`moderation.publishrules`, the
same code the service runs before it accepts an approval).

The name and link answers depend only on the file and the settings, so they are cached with
the rendered comment, under a version that changes with the settings they read and with
their code (RULE_SOURCES).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from moderation.publishrules import RULE_SOURCES, PublishRules
from moderation.settings import Settings

from .load import Rendered

if TYPE_CHECKING:
    from moderation.commentfile import PublishedComment

__all__ = ["RULE_SOURCES", "Policy", "placement_reason"]


class Policy:
    """The hard rules of publishing, applied to a comment file."""

    def __init__(self, settings: Settings) -> None:
        self.rules = PublishRules(settings)

    def fingerprint(self) -> str:
        return self.rules.fingerprint()

    def reason(self, comment: PublishedComment) -> str:
        """Why the name or the link must hold the comment back, or "" when both pass."""
        return self.rules.reason(comment.author, comment.url, comment.role)


def placement_reason(folder: str, name: str, comment: Rendered, articles: Collection[str]) -> str:
    """Why the file cannot be published where it lies, or without approval; "" when it can."""
    if not folder:
        return "not inside an article folder"
    if name != f"{comment.id}.md":
        return f"Id {comment.id} does not match the file name"
    if comment.article != folder:
        return f"Article {comment.article!r} does not match the folder {folder!r}"
    if folder not in articles:
        return f"no article with the slug {folder!r}"
    if not comment.approved_by.strip():
        return "no approval record (Approved-By is empty)"
    return ""
