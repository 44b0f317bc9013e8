"""The hold-back rules: what a comment file must show before its comment reaches a page.

The comment service checked the comment and a moderator approved it; these rules re-check at
build time what must never be published whoever wrote the file: an approval record, an `Id`
and `Article` matching where the file lies, an existing article, a name and a blog link that
pass the policy's own hard rules. Names held only on judgment (a handle, a one-word name) are
the moderator's call, so an approved one is published.

The name and link checks depend only on the file and the settings, so their answer is cached
with the rendered comment, under a version that changes with the settings they read and with
their code. Importing `moderation.policy` imports every check (models, httpx), so it is done
only when a comment file has to be read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import TYPE_CHECKING

from moderation.settings import Settings

from .load import Rendered

if TYPE_CHECKING:
    from moderation.commentfile import PublishedComment
    from moderation.policy.link import LinkRules
    from moderation.policy.name import NameRules

# Name problems no approval can overrule: nothing to show, an e-mail address or a web
# address instead of a name (published for everyone to harvest), invisible or control
# characters, a name too long for the page.
HARD_NAME_CODES = frozenset(
    {"name.missing", "name.email", "name.url", "name.invalid-characters", "name.too-long"}
)
# What `moderation.policy.name_rules` and `link_rules` read (a test keeps this in step), and
# the modules whose code decides the answers.
RULE_SETTINGS = (
    "COMMENTS_REQUIRE_FULL_NAME", "COMMENTS_NAME_MAX_LENGTH", "COMMENTS_GENERIC_NAMES",
    "COMMENTS_OWN_DOMAINS", "COMMENTS_BLOCKED_LINK_DOMAINS", "COMMENTS_REQUIRE_HTTPS",
    "COMMENTS_VERIFY_LINKS", "SITEURL", "CANONICAL_SITEURL",
)  # fmt: skip
RULE_SOURCES = (
    "policy/__init__", "policy/name", "policy/link", "policy/linkreasons", "netguard", "model",
)  # fmt: skip


class Policy:
    """The site's name and link rules, as the comment service applies them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._rules: tuple[NameRules, LinkRules] | None = None

    def fingerprint(self) -> str:
        """Changes whenever an answer of `reason` could, with RULE_SOURCES' code."""
        values = {name: self.settings.get(name) for name in RULE_SETTINGS}
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=repr).encode()).hexdigest()

    def reason(self, comment: PublishedComment) -> str:
        """Why the name or the link must hold the comment back, or "" when both pass."""
        from moderation.model import Submission
        from moderation.policy import link_rules, name_rules
        from moderation.policy.link import classify_blog_url
        from moderation.policy.name import check_real_name

        if self._rules is None:
            self._rules = name_rules(self.settings), link_rules(self.settings)
        names, links = self._rules
        submission = Submission(comment.article, comment.author, comment.url, comment.body)
        if not comment.author.strip():
            return "no author name"
        outcome = check_real_name(submission, names)
        if not outcome.passed and outcome.code in HARD_NAME_CODES:
            return f"the author name fails {outcome.code}"
        if not comment.url.strip():
            return "no blog link"
        outcome = classify_blog_url(comment.url, links)
        if not outcome.passed:
            return f"the blog link fails {outcome.code}"
        return ""


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
