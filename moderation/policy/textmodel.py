"""Plain-Python text models for the policy: normalisation, features and linear scoring.

One code path serves training (scripts/train_text_models.py builds the same feature lists and
fits a logistic regression on them) and the runtime, which reads a gzip JSON artefact of
weights and scores a comment without NumPy or scikit-learn. A `Featuriser` supplies what is
specific to one model: the words people disguise ("f u c k", "id10t") and the hand-written cues
(civility: "you … idiot"; spam: links, "subscribe").
"""

from __future__ import annotations

import gzip
import html
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1

_SOURCE_ESCAPE = re.compile(
    r"((?:\\x[0-9a-fA-F]{2})+)|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\([nrt'\"\\])"
)
_ANCHOR = re.compile(r"<a\s[^<>]*?href\s*=\s*[\"']?([^\"'\s<>]+)[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]{0,300}>")
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SINGLE_QUOTES = re.compile("[‘’‛`´]")
_DOUBLE_QUOTES = re.compile("[“”„]")
_URL = re.compile(
    r"\b(?:https?://|www\.)([a-z0-9.-]+)[^\s<>\"']*|\b([a-z0-9-]+\.(?:com|net|org|ly|info|biz|tk|co|io|me|tv|us))\b(?:/[^\s<>\"']*)?"
)
_MASKED = re.compile(r"\b[a-z]*[*#%]+[a-z]+[a-z*#%]*\b|\b[a-z]+[*#%]+(?=\W|$)")
_LEET = re.compile(r"(?<=[a-z])[013457@$!|]+(?=[a-z])")
_LEET_MAP = str.maketrans("013457@$!|", "oieastasii")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_LEET_HINT = re.compile(r"[013457@$!|][a-z]")
_TLD = re.compile(r"\.(?:com|net|org|ly|info|biz|tk|co|io|me|tv|us)\b")
_NON_LETTERS = re.compile(r"[^A-Za-z]+")
_UPPER = re.compile(r"[A-Z]")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_CACHE_LIMIT = 100_000  # words remembered per featuriser or model before starting afresh
_SHORTHAND = {"u": "you", "ya": "you", "ur": "your", "youre": "you're", "yur": "your", "r": "are"}


@dataclass(frozen=True)
class Featuriser:
    """What one model adds to the shared features: disguised words and hand-written cues."""

    name: str
    disguised: frozenset[str] = frozenset()
    cues: Callable[[Doc], list[str]] = lambda doc: []
    masked: tuple[str, ...] = ()  # what "f**k" hides, most likely first
    aliases: Mapping[str, str] = field(default_factory=dict)  # misspellings: "stoopid"
    _collapsed: dict[str, str] = field(init=False, repr=False, compare=False)
    _prefixes: frozenset[str] = field(init=False, repr=False, compare=False)
    _seen: dict[str, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        collapsed = {_DOUBLE.sub(r"\1", w): w for w in self.disguised if len(w) >= 4}
        words = self.disguised | self.aliases.keys()
        prefixes = frozenset(w[:k] for w in words for k in range(1, len(w)))
        object.__setattr__(self, "_collapsed", collapsed)
        object.__setattr__(self, "_prefixes", prefixes)
        object.__setattr__(self, "_seen", {})

    def reveal(self, word: str) -> str | None:
        """The disguised word `word` stands for ("fuuck" → "fuck"), or None."""
        if word in self._seen:
            return self._seen[word]
        found = self.disguised_as(word)
        if len(word) >= 4 and found is None and _DOUBLE.search(word):
            found = self._collapsed.get(_DOUBLE.sub(r"\1", word))
        if len(self._seen) > _CACHE_LIMIT:
            self._seen.clear()
        self._seen[word] = found
        return found

    def disguised_as(self, joined: str) -> str | None:
        """The word `joined` spells exactly, directly or as a known misspelling."""
        return joined if joined in self.disguised else self.aliases.get(joined)

    def may_start(self, piece: str) -> bool:
        return piece in self._prefixes


@dataclass(frozen=True)
class Doc:
    """A normalised comment: lower-cased text, its word tokens and where each one stands."""

    text: str
    tokens: list[str]
    spans: list[tuple[int, int]]
    caps: float = 0.0  # share of upper-case letters before lower-casing: shouting, spam

    def phrase(self, first: int, last: int) -> str:
        """The normalised text from token `first` to token `last`, both included."""
        return self.text[self.spans[first][0] : self.spans[last][1]]


def unescape_source(text: str) -> str:
    """Undo the escapes scraped comments carry: literal \\n, \\xa0, \\u2019, \\', HTML."""
    if "\\" in text:
        text = _SOURCE_ESCAPE.sub(_decode_escape, text)
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    text = _TAG.sub(" ", _ANCHOR.sub(r" \1 ", text))
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _DOUBLE_QUOTES.sub('"', _SINGLE_QUOTES.sub("'", text))


def _decode_escape(match: re.Match[str]) -> str:
    raw, u4, u8, simple = match.groups()
    if raw:
        data = bytes(int(h, 16) for h in raw.split("\\x")[1:])
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    if u4 or u8:
        return chr(min(int(u4 or u8, 16), 0x10FFFF))
    return {"n": " ", "r": " ", "t": " "}.get(simple, simple)


def normalise(text: str, featuriser: Featuriser) -> Doc:
    """Lower-case, unescape and de-obfuscate a comment so that disguises share features."""
    text = unescape_source(text)
    letters = len(_NON_LETTERS.sub("", text))
    caps = len(_UPPER.findall(text)) / letters if letters else 0.0
    text = text.lower()
    if "http" in text or "www." in text or _TLD.search(text):
        text = _URL.sub(_url_token, text)
    if featuriser.disguised:
        if "*" in text or "#" in text or "%" in text:
            text = _MASKED.sub(lambda m: _unmask(m.group(), featuriser), text)
        if _LEET_HINT.search(text):
            text = _LEET.sub(lambda m: m.group().translate(_LEET_MAP), text)
    text = " ".join(_REPEAT.sub(r"\1\1", text).split())
    matches = list(_TOKEN.finditer(text))
    if featuriser.disguised:
        text, matches = _reveal_words(text, matches, featuriser)
    tokens = [_SHORTHAND.get(m.group(), m.group()) for m in matches]
    if featuriser.disguised:
        _mark_negated(text, tokens, matches, featuriser)
    return Doc(text, tokens, [m.span() for m in matches], caps)


def _url_token(match: re.Match[str]) -> str:
    host = (match.group(1) or match.group(2) or "").removeprefix("www.").strip(".")
    return f" httpurl {host} "


def _unmask(word: str, featuriser: Featuriser) -> str:
    """ "f**k", "a**hole": the disguised word whose letters fit around the masking characters."""
    pattern = re.compile("^" + re.sub(r"[*#%]+", lambda m: f".{{1,{len(m.group())}}}", word) + "$")
    for candidates in (featuriser.masked, sorted(featuriser.disguised)):
        fits = [w for w in candidates if pattern.match(w)]
        if fits:
            return min(fits, key=lambda w: abs(len(w) - len(word)))
    return word


def _reveal_words(
    text: str, matches: list[re.Match[str]], featuriser: Featuriser
) -> tuple[str, list[re.Match[str]]]:
    """Write disguised words plainly: "fuuuck", "stoopid", and split ones ("f u c k", "i diot")."""
    words = [m.group() for m in matches]
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        width, found = _split_word_at(words, i, featuriser)
        if found is None:
            width, found = 1, featuriser.reveal(words[i])
        if found is not None and (width > 1 or found != words[i]):
            edits.append((matches[i].start(), matches[i + width - 1].end(), found))
        i += width
    if not edits:
        return text, matches
    for start, end, word in reversed(edits):
        text = text[:start] + word + text[end:]
    return text, list(_TOKEN.finditer(text))


def _split_word_at(words: list[str], i: int, featuriser: Featuriser) -> tuple[int, str | None]:
    """The longest run of short pieces from `i` on that spells a disguised word, if any."""
    joined, width, found = words[i], 1, None
    while featuriser.may_start(joined) and i + width < len(words):
        piece = words[i + width]
        if len(piece) > 5 or not piece.isalpha():
            break
        joined += piece
        width += 1
        word = featuriser.disguised_as(joined)
        pieces = words[i : i + width]
        if word and len(word) >= 4 and (min(map(len, pieces)) <= 2 or max(map(len, pieces)) <= 3):
            found = (width, word)
    return found or (1, None)


_NEGATORS = frozenset(["not", "never", "isn't", "aren't", "wasn't", "weren't", "ain't"])


def _mark_negated(
    text: str, tokens: list[str], matches: list[re.Match[str]], featuriser: Featuriser
) -> None:
    """ "you're not an idiot": the negated word becomes its own feature, "not-idiot"."""
    for k, token in enumerate(tokens):
        if token not in featuriser.disguised:
            continue
        for m in range(k - 1, max(-1, k - 4), -1):
            if any(c in text[matches[m].end() : matches[m + 1].start()] for c in ",.;:!?"):
                break
            if tokens[m] in _NEGATORS:
                tokens[k] = "not-" + token
                break


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
        char n-gram weight sum is remembered, and common words recur across comments."""
        words, shares, cues, (vw, vc, vq) = self._parts(doc)
        return (
            self.bias
            + vw * sum(filter(None, map(self.words.get, words)))
            + vc * sum(share[0] for share in shares.values())
            + vq * sum(filter(None, map(self.cues.get, cues)))
        )

    def _parts(
        self, doc: Doc
    ) -> tuple[set[str], dict[str, tuple[float, int]], set[str], tuple[float, float, float]]:
        words = word_grams(doc.tokens, self.settings)
        cues = set(self.featuriser.cues(doc))
        shares = {w: self._word_share.get(w) or self._share(w) for w in set(doc.text.split())}
        char_count = sum(share[1] for share in shares.values())
        return words, shares, cues, block_values(len(words), char_count, self.settings)

    def _share(self, word: str) -> tuple[float, int]:
        grams = char_grams(word, self.settings)
        share = (sum(filter(None, map(self.chars.get, grams))), len(grams))
        if len(self._word_share) > _CACHE_LIMIT:
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
            label = _TOKEN.search(word)
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
