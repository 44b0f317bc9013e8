"""The real-name check: the comment policy publishes comments signed with the commenter's name.

It holds what is clearly not a person's name (empty, a placeholder such as "Anonymous", a
username, a web or e-mail address, business keywords, shouting, symbols) and accepts names
from every script and naming custom: apostrophes, hyphens, particles, initials, one-word names,
names written without spaces (李小龙) and Mc/De/La capitals. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import PASSED, Outcome, Submission, Verdict
from .namewords import (
    COMPOUND_NAME_ENDS,
    FILLERS,
    GENERIC_NAMES,
    GENERIC_WORDS,
    INNER_CAPITAL_PREFIXES,
    KEYBOARD_ROWS,
    PARTICLES,
    STRONG_COMMERCIAL,
    TITLES,
    TLDS,
    TRADE_WORDS,
    WEAK_COMMERCIAL,
)

_APOSTROPHES = "'’‘ʼ´`"
_HYPHENS = "-‐‑־"  # with the Hebrew maqaf
# Punctuation real names use: apostrophes, hyphens, initials, "Jr.", commas, quoted or
# bracketed nicknames, the middle dots of Catalan and of transcribed names, Hebrew geresh.
_NAME_PUNCTUATION = frozenset(_APOSTROPHES + _HYPHENS + '.,()"“”«»·・׳״')
_APOSTROPHE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_PART_BREAKS = re.compile(r"[\s" + re.escape("".join(sorted(_NAME_PUNCTUATION))) + "]+")
_JOINERS = frozenset({"\u200c", "\u200d"})  # Persian and Indic spellings need them
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")
_URL_START = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)")
_DOMAIN = re.compile(r"(?i)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,24})")
_MAX_MARKS = 4  # combining marks on one letter; more is "Zalgo" text

REASONS = {
    "name.missing": "Please add your name: the comment policy publishes only comments signed"
    " with the commenter's real name.",
    "name.generic": "Please sign with your real name rather than a placeholder such as"
    " \u201cAnonymous\u201d or \u201cGuest\u201d: the comment policy asks commenters to stand"
    " behind their words.",
    "name.handle": "Please use your real name, not a username or handle: the comment policy asks"
    " commenters to stand behind their words.",
    "name.url": "Please write your name in the name field, not a web address; your blog's address"
    " goes in the blog field.",
    "name.email": "Please write your name, not an e-mail address; the e-mail field is the place"
    " for that, and it is never shown.",
    "name.commercial": "Please sign with your own name, not a business name or keywords: the"
    " comment policy publishes comments from people, not adverts.",
    "name.shouting": "Please write your name in normal capitals (for example \u201cJane"
    " Smith\u201d rather than \u201cJANE SMITH\u201d).",
    "name.too-long": "Please shorten your name to the name you go by: at most {max_length}"
    " characters and {max_words} words.",
    "name.single-word": "Please give your full name, with your given name and family name: this"
    " blog asks for both.",
    "name.invalid-characters": "Please write your name in letters only: remove symbols, emoji and"
    " special characters.",
    "name.initial": "Please write your name, not only an initial: for example \u201cJ. Smith\u201d"
    " or \u201cJane Smith\u201d.",
    "name.mixed-scripts": "Please type your name again in one alphabet: some of its letters come"
    " from another alphabet and only look alike (for example a Cyrillic \u201c\u0430\u201d in"
    " a Latin name).",
}
# Scripts whose letters imitate each other; mixing them inside one word disguises a name.
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


@dataclass(frozen=True)
class NameRules:
    """How strict the name check is; `extra_generic` and `commercial_words` are site additions.

    A single word is a real name for many people (Teller, Cher, Björk), so one-word names are
    held only when `require_full_name` is set.
    """

    require_full_name: bool = False
    max_length: int = 60
    max_words: int = 6
    extra_generic: frozenset[str] = frozenset()
    commercial_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for field in ("extra_generic", "commercial_words"):
            values = frozenset(_key(normalise_name(v)) for v in getattr(self, field))
            object.__setattr__(self, field, values - {""})


def normalise_name(name: str) -> str:
    """The name as it will be stored and shown: NFC, trimmed, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def check_real_name(submission: Submission, rules: NameRules) -> Outcome:
    """Hold names that are clearly not a person's: the policy asks for the commenter's name."""
    name = normalise_name(submission.name)
    code = _problem(name, rules)
    if code is None:
        return PASSED
    reason = REASONS[code].format(max_length=rules.max_length, max_words=rules.max_words)
    return Outcome(Verdict.HOLD, code, reason, f"name {name[:120]!r}")


class NameCheck:
    """The policy's real-name check."""

    name = "name"

    def __init__(self, rules: NameRules) -> None:
        self.rules = rules

    def __call__(self, submission: Submission) -> Outcome:
        return check_real_name(submission, self.rules)


def _problem(name: str, rules: NameRules) -> str | None:
    """The first problem found, most specific first, or None for a plausible name."""
    if not any(c.isalnum() for c in name):
        return "name.invalid-characters" if _has_symbols(name) else "name.missing"
    if _has_hidden_characters(name):
        return "name.invalid-characters"
    if _mixes_lookalike_scripts(name):
        return "name.mixed-scripts"
    if _EMAIL.search(name):
        return "name.email"
    if _looks_like_url(name):
        return "name.url"
    words = re.findall(r"\w+", _key(name))
    if _is_commercial(words, rules):
        return "name.commercial"
    if _is_generic(name, words, rules) or _is_keyboard_mash(words):
        return "name.generic"
    if _is_trade_words(words):
        return "name.commercial"
    if len([c for c in name if c.isalpha()]) == 1:
        return "name.initial"
    if len(name) > rules.max_length or _word_count(name) > rules.max_words:
        return "name.too-long"
    if _has_symbols(name):
        return "name.invalid-characters"
    if _looks_like_handle(name):
        return "name.handle"
    if _is_shouting(name):
        return "name.shouting"
    if rules.require_full_name and _is_single_word(name):
        return "name.single-word"
    return None


def _key(name: str) -> str:
    """Case-folded with one kind of apostrophe, for comparing against word lists."""
    return _APOSTROPHE.sub("'", name.casefold())


def _has_hidden_characters(name: str) -> bool:
    """Controls, invisible formatting, private-use or unassigned code points, Zalgo stacks."""
    marks = 0
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _JOINERS):
            return True
        marks = marks + 1 if category in ("Mn", "Mc") else 0
        if marks > _MAX_MARKS:
            return True
    return False


def _has_symbols(name: str) -> bool:
    """Emoji, currency and maths signs, enclosing marks, non-digit numerals, odd punctuation."""
    for char in name:
        if char in _NAME_PUNCTUATION or char in "_@":  # "_@" make a handle, not a symbol
            continue
        category = unicodedata.category(char)
        if category[0] in "SP" or category in ("Me", "No", "Nl"):
            return True
    return False


def _looks_like_url(name: str) -> bool:
    if _URL_START.search(name):
        return True
    for token in name.split():
        match = _DOMAIN.fullmatch(token.strip(".,()\"'"))
        if match and match.group(1).lower() in TLDS:
            return True
    return False


def _is_commercial(words: list[str], rules: NameRules) -> bool:
    strong = STRONG_COMMERCIAL | rules.commercial_words
    return any(w in strong for w in words) or sum(w in WEAK_COMMERCIAL for w in words) >= 2


def _is_generic(name: str, words: list[str], rules: NameRules) -> bool:
    """A placeholder, or nothing but placeholder words ("Guest User", "user123", "A Reader")."""
    whole = _key(name).strip(".,'\"()")
    if whole in GENERIC_NAMES or whole in rules.extra_generic:
        return True
    stems = [w.rstrip("0123456789_").lstrip("_") for w in words]
    generic = GENERIC_WORDS | rules.extra_generic
    return any(s in generic for s in stems) and all(s in generic or s in FILLERS for s in stems)


def _is_keyboard_mash(words: list[str]) -> bool:
    """Keys pressed in a row ("qwerty", "asdf") or one letter held down ("zzz zzz")."""
    if not words:
        return False
    letters = "".join(words)
    held_down = all(len(w) >= 2 and len(set(w)) == 1 for w in words)
    in_a_row = len(letters) >= 4 and any(letters in row for row in KEYBOARD_ROWS)
    return held_down or in_a_row


def _is_trade_words(words: list[str]) -> bool:
    """Only job-search and marketing words ("Career Coach", "Interview Tips", "Hiring Pro")."""
    if not any(w in TRADE_WORDS for w in words):
        return False
    return all(w in TRADE_WORDS or w in FILLERS or w in GENERIC_WORDS for w in words)


def _mixes_lookalike_scripts(name: str) -> bool:
    """A word spelled with letters of two look-alike scripts: "Jаne" with a Cyrillic "а"."""
    for word in name.split():
        scripts = {
            script
            for char in word
            if char.isalpha()
            for script in _LOOKALIKE_SCRIPTS
            if unicodedata.name(char, "").startswith(script)
        }
        if len(scripts) > 1:
            return True
    return False


def _word_count(name: str) -> int:
    """Words that make a name long; particles (de, van, bin) and titles do not count."""
    return sum(1 for w in _key(name).split() if w not in PARTICLES and w.strip(".") not in TITLES)


def _looks_like_handle(name: str) -> bool:
    """Digits, underscores, @, or capitals in places names do not put them (xXgamerXx)."""
    if any(c.isdigit() or c in "_@" for c in name):
        return True
    return any(_odd_capitals(part) for part in _PART_BREAKS.split(name) if part)


def _odd_capitals(part: str) -> bool:
    """True for johnSmith, xXgamerXx, DarkLord or JohnSmith; False for McDonald, DeShawn,
    DeLaCruz, deVries, JoAnne, AnnaSophia or RuPaul."""
    if not (any(c.isupper() for c in part) and any(c.islower() for c in part)):
        return False
    humps = [i for i in range(1, len(part)) if part[i].isupper() and part[i - 1].islower()]
    starts = [0, *humps]
    pieces = [part[a:b] for a, b in zip(starts, [*humps, len(part)], strict=True)]
    first, rest = pieces[0].casefold(), pieces[1:]
    if part[0].islower() and not (rest and first in INNER_CAPITAL_PREFIXES | PARTICLES):
        return True  # a lower-case start is a particle (deVries, vanDyke) or a handle
    # Before the last piece: prefixes (Mc, De, La); the last piece may also end a compound
    # given name (Jo|Anne, Anna|Sophia, Ru|Paul).
    if all(p.casefold() in INNER_CAPITAL_PREFIXES for p in pieces[:-1]):
        return False
    return not (len(pieces) == 2 and pieces[1].casefold() in COMPOUND_NAME_ENDS)


def _is_shouting(name: str) -> bool:
    """All capitals, beyond initials and short forms such as "JJ" or "JRR"."""
    cased = [c for c in name if c.isupper() or c.islower()]
    return len(cased) > 3 and all(c.isupper() for c in cased)


def _is_single_word(name: str) -> bool:
    """One word besides titles and particles; a CJK or Hangul name needs no space to be full."""
    words = [
        w for w in name.split() if _key(w) not in PARTICLES and _key(w).strip(".") not in TITLES
    ]
    if len(words) != 1:
        return len(words) == 0
    letters = [c for c in words[0] if c.isalpha()]
    return not (len(letters) >= 2 and all(_is_cjk(c) for c in letters))


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA"))
