"""The civility check's blog stage: this blog's own model, heard only for this blog's comments."""

from __future__ import annotations

import pytest

from moderation.policy.blogstage import BlogStage, load_stage
from moderation.policy.civility import LinearCivilityBackend
from moderation.policy.textmodel import LinearTextModel, sigmoid

# An attack in this blog's idiom that the main model scores under its threshold.
QUIET_ATTACK = "Thom, with your track record I'm amazed anyone still asks you for advice."
# Off-topic for this blog: the blog model alone would hold it, the topic model keeps it out.
OFF_TOPIC = "Obama's policies wrecked the economy and you know it."


@pytest.fixture(scope="module")
def backend() -> LinearCivilityBackend:
    return LinearCivilityBackend()


def _scores(backend: LinearCivilityBackend, text: str) -> tuple[float, float, float]:
    doc = backend.model.doc(text)
    stage = backend.stage
    return (
        sigmoid(backend.model.margin(doc)),
        sigmoid(stage.topic.margin(doc)),
        sigmoid(stage.model.margin(doc)),
    )


def test_stage_holds_an_attack_the_main_model_lets_through(backend: LinearCivilityBackend) -> None:
    main, topic, blog = _scores(backend, QUIET_ATTACK)
    assert main < backend.threshold and topic >= backend.stage.topic.threshold
    assessment = backend.assess(QUIET_ATTACK)
    assert assessment.uncivil and assessment.kind == "personal-attack"
    assert assessment.score == pytest.approx(blog)
    assert "track record" in assessment.phrase or "advice" in assessment.phrase


def test_stage_is_not_heard_for_comments_unlike_this_blogs(backend: LinearCivilityBackend) -> None:
    main, topic, blog = _scores(backend, OFF_TOPIC)
    assert blog >= backend.stage.model.threshold, "the blog model alone would hold it"
    assert topic < backend.stage.topic.threshold and main < backend.threshold
    assert not backend.assess(OFF_TOPIC).uncivil


def test_swearing_is_left_to_the_main_model(backend: LinearCivilityBackend) -> None:
    doc = backend.model.doc("Damn, this job market is brutal.")
    assert backend.stage.on_topic(doc)
    assert backend.stage.holding_score(doc) is None
    assert not backend.assess("Damn, this job market is brutal.").uncivil


def test_without_the_stage_the_quiet_attack_passes(backend: LinearCivilityBackend) -> None:
    never_on_topic = BlogStage(
        topic=_threshold(backend.stage.topic, 1.01), model=backend.stage.model
    )
    assert not LinearCivilityBackend(stage=never_on_topic).assess(QUIET_ATTACK).uncivil


def test_stage_artefacts_record_what_they_learnt_from() -> None:
    stage = load_stage()
    assert stage is load_stage()
    blog, topic = stage.model.meta, stage.topic.meta
    assert blog["model"] == "civility-blog" and topic["model"] == "civility-topic"
    assert blog["trained_on"]["file"] == "tests/data/blog-comments/train.csv"
    assert [f["file"] for f in topic["trained_on"]["files"]] == [
        "civility/insults_train.csv",
        "tests/data/blog-comments/train.csv",
    ]
    assert blog["oof"]["fpr"] <= 0.025 and 0.0 < topic["threshold"] < 1.0


def _threshold(model: LinearTextModel, threshold: float) -> LinearTextModel:
    """A copy of `model` with another threshold."""
    return LinearTextModel(dict(model.meta, threshold=threshold), model.featuriser)
