"""The policy as an import runs it: today's checks on yesterday's comments.

The form checks (form token, honeypot) judge how a comment was sent through our form, which an
old comment never was, so they are left out. Comments the old blog approved skip costly
remote checks (Akismet): the old author's approval stands, and a hundred thousand requests
would not. A commenter's name and blog link are checked once per import, not once per
comment: an old blog's regulars wrote hundreds each.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..model import Check, Outcome, Submission
from ..policy import Policy
from ..publishrules import PublishRules

FORM_CHECKS = frozenset({"form", "honeypot"})
# Checks whose answer depends on nothing but the name and the blog link.
PER_COMMENTER = frozenset({"name", "link", "ownership"})


class _OncePerCommenter:
    def __init__(self, check: Check) -> None:
        self.check = check
        self.name = check.name
        self.costly = getattr(check, "costly", False)
        self.answers: dict[tuple[str, str], Outcome] = {}

    def __call__(self, submission: Submission) -> Outcome:
        key = (submission.name, submission.blog_url)
        if key not in self.answers:
            self.answers[key] = self.check(submission)
        return self.answers[key]


def import_policies(policy: Policy) -> tuple[Policy, Policy]:
    """(for comments to queue, for comments the old blog approved), from the service's."""
    checks = [
        _OncePerCommenter(check) if check.name in PER_COMMENTER else check
        for check in policy.checks
        if check.name not in FORM_CHECKS
    ]
    approved = [check for check in checks if not getattr(check, "costly", False)]
    return Policy(checks), Policy(approved)


def hard_rule_breach(rules: PublishRules) -> Callable[[str, str], str]:
    """`rules.reason`, remembered per (name, blog link) for the length of an import."""
    return lru_cache(maxsize=100_000)(rules.reason)
