"""Whose words a comment is: the blog's author replying from the moderator page, or a reader.

The queue keeps one kind of comment; an author's reply opens its review with a `role` result
(no check ran: the author's words are not held for the comment policy), so moderators see it
among the checks, the publisher writes `Role: author` into the comment file, and the thread
marks it. Nothing a reader sends can carry this result: only `authoring.reply` makes it.
"""

from __future__ import annotations

from .model import CheckResult, Outcome, Review, Verdict

CHECK = "role"
AUTHOR = "author"


def author_result(moderator: str) -> CheckResult:
    """The review's only result for an author's reply: who wrote it, from where."""
    detail = f"written by {moderator} on the moderator page"
    return CheckResult(CHECK, Outcome(Verdict.PASS, f"{CHECK}.{AUTHOR}", "", detail))


def role_of(review: Review) -> str:
    """ "author" for an author's reply, "" for a reader's comment."""
    for result in review.results:
        if result.check == CHECK and result.outcome.code == f"{CHECK}.{AUTHOR}":
            return AUTHOR
    return ""
