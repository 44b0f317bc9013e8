"""What a moderator's decision tells Akismet, so its answers improve for this blog.

Kept apart from `policy.akismet_check` (which asks and reports) because the rule is about
decisions: a move that is no judgment on spam, as undoing a rejection, reports nothing.
"""

from __future__ import annotations

from .model import Action, Comment, Status, Verdict
from .policy.akismet_check import AkismetCheck


def akismet_report(action: Action, before: Comment) -> bool | None:
    """What a decision tells Akismet: spam, ham (True/False), or nothing (None).

    Marking spam or not spam reports it; approving a comment Akismet called spam (without
    "not spam" first) reports ham; any other move, as undoing a rejection, reports nothing.
    """
    if action in (Action.SPAM, Action.HAM):
        return action is Action.SPAM
    if action is Action.APPROVE and before.status is Status.SPAM and _akismet_said_spam(before):
        return False
    return None


def _akismet_said_spam(comment: Comment) -> bool:
    return any(
        r.check == AkismetCheck.name and r.outcome.verdict is Verdict.SPAM
        for r in comment.review.results
    )
