"""This blog's own civility model, heard only for comments that read like this blog's.

The main civility model learns from the shared insult data and the blog's comments together,
and its threshold must keep the civil comments of both under 5 % held. The shared data's
civil comments (heated, off-topic news comments) bind that threshold, so the main model lets
through about a third of the attacks on this blog that use no insult word. A second model
trained on the blog's comments alone catches most of them, but it has never seen a comment
about anything else and holds many of those. So it speaks only when a third model, trained to
tell this blog's comments from the shared data, says the comment reads like one of this
blog's. Both are linear models over the same features as the main model, trained by
scripts/train_blog_stage.py; docs/policy-quality.md has the figures.

Swearing and slurs stay the main model's and the rules' call: the shared data teaches them
from thousands of comments, while on this blog most comments that swear are attacks, so the
blog model alone would hold "Damn, this job market is brutal".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .insults import CIVILITY, word_kind
from .textmodel import LinearTextModel, sigmoid
from .textnorm import Doc

MODELS = Path(__file__).with_name("models")
BLOG_ARTEFACT = MODELS / "civility-blog.json.gz"
TOPIC_ARTEFACT = MODELS / "civility-topic.json.gz"
_LEFT_TO_MAIN = frozenset({"profanity", "slur"})


@dataclass(frozen=True)
class BlogStage:
    """The blog-only model and the topic model that decides when it is heard."""

    topic: LinearTextModel
    model: LinearTextModel

    def on_topic(self, doc: Doc) -> bool:
        return sigmoid(self.topic.margin(doc)) >= self.topic.threshold

    def holding_score(self, doc: Doc) -> float | None:
        """The blog model's score when the comment reads like this blog's and the score
        reaches the blog model's threshold; None otherwise."""
        if any(word_kind(t) in _LEFT_TO_MAIN for t in doc.tokens) or not self.on_topic(doc):
            return None
        score = sigmoid(self.model.margin(doc))
        return score if score >= self.model.threshold else None


@cache
def load_stage() -> BlogStage:
    """The committed stage, read once per process."""
    return BlogStage(
        LinearTextModel.load(TOPIC_ARTEFACT, CIVILITY),
        LinearTextModel.load(BLOG_ARTEFACT, CIVILITY),
    )
