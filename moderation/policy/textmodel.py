"""Plain-Python text models for the policy: features and linear scoring.

One code path serves training (scripts/train_text_models.py builds the same feature lists and
fits a logistic regression on them) and the runtime, which reads a gzip JSON artefact of
weights and scores a comment without NumPy or scikit-learn. The text is first made comparable
by `textnorm.normalise`; a `textnorm.Featuriser` supplies what is specific to one model: the
words people disguise ("f u c k", "id10t") and the hand-written cues (civility: "you … idiot";
spam: links, "subscribe").
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

from .textnorm import CACHE_LIMIT, TOKEN, Doc, Featuriser, normalise

FORMAT = 1


@dataclass(frozen=True)
class FeatureSettings:
    """The feature space; stored in the artefact so training and runtime cannot drift apart."""

    word_ngrams: int = 2
    char_min: int = 2
    char_max: int = 5
    char_word_max: int = 20
    word_scale: float = 1.0
    char_scale: float = 1.0
    cue_scale: float = 1.0
    norm_power: float = 0.5  # 0.5: L2-like norm; lower: long comments weigh more

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> FeatureSettings:
        return cls(**data)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Features:
    """One comment's features in three blocks, each scaled on its own.

    A char n-gram counts once per distinct word that holds it, so the char block is a sum
    over words, which lets the runtime remember each word's share (`LinearTextModel.margin`).
    """

    words: set[str]
    chars: dict[str, int]
    cues: set[str]


def word_grams(tokens: list[str], settings: FeatureSettings) -> set[str]:
    """Word n-grams from 1 to `word_ngrams` words, joined by a space."""
    grams = set(tokens)
    for n in range(2, settings.word_ngrams + 1):
        grams.update(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_grams(word: str, settings: FeatureSettings) -> set[str]:
    """Char n-grams of one space-padded word, as scikit-learn's char_wb analyser makes them."""
    padded = f" {word[: settings.char_word_max]} "
    size = len(padded)
    return {
        padded[i : i + n]
        for n in range(settings.char_min, min(settings.char_max + 1, size + 1))
        for i in range(size - n + 1)
    }


def extract(doc: Doc, settings: FeatureSettings, featuriser: Featuriser) -> Features:
    """All of a comment's features, listed: what training fits the weights on."""
    chars: dict[str, int] = {}
    for word in set(doc.text.split()):
        for gram in char_grams(word, settings):
            chars[gram] = chars.get(gram, 0) + 1
    return Features(word_grams(doc.tokens, settings), chars, set(featuriser.cues(doc)))


def block_values(words: int, chars: int, settings: FeatureSettings) -> tuple[float, float, float]:
    """The value one occurrence of a feature takes in each block, from the block's size."""
    return (
        settings.word_scale / (words or 1) ** settings.norm_power,
        settings.char_scale / (chars or 1) ** settings.norm_power,
        settings.cue_scale,
    )


class LinearTextModel:
    """A logistic regression over `extract` features, read from a gzip JSON artefact."""

    def __init__(self, artefact: dict[str, object], featuriser: Featuriser) -> None:
        if artefact.get("format") != FORMAT or artefact.get("featuriser") != featuriser.name:
            raise ValueError(
                f"artefact format {artefact.get('format')!r}/{artefact.get('featuriser')!r}"
                f" does not fit featuriser {featuriser.name!r} format {FORMAT}"
            )
        self.meta = artefact
        self.featuriser = featuriser
        self.settings = FeatureSettings.from_dict(artefact["settings"])  # type: ignore[arg-type]
        weights: dict[str, dict[str, float]] = artefact["weights"]  # type: ignore[assignment]
        self.words, self.chars, self.cues = weights["words"], weights["chars"], weights["cues"]
        self.bias = float(artefact["bias"])  # type: ignore[arg-type]
        self.threshold = float(artefact["threshold"])  # type: ignore[arg-type]
        self._word_share: dict[str, tuple[float, int]] = {}

    @classmethod
    def load(cls, path: Path, featuriser: Featuriser) -> LinearTextModel:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return cls(json.load(f), featuriser)

    def doc(self, text: str) -> Doc:
        return normalise(text, self.featuriser)

    def margin(self, doc: Doc) -> float:
        """The log-odds of `doc`, equal to `margin_of(extract(doc))` but faster: each word's
        char n-gram weight sum is remembered, and common words recur across comments.
        `fsum` adds exactly, so the score does not depend on the order sets iterate in."""
        words, shares, cues, (vw, vc, vq) = self._parts(doc)
        return (
            self.bias
            + vw * math.fsum(filter(None, map(self.words.get, words)))
            + vc * math.fsum(share[0] for share in shares.values())
            + vq * math.fsum(filter(None, map(self.cues.get, cues)))
        )

    def _parts(
        self, doc: Doc
    ) -> tuple[set[str], dict[str, tuple[float, int]], set[str], tuple[float, float, float]]:
        words = doc.memo.get(self.settings)
        if words is None:
            words = doc.memo[self.settings] = word_grams(doc.tokens, self.settings)
        cues = doc.memo.get(self.featuriser.name)
        if cues is None:
            cues = doc.memo[self.featuriser.name] = set(self.featuriser.cues(doc))
        shares = {w: self._word_share.get(w) or self._share(w) for w in set(doc.text.split())}
        char_count = sum(share[1] for share in shares.values())
        return words, shares, cues, block_values(len(words), char_count, self.settings)

    def _share(self, word: str) -> tuple[float, int]:
        grams = char_grams(word, self.settings)
        share = (math.fsum(filter(None, map(self.chars.get, grams))), len(grams))
        if len(self._word_share) > CACHE_LIMIT:
            self._word_share.clear()
        self._word_share[word] = share
        return share

    def margin_of(self, features: Features) -> float:
        """The log-odds from listed features, as training sees them; `fsum` makes it exact,
        so training gives the same thresholds whatever order the sets come in."""
        vw, vc, vq = block_values(len(features.words), sum(features.chars.values()), self.settings)
        return math.fsum(
            [self.bias]
            + [vw * self.words.get(g, 0.0) for g in features.words]
            + [vc * self.chars.get(g, 0.0) * n for g, n in features.chars.items()]
            + [vq * self.cues.get(g, 0.0) for g in features.cues]
        )

    def score(self, text: str) -> float:
        """The probability that `text` belongs to the positive class."""
        return sigmoid(self.margin(self.doc(text)))

    def top_features(self, text: str, n: int = 3) -> list[tuple[str, float]]:
        """The words, word pairs and cues that pushed the score up most, with their push.

        Char n-grams are credited to the word they came from, so "id10t" shows as "idiot".
        """
        words, shares, cues, (vw, vc, vq) = self._parts(self.doc(text))
        push = {name: vw * self.words.get(name, 0.0) for name in words}
        for word, share in shares.items():
            label = TOKEN.search(word)
            if label:
                push[label.group()] = push.get(label.group(), 0.0) + vc * share[0]
        for name in cues:
            push[name] = push.get(name, 0.0) + vq * self.cues.get(name, 0.0)
        ranked = sorted(((k, v) for k, v in push.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:n]


def sigmoid(x: float) -> float:
    """The logistic function, safe from overflow for large margins."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def word_set(text: str) -> frozenset[str]:
    """A lexicon written as one string of words, as the lexicons here are."""
    return frozenset(text.split())
