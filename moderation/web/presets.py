"""The reasons a moderator gives for rejecting a comment, offered as presets on each card.

They are named for the moderator's decision ("Off-topic", "Personal attack") and written to the
commenter, who reads the one chosen on the status page and in the e-mail. A held comment's own
reasons are what its checks told the commenter ("add your blog's address"), not reasons to
reject, so they are not offered; the checks that failed only put their preset first.
"""

from __future__ import annotations

from ..model import CheckResult, Review
from ..policy.guidance import guidance

PRESETS = {
    "off-topic": "Off-topic: the comment is not about the article.",
    "attack": "Personal attack: the comment attacks a person; criticise ideas, not people.",
    "name": "No real name: the comment is not signed with the commenter's own name.",
    "blog": "No blog link: the comment does not link to the commenter's own blog.",
    "advertising": "Advertising: the comment promotes a product or service.",
    "duplicate": "Duplicate: the same comment was already sent.",
}
PRESET_REASONS = tuple(PRESETS.values())
# The preset a failed check suggests, by code, then by the code's area. Reasons that only make
# the commenter wait (link check unavailable, Akismet down) suggest none.
SUGGESTED = {
    "spam.content": "advertising",
    "spam.disallowed-words": "advertising",
    "spam.too-many-links": "advertising",
    "spam.akismet": "advertising",
    "spam.akismet-discard": "advertising",
    "spam.duplicate": "duplicate",
    "spam.cross-posted": "duplicate",
}
SUGGESTED_BY_AREA = {"name": "name", "link": "blog", "civility": "attack"}


def presets_for(review: Review) -> tuple[str, ...]:
    """Every preset, those the review's failed checks suggest first."""
    suggested = [PRESETS[key] for key in map(_suggestion, review.failures) if key]
    return tuple(dict.fromkeys([*suggested, *PRESET_REASONS]))


def _suggestion(result: CheckResult) -> str | None:
    code = result.outcome.code
    if code in SUGGESTED:
        return SUGGESTED[code]
    if not guidance(code).correctable:
        return None
    return SUGGESTED_BY_AREA.get(code.partition(".")[0])
