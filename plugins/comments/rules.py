"""The hold-back rules: what a comment file must show before its comment reaches a page.

The comment service checked the comment and a moderator approved it; these rules re-check at
build time what must never be published whoever wrote the file: an approval record, an `Id`
and `Article` matching where the file lies, an existing article, a name and a blog link that
pass the policy's own hard rules. Names held only on judgment (a handle, a one-word name) are
the moderator's call, so an approved one is published.

The name and link checks depend only on the file and the settings, so their answer is cached
with the rendered comment under a key that changes with the rules and with the checks' code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Collection
from pathlib import Path

from moderation.commentfile import PublishedComment
from moderation.model import Submission
from moderation.policy import link as link_check
from moderation.policy import name as name_check
from moderation.policy.link import LinkRules, classify_blog_url
from moderation.policy.name import NameRules, check_real_name

from .load import Rendered

# Name problems no approval can overrule: nothing to show, an e-mail address or a web
# address instead of a name (published for everyone to harvest), invisible or control
# characters, a name too long for the page.
HARD_NAME_CODES = frozenset(
    {"name.missing", "name.email", "name.url", "name.invalid-characters", "name.too-long"}
)


@dataclasses.dataclass(frozen=True)
class Policy:
    """The site's name and link rules, as the comment service applies them."""

    names: NameRules
    links: LinkRules

    def fingerprint(self) -> str:
        """Changes whenever an answer of `reason` could: the rules or the checks' code."""
        digest = hashlib.sha256()
        for module in (name_check, link_check):
            digest.update(Path(module.__file__ or "").read_bytes())
        for rules in (self.names, self.links):
            values = {f.name: _plain(getattr(rules, f.name)) for f in dataclasses.fields(rules)}
            digest.update(json.dumps(values, sort_keys=True).encode())
        return digest.hexdigest()

    def reason(self, comment: PublishedComment) -> str:
        """Why the name or the link must hold the comment back, or "" when both pass."""
        submission = Submission(comment.article, comment.author, comment.url, comment.body)
        if not comment.author.strip():
            return "no author name"
        outcome = check_real_name(submission, self.names)
        if not outcome.passed and outcome.code in HARD_NAME_CODES:
            return f"the author name fails {outcome.code}"
        if not comment.url.strip():
            return "no blog link"
        outcome = classify_blog_url(comment.url, self.links)
        if not outcome.passed:
            return f"the blog link fails {outcome.code}"
        return ""


def _plain(value: object) -> object:
    return sorted(value) if isinstance(value, frozenset) else value


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
