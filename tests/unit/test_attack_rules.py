"""Attack frames without a judging word (sarcasm, talking down, dismissal, paralipsis, the
author or a named commenter judged) are held by the rules; the same words about an idea, a
negated or reported judgement, self-mockery and friendly replies are not."""

from __future__ import annotations

import re

import pytest

from moderation.policy.attacks import attack_cues, attack_hit
from moderation.policy.insults import rule_holds
from moderation.policy.sarcasm import Gated

# (attack, a civil comment that shares its words): written for this test, not from the CSVs.
PAIRS = [
    (
        "Gold star for you, Nadia. Truly groundbreaking.",
        "Nadia gave the interns gold stickers for every finished task.",
    ),
    (
        "Stop the presses, Oskar found out that recruiters are busy.",
        "The local paper had to stop its presses during the strike.",
    ),
    (
        "Says the guy who hasn't applied anywhere since 2010.",
        "The guy who interviewed me says he hasn't hired since 2010.",
    ),
    (
        "Must be exhausting being you, Farid.",
        "Job hunting for a year must be exhausting; hang in there.",
    ),
    (
        "Come back when you've actually managed a team, Lukas.",
        "Come back to this post later; the comments are worth it.",
    ),
    (
        "Let the grown-ups discuss salary bands, Tess.",
        "Let the recruiter discuss salary bands first.",
    ),
    (
        "I'll explain it slowly, Ben: recruiters are not your friends.",
        "Could you explain the referral bonus part again?",
    ),
    (
        "You write surprisingly well for someone who claims to have hired hundreds.",
        "You write surprisingly well about a topic most people find dull.",
    ),
    (
        "Is everything okay at home, Greta? That was a lot of anger for a LinkedIn post.",
        "Is everything covered in the second part, or is there more coming?",
    ),
    (
        "Stay in your lane, Mo. Hiring advice isn't it.",
        "Stay in the same lane of work for two years before switching.",
    ),
    (
        "Maybe it's time to hang up the blog, Thom.",
        "Time to hang up the phone and write the follow-up.",
    ),
    (
        "Go back to Twitter, Ines.",
        "I went back to the posting and reread it.",
    ),
    (
        "I'm not calling you a snob, Tim, but you're acting exactly like one.",
        "I'm not calling you a snob, Tim, but the coffee rule assumes free afternoons.",
    ),
    (
        "I won't bring up the fact that your own agency folded, Vera.",
        "I won't bring it up at the interview unless they ask.",
    ),
    (
        "Whoever wrote this has clearly never been on the candidate's side of the table.",
        "Whoever wrote this, thanks: it is the clearest take on referrals I've read.",
    ),
    (
        "It's always people like you, Joel, who want favours and give nothing back.",
        "People like you who answer every question make this thread worth reading.",
    ),
    (
        "Anya, you're a glorified recruiter bot with a headshot.",
        "Anya, you're a recruiter yourself, so how do you read these invites?",
    ),
    (
        "Your blog has what, eight readers? Bold of you to set rules.",
        "My blog has eight readers and I still write every week.",
    ),
    (
        "You sound like someone who has never had to look for work.",
        "You sound like someone who has been through a long search; good luck.",
    ),
    (
        "Aww, Pieter discovered cold email. Adorable.",
        "Pieter discovered a typo in the template, fixed now.",
    ),
]


@pytest.mark.parametrize(("attack", "civil"), PAIRS, ids=[a[:30] for a, _ in PAIRS])
def test_attack_frame_is_held_and_its_civil_twin_passes(attack: str, civil: str) -> None:
    assert rule_holds(attack), attack
    assert not rule_holds(civil), civil


@pytest.mark.parametrize(
    "civil",
    [
        "Nobody is saying you should stay in your lane forever.",
        "He told me to 'come back when you've actually shipped something', which stung.",
        "I'm the guy who hasn't updated his resume since 2010, so this is for me.",
        "I won't call you naive, Ola. Your example is just an unusual company.",
        "I doubt the hiring manager would mind a short note.",
    ],
)
def test_negated_reported_and_self_aimed_frames_pass(civil: str) -> None:
    assert not rule_holds(civil)


def test_paralipsis_is_held_although_negated() -> None:
    assert attack_hit("i'm not going to point out that your consulting firm is one person.")


def test_frame_gives_its_cue_to_the_model() -> None:
    assert "sarcasm" in attack_cues("says the guy who never replies to anyone.")
    assert "dismissal" in attack_cues("stay in your lane, ada.")


def test_gated_pattern_finds_what_the_plain_pattern_finds() -> None:
    pattern = r"\bgold star\b|\b(?:sit|stand) (?:this one )?out\b|\bx{2,}y"
    gated = Gated(pattern)
    for text in ["a gold star!", "sit this one out", "stand out", "xxy", "goldstar", "x"]:
        plain = [m.span() for m in re.finditer(pattern, text)]
        assert sorted(m.span() for m in gated.finditer(text)) == sorted(plain), text
