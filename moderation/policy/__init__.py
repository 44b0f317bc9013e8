"""The comment policy: an ordered list of small checks whose outcomes make one review.

`Policy.run` asks every check and keeps every answer, so the commenter hears all that needs
fixing at once and the moderator sees each check's outcome. Checks marked `costly` (Akismet)
are skipped once an earlier check has already called the comment spam.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from ..formtoken import FormTokens, ReplayGuard
from ..model import Check, CheckResult, Copy, Outcome, Review, Submission, Verdict
from ..settings import Settings
from .civility import CivilityBackend, CivilityCheck, load_backend
from .link import LinkCheck, LinkRules, OwnershipCheck
from .linkverify import LinkVerifier
from .name import NameCheck, NameRules
from .spam import (
    DuplicateCheck,
    FormTokenCheck,
    HoneypotCheck,
    LinkCountCheck,
    RecentComments,
    SpamTextCheck,
    WordListCheck,
)
from .spamtext import SpamTextModel

logger = logging.getLogger(__name__)

__all__ = ["Policy"]


class Policy:
    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = tuple(checks)

    def run(self, submission: Submission) -> Review:
        results: list[CheckResult] = []
        spam_already = False
        for check in self.checks:
            if spam_already and getattr(check, "costly", False):
                outcome = Outcome(Verdict.PASS, f"{check.name}.skipped", "", "already spam")
            else:
                outcome = _ask(check, submission)
            spam_already = spam_already or outcome.verdict is Verdict.SPAM
            results.append(CheckResult(check.name, outcome))
        return Review(tuple(results))

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        tokens: FormTokens | None = None,
        first_use: Callable[[str], bool] | None = None,
        seen_before: Callable[[Submission], Copy | None] | None = None,
        akismet_check: Check | None = None,
        link_verifier: LinkVerifier | None = None,
        civility_backend: CivilityBackend | None = None,
    ) -> Policy:
        """The blog's policy as pelicanconf.py describes it; I/O-bound parts can be injected.

        `first_use` and `seen_before` ask the store, which all of a service's workers share;
        without them (batch runs), this process remembers form tokens and texts itself.
        """
        link = LinkCheck(link_rules(settings), link_verifier)
        checks: list[Check] = [NameCheck(name_rules(settings)), link]
        if link.verifier is not None:  # the live check's visit also tells who writes the blog
            checks.append(OwnershipCheck(link.rules, link.verifier))
        checks.append(HoneypotCheck())
        if tokens is not None:
            checks.append(
                FormTokenCheck(
                    tokens,
                    first_use or ReplayGuard(settings["COMMENTS_FORM_MAX_AGE"]).first_use,
                    settings["COMMENTS_MIN_SECONDS"],
                )
            )
        checks += [
            LinkCountCheck(settings["COMMENTS_MAX_LINKS"]),
            WordListCheck(
                settings["COMMENTS_DISALLOWED_WORDS"], settings["COMMENTS_MODERATION_WORDS"]
            ),
            DuplicateCheck(seen_before or RecentComments().seen_before),
            SpamTextCheck(SpamTextModel.load(), settings["COMMENTS_SPAM_TEXT_THRESHOLD"]),
            CivilityCheck(
                civility_backend
                or load_backend(
                    settings["COMMENTS_CIVILITY_BACKEND"],
                    settings["COMMENTS_CIVILITY_THRESHOLD"],
                    settings["COMMENTS_CIVILITY_ENCODER_MODEL"],
                )
            ),
        ]
        if akismet_check is not None:
            checks.append(akismet_check)
        return cls(checks)


def _ask(check: Check, submission: Submission) -> Outcome:
    """Checks do not raise by contract; if one does anyway, hold rather than lose or publish."""
    try:
        return check(submission)
    except Exception:
        logger.exception("policy: check %s failed", check.name)
        return Outcome(
            Verdict.HOLD,
            f"{check.name}.failed",
            "One of our checks failed on your comment, so a moderator will read it first.",
            "the check raised; see the service log",
        )


def name_rules(settings: Settings) -> NameRules:
    return NameRules(
        require_full_name=settings["COMMENTS_REQUIRE_FULL_NAME"],
        max_length=settings["COMMENTS_NAME_MAX_LENGTH"],
        extra_generic=frozenset(n.casefold() for n in settings["COMMENTS_GENERIC_NAMES"]),
    )


def link_rules(settings: Settings) -> LinkRules:
    own = {d.lower() for d in settings["COMMENTS_OWN_DOMAINS"]}
    for url in (settings.get("SITEURL"), settings.get("CANONICAL_SITEURL")):
        host = urlsplit(url or "").hostname
        if host and host not in {"127.0.0.1", "localhost"}:
            own.add(host)
    return LinkRules(
        own_domains=frozenset(own),
        extra_blocked=frozenset(settings["COMMENTS_BLOCKED_LINK_DOMAINS"]),
        require_https=settings["COMMENTS_REQUIRE_HTTPS"],
        verify_live=settings["COMMENTS_VERIFY_LINKS"],
        live_timeout=settings["COMMENTS_LINK_TIMEOUT"],
        network_probe_hosts=tuple(settings["COMMENTS_NETWORK_PROBE_HOSTS"]),
    )
