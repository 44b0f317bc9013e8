"""The local spam-text model: promotion ("check out my channel", links, money) in a comment.

A `LinearTextModel` with its own artefact (models/spam.json.gz), trained by
scripts/train_text_models.py on labelled YouTube comments and, as ham, the training part of the
blog's own comments (tests/data/blog-comments). The spam check in `spam.py` uses it as one local
signal, at the threshold chosen by cross-validation unless a setting overrides it.

A commenter pointing at their own blog is what the blog's policy asks for, not promotion: a link
to the host of the submission's blog address is taken out before scoring, and "my blog" is not a
promotion cue (YouTube's "my channel" is).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .textmodel import LinearTextModel, word_set
from .textnorm import Doc, Featuriser

ARTEFACT = Path(__file__).with_name("models") / "spam.json.gz"

_MONEY = word_set(
    """money cash earn earning dollars paypal bitcoin prize win winner free gift giveaway income
    rich profit bonus cheap discount offer sale buy"""
)
_PROMOTION = re.compile(
    r"\b(?:check (?:out|it out|my|this)|my (?:channel|videos?|page|music|song)"
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

_ADDRESS = re.compile(r"(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[/?#][^\s<>\"']*)?", re.I)


def host_of(blog_url: str) -> str:
    """The host of a blog address, with or without its scheme, minus "www."."""
    url = blog_url.strip()
    if "://" not in url:
        url = f"https://{url}"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def without_own_links(text: str, blog_url: str) -> str:
    """`text` without the addresses that point at the commenter's own blog (or a page on it)."""
    own = host_of(blog_url)
    if not own or own.lower() not in text.lower():
        return text

    def keep_unless_own(match: re.Match[str]) -> str:
        host = match.group(1).lower().removeprefix("www.")
        return " " if host == own or host.endswith(f".{own}") else match.group()

    return _ADDRESS.sub(keep_unless_own, text)


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

    def score(self, text: str, blog_url: str = "") -> float:
        """The spam probability of `text`, links to the commenter's `blog_url` left out."""
        return self.model.score(without_own_links(text, blog_url))

    def is_spam(self, text: str, blog_url: str = "") -> bool:
        return self.score(text, blog_url) >= self.threshold

    def explain(self, text: str, blog_url: str = "") -> str:
        """The words or cues that weighed most towards spam, for the moderator."""
        features = self.model.top_features(without_own_links(text, blog_url), 3)
        return ", ".join(name for name, _ in features)
