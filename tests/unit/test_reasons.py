"""Every reason a commenter reads is a sentence for people that either says what to change or
says why a moderator reads the comment first, never both (`policy.guidance`)."""

from __future__ import annotations

import re

import pytest

from moderation.model import Outcome, Submission, Verdict
from moderation.policy import Policy, akismet_check, civility, linkreasons, name, spam
from moderation.policy.civility import CivilityAssessment, check_civility
from moderation.policy.guidance import WAIT, guidance
from moderation.policy.link import LinkRules, classify_blog_url
from moderation.policy.spamtext import SpamTextModel
from moderation.web.status import EXPLANATIONS, WAITING_EXPLANATIONS

COMMENT = Submission("coffee-rule", "Ada Lovelace", "https://ada.example/", "A fair point.")
FACTS = {
    "max_length": "60",
    "max_words": "6",
    "url": "https://jane.example/",
    "host": "bit.ly",
    "label": "a LinkedIn",
    "count": "4",
    "max_links": "3",
}


class _Failing:
    name = "links"

    def __call__(self, submission: Submission) -> Outcome:
        raise RuntimeError("broken check")


class _Brokenbackend:
    def assess(self, text: str) -> CivilityAssessment:
        raise RuntimeError("broken backend")


class _Uncivil:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def assess(self, text: str) -> CivilityAssessment:
        return CivilityAssessment(0.9, True, self.kind, text)


def _outcomes() -> dict[str, str]:
    """Every commenter-facing reason by code: the tables, and those only a check writes."""
    tables = {**name.REASONS, **linkreasons.REASONS, **spam.REASONS, **akismet_check.REASONS}
    reasons = {code: text.format(**FACTS) for code, text in tables.items()}
    written = [
        classify_blog_url("http://jane.example/", LinkRules(require_https=True)),
        Policy([_Failing()]).run(COMMENT).results[0].outcome,
        check_civility(COMMENT, _Brokenbackend()),
        spam.SpamTextCheck(SpamTextModel.load(), threshold=-1.0)(COMMENT),
        *(check_civility(COMMENT, _Uncivil(kind)) for kind in civility._REASONS),
    ]
    for outcome in written:
        assert outcome.verdict is not Verdict.PASS, outcome
        key = outcome.code if outcome.code not in reasons else f"{outcome.code} (variant)"
        reasons[key] = outcome.reason
    return reasons


REASONS = _outcomes()
# SpamTextCheck's wording belongs to the spam-model work (issue 12, helper C2): it says both
# "nothing to change" and "send it again". Strict, so the fix shows here as an XPASS.
KEYS = list(REASONS)
# Field names and the `field: message` shape of the intake's errors have no place here.
INTERNAL = re.compile(r"^[\w-]+:|\b(request|reply_to|content-type|blog_url|form_token)\b")
# What asking for a correction sounds like, and what only the page may say once.
ASKS = re.compile(
    r"\b(please|add|remove|use|write|rephrase|shorten|keep|check the address|send (it|your"
    r" comment) again|turn off|reload)\b",
    re.IGNORECASE,
)
NOTHING_TO_CHANGE = re.compile(r"nothing (more )?to change|no need to", re.IGNORECASE)


def _code(key: str) -> str:
    return key.split(" ")[0]


@pytest.mark.parametrize("key", REASONS)
def test_a_reason_is_a_sentence_for_people(key: str) -> None:
    reason = REASONS[key]
    assert reason[0].isupper() and reason.endswith("."), reason
    assert not INTERNAL.search(reason), reason
    assert "{" not in reason, reason


@pytest.mark.parametrize("key", KEYS)
def test_a_reason_leaves_nothing_to_change_to_the_page(key: str) -> None:
    assert not NOTHING_TO_CHANGE.search(REASONS[key])


@pytest.mark.parametrize("key", KEYS)
def test_a_wait_reason_asks_for_nothing_and_a_correctable_one_says_what_to_do(key: str) -> None:
    reason, advice = REASONS[key], guidance(_code(key))
    if advice.correctable:
        assert ASKS.search(reason), f"{key} is correctable but asks for nothing: {reason}"
    else:
        assert not ASKS.search(reason), f"{key} only waits but asks: {reason}"


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("name.handle", "name"),
        ("link.social-profile", "url"),
        ("civility.insult", "body"),
        ("spam.too-many-links", "body"),
        ("spam.honeypot", None),
        ("spam.duplicate", None),
    ],
)
def test_a_reason_points_at_the_field_it_concerns(code: str, field: str | None) -> None:
    assert guidance(code).field == field


def test_every_wait_code_is_a_known_reason() -> None:
    assert {_code(key) for key in REASONS} >= WAIT


def test_the_page_says_correct_only_when_it_can_and_nothing_to_change_only_when_not() -> None:
    for explanation in EXPLANATIONS.values():
        assert not NOTHING_TO_CHANGE.search(explanation)
    for explanation in WAITING_EXPLANATIONS.values():
        assert NOTHING_TO_CHANGE.search(explanation) and "correct" not in explanation.lower()
