"""Trusted returning commenters: which comments are approved without waiting for a moderator.

Off unless COMMENTS_TRUSTED_COMMENTERS names a rule. Only a comment that passed every check
can be trusted: a hold or a spam verdict always waits. The rules:

- "approved-before" (WordPress's "comment author must have a previously approved comment"):
  an earlier approved comment under the same name and blog link, and the same e-mail
  address (both none, or the same one), so leaving the address out does not borrow the
  standing of someone who gave one;
- "verified-blog": the live link check found the commenter's blog names them as its author
  (an h-card or its feed: `ownership.verified_author`).

Pure: the store's lookup comes in as a function, and the answer is the sentence the audit
records as the approval's reason, naming the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..errors import SettingsError
from ..model import Review, Submission, Verdict
from .ownership import signed_in_blog, verified_author

ACTOR = "trusted-commenter"  # who approved, in the audit log


class TrustRule(StrEnum):
    APPROVED_BEFORE = "approved-before"
    VERIFIED_BLOG = "verified-blog"


# An earlier approved comment's id with the same name, blog link and e-mail, or None.
ApprovedBefore = Callable[[Submission], "int | None"]


@dataclass(frozen=True)
class Trust:
    rules: tuple[TrustRule, ...]
    approved_before: ApprovedBefore

    @classmethod
    def from_setting(cls, names: Sequence[str], approved_before: ApprovedBefore) -> Trust:
        try:
            rules = tuple(TrustRule(name.strip()) for name in names if name.strip())
        except ValueError:
            known = ", ".join(repr(rule.value) for rule in TrustRule)
            raise SettingsError(
                f"COMMENTS_TRUSTED_COMMENTERS: {list(names)!r}: each rule is one of {known}"
            ) from None
        return cls(rules, approved_before)

    def reason(self, submission: Submission, review: Review) -> str:
        """Why this comment is approved at once ("" when a moderator must decide)."""
        if not self.rules or review.verdict is not Verdict.PASS:
            return ""
        for rule in self.rules:
            if rule is TrustRule.APPROVED_BEFORE:
                earlier = self.approved_before(submission)
                if earlier is not None:
                    return (
                        f"trusted ({rule}): comment #{earlier} under the same name, blog"
                        " and e-mail was approved"
                    )
            elif blog := signed_in_blog(review):
                return f"trusted ({rule}): the commenter signed in with their blog {blog}"
            elif name := verified_author(review):
                return f"trusted ({rule}): the commenter's blog names {name} as its author"
        return ""
