"""The insult lexicon and the rule layer of the civility check: what counts as an attack.

Owns the word lists (insults, profanity, slurs), the attack patterns, the lexicon cues and
disguises the civility model is trained on (`CIVILITY`), and the high-precision rules
(`rule_hit`) that hold an insult or attack aimed at the reader whatever the model says, while
a word discussed rather than used ("the word 'idiot'") passes. Attacks that need no insult word
("you're a dinosaur", "people like you…", "go away") come from `attacks`, as a last rule and as
cues. `civility` builds its backend on these; scripts/train_text_models.py trains on `CIVILITY`
and `rule_holds`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .attacks import PERSON_NOUN_WORDS, attack_cues, attack_hit, softened
from .textmodel import word_set as _words
from .textnorm import Doc, Featuriser, normalise

SECOND_PERSON = _words("you you're yourself yourselves ya thou")
INSULT_NOUNS = _words(
    """idiot moron imbecile cretin clown loser fool dumbass jackass asshole arsehole retard
    dipshit douche douchebag scumbag scum troll bigot hypocrite coward creep dimwit halfwit
    nitwit numbskull twit jerk bitch bastard cunt prick dickhead turd fucker motherfucker
    shithead dumbfuck pussy whore slut skank wanker twat tosser dolt dunce buffoon simpleton
    ignoramus neanderthal sheeple troglodyte parasite maggot weasel crybaby nutjob nutcase
    lunatic psycho weirdo degenerate pervert lowlife putz schmuck bum hack amateur dork
    loudmouth windbag blowhard goon punk sissy wimp pig muppet knucklehead lemming dope bozo
    chump sucker doofus dingbat airhead bonehead blockhead meathead pinhead dickwad wingnut
    nutter puke vermin hoe beotch biatch thug"""
)
INSULT_ADJECTIVES = _words(
    """stupid dumb idiotic moronic ignorant pathetic worthless useless brainless clueless
    retarded disgusting incompetent dense braindead delusional deluded illiterate uneducated
    gullible spineless gutless senile pitiful ugly fat lazy vile filthy whiny petty childish
    immature arrogant smug hateful sick twisted crazy insane dishonest lying miserable
    dimwitted dopey brainwashed"""
)
PROFANITY = _words(
    """fuck fucking fucked fuckin shit shitty bullshit crap crappy ass damn dammit goddamn
    piss pissed cock dick wtf stfu"""
)
SLURS = _words("nigger faggot fag kike spic chink wetback towelhead raghead tranny gook dyke")
# Nouns that also name things or roles ("a troll post", "a hack"): the model weighs them.
_STRICT_NOUNS = INSULT_NOUNS - _words("troll hack amateur pig bum punk fool dope sucker thug")
_NEGATION = _words("not never no don't isn't aren't wasn't won't wouldn't doesn't didn't")
# Words that may stand between "you" and the insult: "you are such a stupid idiot".
_FILLERS = _words(
    """are were is a an so such too really just very total complete absolute utter little big
    the biggest greatest worst real one of those sound sounds look looks like seem seems act
    acting"""
)
_LINKS = _words("are were is sound sounds look looks seem seems act acting")
_MENTION = _words("word words term terms call calls called calling say saying said use using told")
_COMPOUND = re.compile(
    r"fuck(?:er|face|wit|stick|tard|head|wad)|(?:dumb|mother)fuck|shit(?:head|bag|stain)"
    r"|bitch|douche|idiot|tards?$|turds?$|^dumb(?!bell)"
)
_NOT_COMPOUND = _words("standard standards bastard bastards mustard custard leotard")
# Attacks on the reader that need no insult word.
_ATTACKS = re.compile(
    r"\b(?:you (?:just |really |still )?(?:don't|do not|dont|can't|cannot) (?:get it|read)"
    r"|(?:nobody|no one) (?:cares what you|asked (?:you|for your))"
    r"|who asked (?:you|for your)|only an? (?:amateur|idiot|moron|fool|child) would"
    r"|go back to (?:school|kindergarten|your cave|under your rock)"
    r"|learn (?:how )?to read|crawl back under|waste of (?:space|oxygen|skin)|get a life"
    r"|(?:go )?kill yourself|drop dead)\b"
)
_PROFANE_ATTACKS = re.compile(
    r"\b(?:(?:fuck|screw) you(?=$|[^\w ]| (?:all|both|too|guys|people|and|you|very))"
    r"|(?:fuck|screw) off|go (?:fuck|screw) yourself|stfu|shut the fuck up|eat shit|go to hell)\b"
)
# Weaker signs, left for the model to weigh: often meant, sometimes friendly.
_JABS = re.compile(
    r"\b(?:shut up|grow up|get a (?:clue|brain)|you people|your (?:mom|mother|mama)"
    r"|(?:nobody|no one) (?:cares|asked)|like you\b|your kind)"
)


def _kinds() -> dict[str, str]:
    kinds = dict.fromkeys(PROFANITY, "profanity")
    kinds.update(dict.fromkeys(INSULT_ADJECTIVES, "adjective"))
    kinds.update(dict.fromkeys(INSULT_NOUNS, "noun"))
    kinds.update(dict.fromkeys(SLURS, "slur"))
    return kinds


_KIND = _kinds()


@lru_cache(maxsize=1 << 16)
def word_kind(token: str) -> str | None:
    """The lexicon class of a token: plurals ("idiots") and compounds ("libtard") included."""
    kind = _KIND.get(token)
    if kind is None and token.endswith("s") and len(token) > 3:
        kind = _KIND.get(token[:-1])
    if kind is None and len(token) > 5 and token not in _NOT_COMPOUND and _COMPOUND.search(token):
        kind = "noun"
    return kind


def _lemma(token: str) -> str:
    return token[:-1] if token.endswith("s") and token[:-1] in _KIND else token


def civility_cues(doc: Doc) -> list[str]:
    """Lexicon features for the model: which insult words occur, and aimed at whom."""
    tokens = doc.tokens
    cues = []
    for i, token in enumerate(tokens):
        kind = word_kind(token)
        if kind is None:
            continue
        cues.append(f"has-{kind}")
        before = tokens[max(0, i - 3) : i]
        if any(t in SECOND_PERSON or t == "your" for t in before):
            negated = any(t in _NEGATION for t in before)
            cues.append(f"you-{kind}" + ("-negated" if negated else ""))
        if any(t in SECOND_PERSON for t in tokens[i + 1 : i + 3]):
            cues.append(f"{kind}-you")
        if i in (0, len(tokens) - 1):
            cues.append(f"edge-{kind}")
    if _ATTACKS.search(doc.text) or _PROFANE_ATTACKS.search(doc.text):
        cues.append("attack-phrase")
    if _JABS.search(doc.text):
        cues.append("jab")
    cues.extend(attack_cues(doc.text))
    seconds = sum(t in SECOND_PERSON or t == "your" for t in tokens)
    cues.append("you-none" if not seconds else "you-many" if seconds > 2 else "you-some")
    return cues


def _in_order(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CIVILITY = Featuriser(
    "civility",
    disguised=INSULT_NOUNS | INSULT_ADJECTIVES | PROFANITY | SLURS | PERSON_NOUN_WORDS,
    cues=civility_cues,
    masked=_in_order(
        """fuck fucking fucked fucker shit shitty bitch asshole ass damn crap cunt dick piss
        bastard whore slut idiot stupid moron retard nigger faggot"""
    ),
    aliases=dict(
        pair.split(":")
        for pair in _in_order(
            """stoopid:stupid stupud:stupid idoit:idiot retared:retarded azz:ass fuk:fuck
            fck:fuck phuck:fuck fuking:fucking fukin:fuckin sht:shit biatch:bitch beotch:bitch"""
        )
    ),
)


@dataclass(frozen=True)
class RuleHit:
    """Which rule held a comment and the phrase it matched."""

    kind: str
    phrase: str


def rule_hit(doc: Doc) -> RuleHit | None:
    """High-precision rules: a slur in use, or an insult or attack aimed at the reader."""
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        kind = word_kind(token)
        if kind is None or _mentioned(doc, i):
            continue
        if kind == "slur":
            return RuleHit("slur", doc.phrase(max(0, i - 2), min(len(tokens) - 1, i + 2)))
        span = _insult_to_reader(doc, i, kind) if kind in {"noun", "adjective"} else None
        if span is not None:
            return RuleHit("insult", doc.phrase(*span))
        if _lemma(token) in _STRICT_NOUNS and (_vocative(doc, i) or _points_at_reader(tokens, i)):
            return RuleHit("insult", _sentence_around(doc.text, *doc.spans[i]))
    for pattern, kind in ((_PROFANE_ATTACKS, "profanity-at-person"), (_ATTACKS, "personal-attack")):
        for match in pattern.finditer(doc.text):
            if not softened(doc.text, match.start(), match.end()):
                return RuleHit(kind, _sentence_around(doc.text, match.start(), match.end()))
    attack = attack_hit(doc.text)
    if attack is not None:
        return RuleHit(attack[0], _sentence_around(doc.text, attack[1], attack[2]))
    return None


def rule_holds(text: str) -> bool:
    return rule_hit(normalise(text, CIVILITY)) is not None


def _insult_to_reader(doc: Doc, i: int, kind: str) -> tuple[int, int] | None:
    """The span of "you … insult" when the word at `i` names the reader: "you are such an
    idiot", "you're too stupid", "you dumb fuck", "your stupid ass" (not "your stupid idea")."""
    tokens = doc.tokens
    j = i - 1
    while j >= max(0, i - 5) and (tokens[j] in _FILLERS or word_kind(tokens[j]) is not None):
        j -= 1
    if j < 0 or any(t in _NEGATION for t in tokens[max(0, j - 3) : i]):
        return None
    you = tokens[j]
    if kind == "noun":
        strict = _lemma(tokens[i]) in _STRICT_NOUNS or _lemma(tokens[i]) not in INSULT_NOUNS
        return (j, i) if you in SECOND_PERSON and strict else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if word_kind(nxt) in {"noun", "profanity"} and (you in SECOND_PERSON or you == "your"):
        return j, i + 1
    if you not in SECOND_PERSON:
        return None
    linked = you == "you're" or any(t in _LINKS for t in tokens[j + 1 : i])
    after = doc.text[doc.spans[i][1] :].lstrip()
    return (j, i) if linked or after[:1] in {"", ".", "!", "?", ","} else None


def _points_at_reader(tokens: list[str], i: int) -> bool:
    """ "what a loser you are", "idiots like you": the insult first, then the reader."""
    after = tokens[i + 1 : i + 3]
    return after[:1] in (["you"], ["you're"]) or after in (["like", "you"], ["like", "yourself"])


def _mentioned(doc: Doc, i: int) -> bool:
    """A word discussed rather than used: "the word 'idiot'", "he called me a clown"."""
    start, end = doc.spans[i]
    quoted = start > 0 and doc.text[start - 1] in "\"'" and doc.text[end : end + 1] in "\"'"
    return quoted or any(t in _MENTION for t in doc.tokens[max(0, i - 3) : i])


def _vocative(doc: Doc, i: int) -> bool:
    """An insult said to the reader: "you don't get it, clown." or "Idiot, read it again." """
    start, end = doc.spans[i]
    before, after = doc.text[:start].rstrip(), doc.text[end:].lstrip()
    if before in {"", "hey", "listen"} or before.endswith((" hey", " listen", ".", "!", "?")):
        return after[:1] in {",", "!", ".", ""}
    return before[-1:] in {",", ";", "-", ":"} and after[:1] in {"", ".", "!", "?", ","}


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [p for p in (text.find(c, end) for c in ".!?\n") if p != -1]
    return text[left : min(rights, default=len(text))].strip()[:160]
