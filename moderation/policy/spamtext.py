"""The local spam-text model: promotion ("check out my channel", links, money) in a comment.

A `LinearTextModel` with its own artefact (models/spam.json.gz), trained by
scripts/train_text_models.py on labelled YouTube comments. The spam check in `spam.py` uses it
as one local signal, at the threshold chosen by cross-validation unless a setting overrides it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .textmodel import LinearTextModel, word_set
from .textnorm import Doc, Featuriser

ARTEFACT = Path(__file__).with_name("models") / "spam.json.gz"

_MONEY = word_set(
    """money cash earn earning dollars paypal bitcoin prize win winner free gift giveaway income
    rich profit bonus cheap discount offer sale buy"""
)
_PROMOTION = re.compile(
    r"\b(?:check (?:out|it out|my|this)|my (?:channel|videos?|page|music|song|blog|site)"
    r"|subscri\w*|sub ?4 ?sub|follow (?:me|my)|like (?:this|my) (?:comment|video)"
    r"|visit|click|go to)\b"
)


def spam_cues(doc: Doc) -> list[str]:
    """Promotion cues: links, calls to subscribe or visit, money words, shouting.

    No length cue: on YouTube long comments are mostly spam, on a blog they are the norm.
    """
    tokens = doc.tokens
    cues = [f"promo:{m.group().split()[0]}" for m in _PROMOTION.finditer(doc.text)]
    links = tokens.count("httpurl")
    if links:
        cues.append("link" if links == 1 else "links")
    if any(t in _MONEY for t in tokens):
        cues.append("money")
    if "$" in doc.text or "€" in doc.text or "£" in doc.text:
        cues.append("currency")
    if doc.caps > 0.5 and len(tokens) > 3:
        cues.append("shouting")
    return cues


SPAM = Featuriser("spam", cues=spam_cues)


class SpamTextModel:
    """Scores a comment's text as promotion; `threshold` is the cross-validated cut."""

    def __init__(self, model: LinearTextModel) -> None:
        self.model = model
        self.threshold = model.threshold

    @classmethod
    @cache
    def load(cls, path: Path = ARTEFACT) -> SpamTextModel:
        """The model from `path`, read once per process."""
        return cls(LinearTextModel.load(path, SPAM))

    def score(self, text: str) -> float:
        return self.model.score(text)

    def is_spam(self, text: str) -> bool:
        return self.score(text) >= self.threshold

    def explain(self, text: str) -> str:
        """The words or cues that weighed most towards spam, for the moderator."""
        return ", ".join(name for name, _ in self.model.top_features(text, 3))
