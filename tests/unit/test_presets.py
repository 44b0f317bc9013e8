"""The moderator's reject presets: reasons for a decision, the failed checks' own first."""

from __future__ import annotations

import pytest

from moderation.model import CheckResult, Outcome, Review, Verdict
from moderation.web.presets import PRESET_REASONS, PRESETS, presets_for


def held(code: str) -> Review:
    return Review((CheckResult(code.partition(".")[0], Outcome(Verdict.HOLD, code, "Fix it.")),))


@pytest.mark.parametrize(
    ("code", "first"),
    [
        ("name.handle", "name"),
        ("link.social-profile", "blog"),
        ("civility.personal-attack", "attack"),
        ("spam.content", "advertising"),
        ("spam.cross-posted", "duplicate"),
        ("link.check-unavailable", "off-topic"),  # only a wait: nothing to suggest
        ("spam.akismet-unavailable", "off-topic"),
    ],
)
def test_a_failed_check_puts_its_preset_first(code: str, first: str) -> None:
    presets = presets_for(held(code))
    assert presets[0] == PRESETS[first]
    assert sorted(presets) == sorted(PRESET_REASONS)  # every preset, once


@pytest.mark.parametrize("preset", PRESET_REASONS)
def test_a_preset_names_the_decision_then_tells_the_commenter(preset: str) -> None:
    label, _, sentence = preset.partition(": ")
    assert label[0].isupper() and len(label.split()) <= 3
    assert sentence and sentence.endswith(".")
    assert "nothing to change" not in preset.lower()
