"""The civility check: hold comments that attack a person, let firm disagreement through.

Owns the pluggable backend interface (`CivilityBackend`, chosen by COMMENTS_CIVILITY_BACKEND),
the default backend and the check itself. The default backend joins two layers: the
high-precision rules of `insults` for attacks aimed at the reader, including those the training
data rarely shows ("you don't get it, clown"), and a linear model over word and character
n-grams plus the lexicon cues of `insults.CIVILITY` (`textmodel`), trained by
scripts/train_text_models.py. Swearing that attacks nobody ("this f***ing job market is
brutal") is civil.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from ..errors import SettingsError
from ..model import PASSED, Outcome, Submission, Verdict
from .blogstage import BlogStage, load_stage
from .insults import CIVILITY, rule_hit, word_kind
from .textmodel import LinearTextModel, sigmoid
from .textnorm import Doc

logger = logging.getLogger(__name__)

ARTEFACT = Path(__file__).with_name("models") / "civility.json.gz"
RULE_SCORE = 0.99  # a rule hit is held whatever the model says


@dataclass(frozen=True)
class CivilityAssessment:
    """A backend's answer: the score, whether it holds, what kind of attack and where."""

    score: float
    uncivil: bool
    kind: str = ""  # "insult" | "slur" | "personal-attack" | "profanity-at-person" | ""
    phrase: str = ""  # the offending phrase, quoted to the moderator


class CivilityBackend(Protocol):
    """Anything that can judge a comment's text; another model or a hosted API fits here."""

    def assess(self, text: str) -> CivilityAssessment: ...


@cache
def load_model(path: Path = ARTEFACT) -> LinearTextModel:
    """The trained model at `path`, read once per process."""
    return LinearTextModel.load(path, CIVILITY)


class LinearCivilityBackend:
    """The bundled backend: rules first, then the linear model at its trained threshold, then
    this blog's own model for comments that read like this blog's (`blogstage`)."""

    def __init__(
        self,
        threshold: float | None = None,
        path: Path = ARTEFACT,
        model: LinearTextModel | None = None,
        stage: BlogStage | None = None,
    ) -> None:
        """:param model: an already loaded model (the evaluation script's per-fold models).
        :param stage: the blog stage to use instead of the committed one (the same script)."""
        self.model = model or load_model(path)
        self.threshold = self.model.threshold if threshold is None else threshold
        self.stage = stage or load_stage()

    def assess(self, text: str) -> CivilityAssessment:
        doc = self.model.doc(text)
        return self.decide(doc, text, sigmoid(self.model.margin(doc)), self.threshold)

    def decide(self, doc: Doc, text: str, score: float, threshold: float) -> CivilityAssessment:
        """Rules first, then `score` against `threshold` with this model's kind and phrase, then
        the blog stage; shared with backends that blend this model's score with their own
        (encoder)."""
        hit = rule_hit(doc)
        if hit is not None:
            return CivilityAssessment(max(score, RULE_SCORE), True, hit.kind, hit.phrase)
        if score >= threshold:
            return CivilityAssessment(score, True, _model_kind(doc), self._phrase(doc, text))
        blog_score = self.stage.holding_score(doc)
        if blog_score is None:
            return CivilityAssessment(score, False)
        phrase = self._phrase(doc, text, self.stage.model)
        return CivilityAssessment(blog_score, True, _model_kind(doc, "personal-attack"), phrase)

    def _phrase(self, doc: Doc, text: str, model: LinearTextModel | None = None) -> str:
        """A few words around the word that pushed `model`'s score most."""
        for label, _ in (model or self.model).top_features(text, 5):
            words = [w for w in label.split() if w != "_"]
            for i, token in enumerate(doc.tokens):
                if token == words[0]:
                    last = min(len(doc.tokens) - 1, i + max(len(words) + 2, 3))
                    return doc.phrase(max(0, i - 3), last)
        return doc.text[:80]


def _model_kind(doc: Doc, without_insult_word: str = "insult") -> str:
    """The kind of attack a model hold names, from the lexicon classes of its words."""
    kinds = {word_kind(t) for t in doc.tokens}
    if "slur" in kinds:
        return "slur"
    if "profanity" in kinds and not kinds & {"noun", "adjective"}:
        return "profanity-at-person"
    if kinds & {"noun", "adjective"}:
        return "insult"
    return without_insult_word


def load_backend(
    spec: str = "linear", threshold: float | None = None, encoder_model: str = ""
) -> CivilityBackend:
    """The backend a setting names: "linear", "encoder" (the optional sentence encoder, from
    its installed package or the folder `encoder_model`), or "package.module:ClassName" (no
    arguments).

    `threshold` applies to the linear and encoder backends; another backend decides for itself.
    """
    if spec == "linear":
        return LinearCivilityBackend(threshold)
    if spec == "encoder":
        return _encoder_backend(threshold, encoder_model)
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND={spec!r}:"
            " use 'linear', 'encoder' or 'package.module:ClassName'"
        )
    try:
        backend_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise SettingsError(f"COMMENTS_CIVILITY_BACKEND={spec!r}: {error}") from error
    return backend_class()


def _encoder_backend(threshold: float | None, encoder_model: str) -> CivilityBackend:
    """The encoder backend, imported only when chosen: its NumPy and tokenizers are an extra."""
    try:
        from .encoder.backend import EncoderCivilityBackend
    except ImportError as error:
        from .encoder import INSTALL

        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND='encoder' needs the encoder extra ({error});"
            f" install it with: {INSTALL}"
        ) from error
    return EncoderCivilityBackend(threshold, encoder_model or None)


_REASONS = {
    "insult": "Your comment calls a person names. Please rephrase it without the insult and"
    " send it again: firm disagreement is welcome.",
    "personal-attack": "Your comment attacks a person rather than an idea. Please rephrase it"
    " without the insult and send it again: firm disagreement is welcome.",
    "profanity-at-person": "Your comment swears at a person. Please rephrase it without"
    " aiming the swearing at anyone and send it again: firm disagreement is welcome.",
    "slur": "Your comment uses a slur. Please remove it and send your comment again:"
    " disagreement is welcome, slurs are not.",
}


def check_civility(submission: Submission, backend: CivilityBackend) -> Outcome:
    """Hold a comment that attacks a person, quoting the phrase to the moderator."""
    try:
        assessment = backend.assess(submission.body)
    except Exception:
        # Any backend, even a remote one, may fail in its own way: hold, never publish unread.
        logger.exception("civility: backend %s failed", type(backend).__name__)
        return Outcome(
            Verdict.HOLD,
            "civility.unavailable",
            "We could not check the tone of your comment automatically, so a moderator will"
            " read it before it appears.",
            f"civility backend {type(backend).__name__} raised; see the service log",
        )
    if not assessment.uncivil:
        return PASSED
    kind = assessment.kind if assessment.kind in _REASONS else "insult"
    return Outcome(
        Verdict.HOLD,
        f"civility.{kind}",
        _REASONS[kind],
        f'offending phrase: "{assessment.phrase}" (score {assessment.score:.2f})',
    )


class CivilityCheck:
    """The policy's civility check around a backend chosen by the settings."""

    name = "civility"

    def __init__(self, backend: CivilityBackend) -> None:
        self.backend = backend

    def __call__(self, submission: Submission) -> Outcome:
        return check_civility(submission, self.backend)
