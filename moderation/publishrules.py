"""The hard rules of publishing: what no moderator's approval can overrule.

One piece of code for both moments that need it: the comment service refuses an approval
that breaks them (so nobody is told "published" about a comment the build would drop), and
the Pelican plugin holds back a comment file that breaks them at build time (a file edited by
hand, or settings made stricter since the approval). A name must be there and must not be an
e-mail address, a web address, invisible characters or too long; the blog link must pass the
policy's shape rules. Names held only on judgment (a handle, a one-word or generic name) are
the moderator's call, so they pass here.

Importing `moderation.policy` imports every check (models, httpx), so it happens at the first
`reason` call, not on import: the plugin imports this module on every build.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from .policy.link import LinkRules
    from .policy.name import NameRules

HARD_NAME_CODES = frozenset(
    {"name.missing", "name.email", "name.url", "name.invalid-characters", "name.too-long"}
)
# What `moderation.policy.name_rules` and `link_rules` read (a test keeps this in step), and
# the modules (under moderation/) whose code decides the answers.
RULE_SETTINGS = (
    "COMMENTS_REQUIRE_FULL_NAME", "COMMENTS_NAME_MAX_LENGTH", "COMMENTS_GENERIC_NAMES",
    "COMMENTS_OWN_DOMAINS", "COMMENTS_BLOCKED_LINK_DOMAINS", "COMMENTS_REQUIRE_HTTPS",
    "COMMENTS_VERIFY_LINKS", "COMMENTS_LINK_TIMEOUT", "COMMENTS_NETWORK_PROBE_HOSTS", "SITEURL",
    "CANONICAL_SITEURL",
)  # fmt: skip
RULE_SOURCES = (
    "publishrules", "policy/__init__", "policy/name", "policy/link", "policy/linkreasons",
    "netguard/__init__", "netguard/addresses", "netguard/fetch", "netguard/resolver",
    "netguard/results", "model",
)  # fmt: skip


class PublishRules:
    """The site's hard name and link rules, built once from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._rules: tuple[NameRules, LinkRules] | None = None

    def fingerprint(self) -> str:
        """Changes whenever an answer of `reason` could, with RULE_SOURCES' code."""
        values = {name: self.settings.get(name) for name in RULE_SETTINGS}
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=repr).encode()).hexdigest()

    def reason(self, name: str, url: str, role: str = "") -> str:
        """Why this name or blog link cannot be published, or "" when both pass.

        The author's own replies (`role` "author") link to the blog itself, as the settings
        name it (COMMENTS_AUTHOR_URL): the link rules, written for readers' links, skip it.
        """
        from .model import Submission
        from .policy import link_rules, name_rules
        from .policy.link import classify_blog_url
        from .policy.name import check_real_name

        if self._rules is None:
            self._rules = name_rules(self.settings), link_rules(self.settings)
        names, links = self._rules
        if not name.strip():
            return "no author name"
        outcome = check_real_name(Submission("", name, url, ""), names)
        if not outcome.passed and outcome.code in HARD_NAME_CODES:
            return f"the author name fails {outcome.code}"
        if not url.strip():
            return "no blog link"
        if role == "author":
            return ""
        outcome = classify_blog_url(url, links)
        if not outcome.passed:
            return f"the blog link fails {outcome.code}"
        return ""
