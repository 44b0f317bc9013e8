"""How a comment shows it came by Webmention: a result in its review, read back when published.

The queue keeps one kind of comment; a Webmention's review opens with a `webmention` result
whose code says reply or mention and whose detail names the source, so moderators see it among
the checks and the publisher writes it into the comment file (`Kind:`, `Source:`).
"""

from __future__ import annotations

from ..model import CheckResult, Outcome, Review, Verdict

CHECK = "webmention"
KINDS = ("reply", "mention")
_PREFIX = "source: "


def mention_result(kind: str, source: str) -> CheckResult:
    """The review's first result for a Webmention: a reply in the thread or a mention."""
    if kind not in KINDS:
        raise ValueError(f"a Webmention is a reply or a mention, not {kind!r}")
    return CheckResult(CHECK, Outcome(Verdict.PASS, f"{CHECK}.{kind}", "", _PREFIX + source))


def mention_of(review: Review) -> tuple[str, str]:
    """`(kind, source)` of a Webmention's review; `("comment", "")` for a comment."""
    for result in review.results:
        code = result.outcome.code
        if result.check == CHECK and code.removeprefix(f"{CHECK}.") in KINDS:
            return code.removeprefix(f"{CHECK}."), result.outcome.detail.removeprefix(_PREFIX)
    return "comment", ""


def carry_over(before: Review, fresh: Review) -> Review:
    """A fresh review of a stored comment; a Webmention keeps what only its verification
    found (its source, and whether the source names its author) instead of the form's and
    the live ownership check's answers, which do not apply to it."""
    if mention_of(before)[0] == "comment":
        return fresh
    own = tuple(r for r in before.results if r.check in (CHECK, "ownership"))
    rest = tuple(r for r in fresh.results if r.check not in (CHECK, "ownership", "form"))
    return Review(own + rest)
