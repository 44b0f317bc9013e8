"""Whether the name a blog gives for its author is the commenter's name: pure, no I/O.

The blog names its author in its representative h-card or its feed (`blogauthor`); the
commenter typed a name into the form. People write the same name differently, so the match
allows for case, accents and other marks ("Ramírez" ~ "Ramirez", "Müller" ~ "Mueller"),
initials ("J. Ramírez" ~ "Juli Ramirez"), word order ("Ramirez Juli"), hyphens ("Jean-Luc" ~
"Jean Luc"), extra middle or second family names ("Nguyễn Văn An" ~ "An Nguyen", "Gabriel
García Márquez" ~ "Gabriel García") and spaces in scripts written without them ("山田太郎" ~
"山田 太郎").

It does not allow for spelling variants: "Jon Smith" is not "John Smith", "Julia Ramirez" is
not "Juli Ramirez", "Mohammed" is not "Muhammad", and no transliteration is tried ("Ivan
Petrov" is not "Иван Петров"). A near miss is shown to the moderator with both names, who can
judge it; a false "verified" would mislead readers. A single word matches only a single word:
a blog that names its author "Juli" does not vouch for "Juli Ramirez".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import permutations, product

from ..model import Outcome, Review, Verdict

# Letters that do not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ß": "ss", "đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i",
     "þ": "th", "ħ": "h", "ŧ": "t"}
)  # fmt: skip
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_WORD_SPLIT = re.compile(r"[\s,;/]+")
_HYPHENS = re.compile(r"[-‐‑‒–—]+")
TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame", "rev"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})
_MAX_WORDS = 8  # longer "names" are compared word for word only, without the variants


@dataclass(frozen=True)
class Token:
    """One part of a name, folded for comparison; an initial keeps only its letter."""

    plain: str  # case, accents and marks removed
    german: str  # the same with ä ö ü written ae oe ue first
    initial: bool = False

    def same_as(self, other: Token) -> bool:
        if self.initial or other.initial:
            return self.plain[:1] == other.plain[:1]
        return self.plain == other.plain or self.german == other.german


def _fold(text: str, table: dict[int, str] | None = None) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    if table is not None:
        text = text.translate(table)
    text = text.translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _token(text: str, initial: bool = False) -> Token:
    return Token(_fold(text), _fold(text, _GERMAN), initial)


def _words(name: str) -> list[list[str]]:
    """The name's words, each as its hyphen-separated parts, titles and suffixes dropped."""
    words: list[list[str]] = []
    for word in _WORD_SPLIT.split(_APOSTROPHES.sub("", name)):
        parts = [p for p in _HYPHENS.split(word) if p.strip(".")]
        if parts:
            words.append(parts)
    kept = [w for w in words if _fold("".join(w)).strip(".") not in TITLES | SUFFIXES]
    return kept or words


def _word_tokens(parts: list[str], joined: bool) -> list[Token]:
    """A word's tokens: "J.R." is two initials, "J." one, "Jean-Luc" one word or two."""
    if len(parts) == 1:
        letters = [p for p in parts[0].split(".") if p]
        if len(letters) > 1 and all(_is_initial(p) for p in letters):
            return [_token(p, initial=True) for p in letters]
    pieces = ["".join(p.strip(".") for p in parts)] if joined else [p.strip(".") for p in parts]
    return [_token(p, initial=_is_initial(p)) for p in pieces]


def _is_initial(text: str) -> bool:
    """One letter of a script with case (a Chinese one-character name is not an initial)."""
    return len(text) == 1 and text.lower() != text.upper()


def variants(name: str) -> list[list[Token]]:
    """Every way of reading the name's tokens: each hyphenated word joined or split."""
    words = _words(name)
    hyphenated = [i for i, w in enumerate(words) if len(w) > 1]
    if len(words) > _MAX_WORDS or len(hyphenated) > 3:
        return [[t for w in words for t in _word_tokens(w, joined=True)]]
    found = []
    for choice in product((True, False), repeat=len(hyphenated)):
        joined = dict(zip(hyphenated, choice, strict=True))
        found.append([t for i, w in enumerate(words) for t in _word_tokens(w, joined.get(i, True))])
    return found


def _assign(short: list[Token], long: list[Token], used: frozenset[int] = frozenset()) -> bool:
    """Each token of `short` pairs with a different token of `long` (backtracking)."""
    if not short:
        return True
    first, rest = short[0], short[1:]
    return any(
        i not in used and first.same_as(candidate) and _assign(rest, long, used | {i})
        for i, candidate in enumerate(long)
    )


def _full_pair(one: list[Token], other: list[Token]) -> bool:
    """At least one whole word (not an initial) appears on both sides."""
    return any(a.same_as(b) for a in one if not a.initial for b in other if not b.initial)


def _compact(one: list[Token], other: list[Token]) -> bool:
    """A single word equals the other name's words run together, in any order: "山田太郎"."""
    if len(one) > 1 or len(other) > 4 or any(t.initial for t in other):
        return False
    return any("".join(t.plain for t in order) == one[0].plain for order in permutations(other))


def _tokens_match(one: list[Token], other: list[Token]) -> bool:
    short, long = sorted((one, other), key=len)
    if not short:
        return False
    if len(short) == 1:
        if len(long) == 1:
            return not short[0].initial and not long[0].initial and short[0].same_as(long[0])
        return _compact(short, long)
    return _full_pair(short, long) and _assign(short, long)


def names_match(blog_name: str, commenter_name: str) -> bool:
    """Whether the two names can be the same person's, as the module docstring defines."""
    return any(_tokens_match(a, b) for a in variants(blog_name) for b in variants(commenter_name))


def ownership_outcome(commenter: str, names: list[tuple[str, str]], me_links: int = 0) -> Outcome:
    """For the moderator only, never a hold: whether the blog names the commenter.

    :param names: `(name, where)` pairs the blog gave, best first ("h-card", "feed").
    """
    links = f"; {me_links} rel=me link{'s' if me_links != 1 else ''}" if me_links else ""
    for name, where in names:
        if names_match(name, commenter):
            return verified(name, f"{where}{links}")
    if names:
        name, where = names[0]
        detail = f"the blog names someone else: {name} ({where}{links})"
        return Outcome(Verdict.PASS, "ownership.other-name", "", detail)
    return Outcome(Verdict.PASS, "ownership.no-data", "", f"no author data{links}")


def verified(name: str, where: str) -> Outcome:
    """The outcome that marks a comment's author verified: the blog names `name` (`where`)."""
    detail = f"verified: the blog names {name} as its author ({where})"
    return Outcome(Verdict.PASS, "ownership.verified", "", detail)


def signed_in(name: str, blog: str) -> Outcome:
    """The outcome of a commenter who signed in with their blog (IndieAuth): it is theirs."""
    detail = f"verified: {name} signed in with the blog {blog} (IndieAuth)"
    return Outcome(Verdict.PASS, "ownership.indieauth", "", detail)


_VERIFIED = re.compile(r"verified: the blog names (.+) as its author \(")
_SIGNED_IN = re.compile(r"verified: (.+) signed in with the blog (\S+) \(IndieAuth\)$")


def verified_author(review: Review) -> str:
    """The name the commenter's blog gives for its author, when the review found it theirs;
    for a commenter who signed in with the blog, the name they gave."""
    for result in review.results:
        pattern = {"ownership.verified": _VERIFIED, "ownership.indieauth": _SIGNED_IN}.get(
            result.outcome.code
        )
        found = pattern.match(result.outcome.detail) if pattern else None
        if found:
            return found.group(1)
    return ""


def signed_in_blog(review: Review) -> str:
    """The blog the commenter signed in with (IndieAuth), or ""."""
    for result in review.results:
        if result.outcome.code == "ownership.indieauth":
            found = _SIGNED_IN.match(result.outcome.detail)
            if found:
                return found.group(2)
    return ""
