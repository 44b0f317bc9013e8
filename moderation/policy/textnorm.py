"""Text normalisation for the text models: make comments comparable before any feature.

`normalise` turns a comment into a `Doc`: escapes scraped comments carry are undone
(`unescape_source`), the text is lower-cased, URLs become a token, and the words people
disguise ("f**k", "id10t", "f u c k", "stoopid") are written plainly, as the model's
`Featuriser` lists them. Training and runtime both call it, so a change here changes the trained
artefacts' inputs: retrain with scripts/train_text_models.py.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
CACHE_LIMIT = 100_000  # words remembered per featuriser or model before starting afresh
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
        if len(self._seen) > CACHE_LIMIT:
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
    # What several models ask of the same comment (its word grams, its cues), worked out once.
    memo: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)

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
    matches = list(TOKEN.finditer(text))
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
    return text, list(TOKEN.finditer(text))


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
_REPORTERS = frozenset(["call", "calls", "called", "calling", "told"])


def _mark_negated(
    text: str, tokens: list[str], matches: list[re.Match[str]], featuriser: Featuriser
) -> None:
    """ "you're not an idiot": the negated word becomes its own feature, "not-idiot"; in
    "he called me a dinosaur" the reported word becomes "cited-dinosaur"."""
    for k, token in enumerate(tokens):
        if token not in featuriser.disguised:
            continue
        for m in range(k - 1, max(-1, k - 4), -1):
            if any(c in text[matches[m].end() : matches[m + 1].start()] for c in ",.;:!?"):
                break
            if tokens[m] in _NEGATORS:
                tokens[k] = "not-" + token
                break
            if tokens[m] in _REPORTERS:
                tokens[k] = "cited-" + token
                break
