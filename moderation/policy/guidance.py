"""What a commenter can do about each held or spam reason: correct a field, or only wait.

Kept by outcome code rather than in the stored review, so comments reviewed before a wording
changed are still understood. The status page and the JSON answer read it to offer the
correction form (and "Correct your comment") only when something can be corrected, to say
"nothing to change" only when nothing can, and to point each reason at its form field.

A wait reason tells why a moderator reads the comment first; it never asks for a change. A
correctable reason says what to change; it never says there is nothing to change.
"""

from __future__ import annotations

from dataclasses import dataclass

# Reasons the commenter cannot act on: a moderator decides. Any `<check>.failed` too.
WAIT = frozenset(
    {
        "link.check-unavailable",
        "link.check-failed",
        "spam.too-fast",
        "spam.moderation-words",
        "spam.duplicate",
        "spam.cross-posted",
        "spam.content",
        "spam.akismet-unavailable",
        "spam.akismet",
        "spam.akismet-discard",
        "civility.unavailable",
    }
)
# The form field a correctable reason concerns, by code, then by the code's area. Reasons
# about the whole submission (the honeypot, the form's token, the word lists, which read
# every field) concern none.
FIELDS = {"spam.too-many-links": "body"}
AREA_FIELDS = {"name": "name", "link": "url", "civility": "body"}


@dataclass(frozen=True)
class Guidance:
    """`field`: "name", "url", "email", "body", or None for the comment as a whole."""

    correctable: bool
    field: str | None


def guidance(code: str) -> Guidance:
    """What the commenter can do about the reason with this code."""
    if code in WAIT or code.endswith(".failed"):
        return Guidance(correctable=False, field=None)
    area = code.partition(".")[0]
    return Guidance(correctable=True, field=FIELDS.get(code, AREA_FIELDS.get(area)))
