"""The civility check: attacks on people are held with the phrase quoted, disagreement passes."""

from __future__ import annotations

import pytest

from moderation.errors import SettingsError
from moderation.model import Outcome, Submission, Verdict
from moderation.policy.civility import (
    CivilityAssessment,
    CivilityCheck,
    LinearCivilityBackend,
    check_civility,
    load_backend,
    load_model,
)
from moderation.policy.insults import rule_holds


def _submission(body: str) -> Submission:
    return Submission(
        article="cold-emails", name="Ada Lovelace", blog_url="https://ada.example", body=body
    )


@pytest.fixture(scope="module")
def backend() -> LinearCivilityBackend:
    return LinearCivilityBackend()


# (comment, words the quoted phrase must contain)
UNCIVIL = [
    ("You don't get it, clown.", "clown"),
    ("Only an amateur would write this.", "only an amateur would"),
    ("Nobody asked for your opinion, loser.", "loser"),
    ("You are an idiot.", "you are an idiot"),
    ("You're such a moron, read the post again.", "moron"),
    ("What a pathetic loser you are.", "loser you are"),
    ("Shut the f*** up, nobody wants your advice.", "shut the fuck up"),
    ("F u c k you, you know nothing about hiring.", "fuck you"),
    ("Go back to school before you lecture us about resumes.", "go back to school"),
    ("Your stupid ass never held a real job.", "your stupid ass"),
    ("Learn to read, genius. It's in the second paragraph.", "learn to read"),
    ("Nobody cares what you think about cover letters.", "nobody cares what you"),
    ("You id10t, recruiters don't work like that.", "you idiot"),
    ("Another clueless comment from a halfwit like you.", "halfwit"),
    ("Crawl back under your rock.", "crawl back under"),
    ("Only a f@gg0t would apply there.", "faggot"),
    ("Stop whining, you crybaby.", "crybaby"),
    ("You're a waste of oxygen.", "waste of oxygen"),
    ("Screw you and your networking tips.", "screw you"),
    ("You dumb f*ck, that's not how LinkedIn works.", "you dumb fuck"),
    ("Hey idiot, the article says the opposite.", "idiot"),
    ("What a joke of a human being you are, moron.", "moron"),
    ("Fuck off back to Reddit.", "fuck off"),
    ("Listen, dimwit, nobody hires like that anymore.", "dimwit"),
    ("You sound like a complete imbecile.", "imbecile"),
    ("Are you retarded? He said the opposite.", "retarded"),
    ("You're too stoooopid to understand a job offer.", "stupid"),
    ("Kill yourself.", "kill yourself"),
]

CIVIL = [
    "I disagree, and here's why: cold emails rarely work for senior roles.",
    "This post is wrong because it ignores referrals entirely.",
    "Damn, this job market is brutal.",
    "Holy shit, this worked! Got two callbacks this week.",
    "This f***ing job market is brutal.",
    "Calling someone an 'idiot' in a cover letter is never a good idea.",
    "Kill the small talk and ask about the team's roadmap.",
    "I'm dying to try this at the next meetup.",
    "That recruiter's process was garbage.",
    "Your argument about salary negotiation doesn't hold up; the data says otherwise.",
    "I think you're wrong about LinkedIn Premium, it paid off for me.",
    "Great post, thanks for sharing!",
    "I hate networking events, but your tips made them bearable.",
    "Well, I felt like an idiot for not trying this sooner.",
    "Hell yes, finally someone says it.",
    "You make a fair point, but I still think referrals beat cold applications.",
    "With respect, you're missing the part where the hiring manager decides.",
    "This is a killer template; I used it for three applications.",
    "Don't be afraid to follow up twice; the worst they can say is no.",
    "My resume was crap before I read this.",
    "Recruiters who ghost candidates drive me nuts.",
    "I strongly disagree with point three; it reads as desperate to me.",
    "Shit happens; I got laid off too and bounced back in two months.",
    "Nobody tells you how exhausting job hunting is.",
    "You're not an idiot for asking about salary early.",
    "The phrase 'culture fit' is often a lazy excuse.",
    "Are you sure about that statistic? I couldn't find the source.",
    "You should read the post again: she addresses that in the second section.",
    "This advice is outdated and, frankly, wrong for anyone in tech.",
]


@pytest.mark.parametrize(("body", "phrase"), UNCIVIL, ids=[b[:40] for b, _ in UNCIVIL])
def test_attack_on_a_person_is_held_with_phrase(
    body: str, phrase: str, backend: LinearCivilityBackend
) -> None:
    outcome = check_civility(_submission(body), backend)
    assert outcome.verdict is Verdict.HOLD
    assert outcome.code.startswith("civility.") and outcome.code != "civility.unavailable"
    assert phrase in outcome.detail.lower()
    assert outcome.detail.startswith('offending phrase: "')


@pytest.mark.parametrize("body", CIVIL, ids=[b[:40] for b in CIVIL])
def test_civil_comment_passes(body: str, backend: LinearCivilityBackend) -> None:
    outcome = check_civility(_submission(body), backend)
    assert outcome.passed, outcome.detail


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Only a f@gg0t would apply there.", "civility.slur"),
        ("Fuck off back to Reddit.", "civility.profanity-at-person"),
        ("Only an amateur would write this.", "civility.personal-attack"),
        ("You are an idiot.", "civility.insult"),
    ],
    ids=["slur", "profanity-at-person", "personal-attack", "insult"],
)
def test_held_comment_names_the_kind_of_attack(
    body: str, code: str, backend: LinearCivilityBackend
) -> None:
    assert check_civility(_submission(body), backend).code == code


def test_reason_tells_the_commenter_how_to_fix_it(backend: LinearCivilityBackend) -> None:
    outcome = check_civility(_submission("You don't get it, clown."), backend)
    assert "rephrase" in outcome.reason and "disagreement is welcome" in outcome.reason


def test_threshold_setting_overrides_the_trained_one() -> None:
    strict = load_backend("linear", threshold=0.0)
    assert strict.assess("Great post, thanks for sharing!").uncivil


class AlwaysUncivil:
    """A stand-in for another backend, loaded by dotted path as a setting would name it."""

    def assess(self, text: str) -> CivilityAssessment:
        return CivilityAssessment(0.97, True, "personal-attack", text[:20])


class Broken:
    def assess(self, text: str) -> CivilityAssessment:
        raise TimeoutError("hosted model did not answer")


def test_backend_is_pluggable_by_dotted_path() -> None:
    backend = load_backend(f"{__name__}:AlwaysUncivil")
    outcome = CivilityCheck(backend)(_submission("Thanks, this helped."))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "civility.personal-attack")


def test_failing_backend_holds_for_a_moderator() -> None:
    outcome: Outcome = CivilityCheck(Broken())(_submission("Thanks, this helped."))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "civility.unavailable")
    assert "moderator" in outcome.reason


def test_artefact_is_loaded_once() -> None:
    assert LinearCivilityBackend().model is LinearCivilityBackend(threshold=0.9).model
    assert load_model.cache_info().currsize == 1


def test_check_is_named_for_its_code_area() -> None:
    assert CivilityCheck(LinearCivilityBackend()).name == "civility"


def test_artefact_records_how_it_was_made() -> None:
    meta = load_model().meta
    assert meta["model"] == "civility" and len(meta["trained_on"]["sha256"]) == 64
    assert 0.0 < meta["threshold"] < 1.0 and meta["oof"]["fpr"] <= 0.05


@pytest.mark.parametrize(
    "spec",
    ["not-a-path", "moderation.policy.nowhere:Backend", "moderation.policy.civility:Missing"],
    ids=["no-colon", "no-module", "no-class"],
)
def test_unusable_backend_setting_is_refused(spec: str) -> None:
    with pytest.raises(SettingsError, match="COMMENTS_CIVILITY_BACKEND"):
        load_backend(spec)


# Attacks on a person in this blog's own idiom, most without an insult word (issue 12), with
# words the quoted phrase must contain. None of these sentences is in tests/data/blog-comments.
BLOG_ATTACKS = [
    ("You're a fraud and everyone on this thread can see it.", "you're a fraud"),
    ("Honestly, you are such a dinosaur about thank-you notes.", "dinosaur"),
    ("What a snob you are.", "what a snob you are"),
    ("You people never read past the headline.", "you people"),
    ("Recruiters like you are the reason I stopped applying.", "recruiters like you"),
    ("Whoever wrote this is a charlatan.", "whoever wrote this is a charlatan"),
    ("The author is a hack who recycles other people's tips.", "the author is a hack"),
    ("OK boomer, we don't send faxes anymore either.", "ok boomer"),
    ("Go away. Nobody here wants your coffee rule.", "go away"),
    ("Do everyone a favour and delete your blog.", "do everyone a favour"),
    ("Sweetie, that is not how hiring works.", "sweetie"),
    ("You're insufferable, Thom.", "you're insufferable"),
    ("Failed recruiter, now a blogger. Of course.", "failed recruiter"),
    ("At your age you should be mentoring people, not sneering at them.", "at your age"),
    ("Do you even read the comments you reply to?", "do you even read"),
    ("You're the least qualified person to lecture anyone on networking.", "least qualified"),
]
# Blunt criticism of ideas, discussion of insults, negation and quotation: all pass.
BLOG_CIVIL = [
    "This is the worst advice I've read on follow-ups this year.",
    "I strongly disagree with the coffee rule; it punishes people in small towns.",
    "Your premise is flawed: most hiring managers never see the request.",
    "This advice is a joke for people in my field, where everyone connects with everyone.",
    "Printed thank-you notes are a dinosaur of a habit.",
    "My boss called me an idiot in a meeting once, and I still remember the room going quiet.",
    "A recruiter told me I was a dinosaur because I printed my resume.",
    "I'm not calling you a fraud, but the survey in this post has only twelve answers.",
    "You're not a failure because a company ghosted you.",
    "He wrote 'you people' in his rejection email, which says more about him than about me.",
    "I wrote a longer response on my blog, since it did not fit in a comment.",
    "You're wrong about recruiters: the good ones welcome a short follow-up.",
    "The doubts go away once you have a routine for follow-ups.",
]
# Praise of the reader's group. In the blog-domain data "people like you" is an attack about
# a hundred times for each kind use, so the blog stage holds it (docs/policy-quality.md, Known
# weaknesses); strict, so that the day it passes this test says so.
PRAISED_GROUP = (
    "People like you who share their rejection stories make this easier for the rest of us."
)


@pytest.mark.parametrize(("body", "phrase"), BLOG_ATTACKS, ids=[b[:40] for b, _ in BLOG_ATTACKS])
def test_attack_without_insult_word_is_held(
    body: str, phrase: str, backend: LinearCivilityBackend
) -> None:
    outcome = check_civility(_submission(body), backend)
    assert outcome.verdict is Verdict.HOLD, outcome
    assert outcome.code == "civility.personal-attack" or outcome.code == "civility.insult"
    assert phrase in outcome.detail.lower()


@pytest.mark.parametrize("body", BLOG_CIVIL, ids=[b[:40] for b in BLOG_CIVIL])
def test_blunt_criticism_and_reported_insults_pass(
    body: str, backend: LinearCivilityBackend
) -> None:
    outcome = check_civility(_submission(body), backend)
    assert outcome.passed, outcome.detail


@pytest.mark.xfail(strict=True, reason="known false positive of the blog stage")
def test_praise_of_the_readers_group_passes(backend: LinearCivilityBackend) -> None:
    assert check_civility(_submission(PRAISED_GROUP), backend).passed


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("You're a dinosaur.", True),
        ("You're not a dinosaur.", False),
        ("Nobody's calling you a dinosaur.", False),
        ("They called you a dinosaur, which was unfair.", False),
        ("That rule is a dinosaur of a habit.", False),
        ("You people.", True),
        ("The phrase 'you people' annoys me.", False),
        ("Get lost.", True),
        ("The worry will get lost in the noise.", False),
    ],
)
def test_attack_rule_sees_negation_and_quotation(body: str, rule: bool) -> None:
    assert rule_holds(body) is rule
