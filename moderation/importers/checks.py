"""The policy as an import runs it: today's checks on yesterday's comments.

The form checks (form token, honeypot) judge how a comment was sent through our form, which an
old comment never was, so they are left out. Comments the old blog approved skip costly
remote checks (Akismet): the old author's approval stands, and a hundred thousand requests
would not. A commenter's name and blog link are checked once per import, not once per
comment: an old blog's regulars wrote hundreds each. The text checks (spam text, civility)
run a batch at a time, in other processes for a big import (`textpool`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..model import Check, Outcome, Submission
from ..policy import Policy
from ..publishrules import PublishRules
from .textpool import TEXT_CHECKS, Answered, split

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


@dataclass(frozen=True)
class ImportPolicies:
    queue: Policy  # for comments to queue
    old: Policy  # for comments the old blog approved: no costly checks
    text: list[Check]  # the text checks, which `TextChecks` runs a batch at a time
    stand_ins: list[Answered]  # their places in `queue` and `old`, in `text`'s order


def import_policies(policy: Policy) -> ImportPolicies:
    """The service's policy as an import runs it."""
    checks = [
        _OncePerCommenter(check) if check.name in PER_COMMENTER else check
        for check in policy.checks
        if check.name not in FORM_CHECKS
    ]
    local, stand_ins = split(checks)
    approved = [check for check in local if not getattr(check, "costly", False)]
    text = [check for check in checks if check.name in TEXT_CHECKS]
    return ImportPolicies(Policy(local), Policy(approved), text, stand_ins)


def hard_rule_breach(rules: PublishRules) -> Callable[[str, str], str]:
    """`rules.reason`, remembered per (name, blog link) for the length of an import."""
    return lru_cache(maxsize=100_000)(rules.reason)
