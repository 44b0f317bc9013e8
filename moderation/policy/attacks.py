"""Attacks on a person that use no swear word: "you're a fraud", "people like you", "go away".

The insult lexicon of `insults` catches name-calling with insult words; blog commenters attack
with ordinary words aimed at a person instead: an evaluation of the reader ("you're a dinosaur",
"what a snob you are"), of the author ("whoever wrote this is a fraud"), of a group the reader
belongs to ("you people", "people like you are the reason…"), a dismissal ("go away", "delete
your account"), mockery of age ("ok boomer") or condescension ("bless your heart", "half a
brain"). The same words aimed at an idea pass: "this advice is a joke", "a dinosaur of a habit".
A phrase that is negated ("you're not a fraud") or reported ("he called me a dinosaur",
"'you people'") is not an attack.

Frames that need no judging word (sarcasm, talking down, dismissal, paralipsis, the author or
a named commenter judged) live in `sarcasm` and run here as rules beside these.

`attack_hit` is the high-precision rule; `attack_cues` gives the civility model softer signals
(a group addressed, the author judged) to weigh with the words around them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .sarcasm import ADDRESSED, CONDESCENSION, DISMISSAL, PARALIPSIS, SARCASM

# Nouns that judge a person; the insult nouns of `insults` are added by `insults.rule_hit`.
_PERSON_NOUNS = (
    r"fraud|fraudster|dinosaur|joke|charlatan|poser|poseur|wannabe|know-it-all|know it all"
    r"|windbag|gasbag|sycophant|con (?:artist|man)|bully|has-been|has been|relic|fossil|phony"
    r"|phoney|fake|leech|snob|prig|nobody|spammer|busybody|liar|failure|embarrassment|disgrace"
    r"|narcissist|egomaniac|bore|gatekeeper|vulture|shill|grifter|quack|crook|snake|sellout"
    r"|suck-up|brown-noser|toady|lackey|stooge|crank|laughingstock|snake-oil salesman"
    r"|blowhard|coward|hypocrite|parasite|clown|hack|amateur|muppet|creep|bigmouth|loser"
)
# The one-word nouns above, for the model's negation and quotation marks ("not-fraud").
PERSON_NOUN_WORDS = frozenset(
    w for w in _PERSON_NOUNS.split("|") if w.isalpha() and w not in {"nobody", "bore", "snake"}
)
# Adjectives that judge a person when said of one ("you're insufferable", not "a smug post").
_PERSON_ADJECTIVES = (
    r"insufferable|clueless|pompous|smug|arrogant|pathetic|irrelevant|unemployable|shallow"
    r"|condescending|sanctimonious|self-important|washed[- ]up|out of touch|full of yourself"
    r"|bitter|entitled|thick|dense|tiresome|unbearable|obnoxious|hopeless|spineless|delusional"
    r"|heartless|sleazy|slimy|two-faced|ridiculous|ignorant|incompetent|useless|worthless"
    r"|stupid|dumb|lazy|petty|childish|immature|vile|disgusting"
)
# Words that may stand between the target and the judgement: "you're just a sad little fraud".
_FILLER = (
    r"(?:(?:such|so|a|an|the|just|nothing but|really|truly|clearly|obviously|basically|total"
    r"|either|exactly|the kind of|kind of|as|here|now|officially|always|still"
    r"|complete|absolute|utter|little|big|sad|old|bitter|real|textbook|glorified|pompous|smug"
    r"|arrogant|self-important|sanctimonious|sleazy|pathetic|arrogant|walking|living|typical"
    r"|professional|failed|washed-up|wannabe|know-it-all|joke of a|bit of a|kind of a|sort of a"
    r"|nothing more than|no better than|the biggest|the worst|one of the|an absolute|quite)\s+)*"
)
_JUDGED = rf"(?:{_PERSON_NOUNS})s?\b(?! of)|(?:{_PERSON_ADJECTIVES})\b(?! to)"
# The reader (or the author) being judged: "you're", "you sound like", "the author is".
_YOU_ARE = (
    r"(?:you(?:'re| are| were|'ve been| have been| sound(?: like)?| seem(?: like)?| look like"
    r"| act like| must be| remain| really are| truly are)"
    r"|(?:whoever|the (?:person|guy|man|woman|one)(?: who)?) (?:wrote|writes|runs|approved|is"
    r" behind) (?:this|the)(?: \w+)?,? (?:is|was|sounds like|seems like|must be)"
    r"|the (?:author|writer|blogger|poster)(?: of this \w+| here)?,? (?:is|sounds like|seems like"
    r"|seems|must be))"
)
_JUDGEMENT = re.compile(rf"\b{_YOU_ARE},? {_FILLER}(?:{_JUDGED})")
# A career as an epithet at the start of a sentence ("Failed recruiter turned blogger."), not
# "as a failed recruiter myself".
_EPITHET = (
    r"|(?:^|[.!?] )(?:of course |another |typical |just |what an? |such an? )?(?:an? )?"
    r"(?:washed[- ]up|failed|unemployed|out-of-work|wannabe|self-appointed|self-proclaimed"
    r"|so-called) (?:life |career )?(?:recruiter|blogger|coach|guru|expert|writer|manager"
    r"|consultant|influencer)s?\b"
)
_WHAT_A = re.compile(
    rf"(?:^|[.!?] )(?:what|such) an? {_FILLER}(?:{_PERSON_NOUNS})\b(?= you(?:'re| are)\b|[.!?]|$)"
    rf"|\bwhat an? (?:[\w-]+ )?(?:{_PERSON_ADJECTIVES}) (?:[\w-]+ )?\w+ you(?:'re| are)\b"
    rf"|(?:^|[.!?] )(?:another|total|complete|absolute|utter|sad|pathetic) {_FILLER}"
    rf"(?:{_PERSON_NOUNS})\b(?! of)" + _EPITHET
)
_APPOSITION = re.compile(rf"\byou,? {_FILLER}(?:{_PERSON_NOUNS})(?=[.!?,]|$)")
# Forms of address that talk down: "Bless your heart", "Sweetie,", "…, grandpa."
_VOCATIVE = (
    r"sweetie|sweetheart|honey|kid|junior|grandpa|gramps|old-timer|old timer|boomer|einstein"
    r"|genius|captain obvious|mr\.? expert|your majesty|hotshot|smart guy|poser|fossil|dinosaur"
)
_TALKS_DOWN = re.compile(
    rf"\b(?:{_VOCATIVE})(?=[,.!?]|$)"
    r"|\b(?:ok|okay) boomer\b|\bbless your heart\b|\bhalf a brain\b|\bout of your depth\b"
    r"|\bno idea what you're talking about\b|\byou couldn't \w+ your way out of\b"
    r"|\b(?:emotional intelligence|self-awareness|personality|brains?|iq) of an? \w+"
    r"|\bdo you want a (?:medal|cookie|trophy)\b|\bwho (?:the hell )?made you (?:the|an?)\b"
    r"|\bthe (?:adults|grown-ups) are talking\b|\b(?:so )?even you can\b|\buse small words\b"
    r"|\bexplain (?:this|it) slowly\b|\breading comprehension (?:clearly )?(?:isn't|is not)\b"
    r"|\bthinking (?:was|is) never your\b|\bi know your type\b|\bat your age\b"
    r"|\bwho (?:do|does) (?:you|he|she) think (?:you|he|she) (?:are|is)\b"
    r"|\bdo you even (?:read|know|understand|listen|think|work)\b"
    r"|\btry (?:thinking|reading|using your (?:brain|head))\b"
    r"|\bhow little you (?:understand|know)\b"
    r"|\byour (?:mom|mother|mum|mommy) (?:thinks|says|must)\b"
    r"|\byou(?:r career)? (?:obviously |clearly )?peaked\b"
    r"|\b(?:acting|behaving|writing|talking|write|act|talk) (?:exactly |just )?like one\b"
    r"|\byou(?:'re| are) the (?:least|most) (?!helpful|useful|generous|thoughtful|patient)\w+"
    r" (?:person|commenter|recruiter|writer|blogger|man|woman|guy)\b"
)
_VOCATIVE_WORD = re.compile(_VOCATIVE)
_ADDRESS = ("", "hey", "oh", "ok", "okay")


def _talks_down(text: str, start: int, end: int) -> bool:
    """A phrase, or a form of address said to the reader: "Sweetie, …", "…, grandpa." """
    if not _VOCATIVE_WORD.fullmatch(text, start, end):
        return True
    before = text[:start].rstrip()
    after = text[end : end + 1]
    if before[-1:] in {"", ".", "!", "?"} or before.rsplit(" ", 1)[-1] in _ADDRESS[1:]:
        return after in {",", ".", "!", "?", ""}
    return before.endswith(",") and after in {",", ".", "!", "?", ""}


# Telling someone to leave: at the start of a sentence, so "the doubt will go away" passes.
_GO_AWAY = re.compile(
    r"(?:^|[.!?,;] |\b(?:please|just|now|so|and) )(?:go away|get lost|take a hike|beat it"
    r"|buzz off|get off (?:this|my|the) (?:blog|site|page)|log off|crawl back|run along|scram"
    r"|shove off|bugger off|piss off|get bent|sod off|clear off|leave[.!]"
    r"|go (?:bother|cry|whine|complain) (?:to |about |somewhere|someone)"
    r"|quit (?:commenting|posting|writing)|stop (?:commenting|posting|writing)\b(?! about)"
    r"|do (?:us|the world|everyone)(?: all)? a favou?r|(?:please )?retire already)"
    r"|\bdelete your (?:account|blog)\b|\b(?:nobody|no one) (?:here )?(?:wants|likes|invited|needs)"
    r" (?:to [a-z]+ )?you\b"
    r"|\b(?:take|pack up) your .{1,40}(?:somewhere else|elsewhere|and (?:go|leave|disappear))"
)
# The reader's group: "you people", "people like you", "you recruiters are…"
_GROUP = re.compile(
    r"\byou people\b|\b(?:people|guys|folks|men|women|managers|recruiters|types|someone"
    r"|anyone|those) like you(?:rself)?\b|\byour (?:kind|type)\b"
    r"|\ball of you [\w-]+s\b|\byou (?:[\w-]+ ){0,2}(?:recruiters|boomers|millennials|coaches|gurus"
    r"|influencers|managers|gatekeepers|leaders|types|bloggers|experts|hr people)\b"
)
_GROUP_BLAME = re.compile(
    r"reason|problem|ruin|broken|bad name|miserable|sick|never|shouldn't|should not|no business"
    r"|fewer|sorry for|ashamed|all the same|vultures|parasites|leeches|cowards|frauds|plague"
    r"|deserve|wouldn't recognise|wouldn't recognize|whine|nobody wants|why (?:i|we|good)"
    r"|arrogance|boring|same|only care|done with|never learn|insist"
)
_WHOEVER = re.compile(
    r"\b(?:whoever (?:wrote|writes|runs|approved|is behind|thought)|the (?:person|guy|man|woman)"
    r" who wrote|the (?:author|writer|blogger) (?:of this|here|is|seems|sounds))\b"
)
_SOFT_CUES = (
    (
        "age-mocked",
        re.compile(
            r"\b(?:at your age|your age|this old|boomers?|grandpa|gramps|old[- ]timer|old man"
            r"|retire\w*|your generation|since before|in the (?:eighties|nineties)|grey|gray)\b"
        ),
    ),
    (
        "career-mocked",
        re.compile(
            r"\b(?:washed[- ]up|failed|unemployed|unemployable|laid off|got fired|fired twice"
            r"|between jobs|no real job|peaked|part-time blogger|wannabe|career arc)\b"
        ),
    ),
    (
        "sarcasm",
        re.compile(
            r"\b(?:your (?:wisdom|majesty|highness)|world's (?:leading|greatest|best)"
            r"|self-appointed"
            r"|ivory tower|such (?:deep|profound) (?:insight|wisdom)|must be (?:exhausting|nice)"
            r"|congratulations on|masterpiece|impressive|adorable|cute|genius|brilliant|bravo"
            r"|oh (?:great|look|please)|what would we do without|captain obvious|a medal)\b"
        ),
    ),
    (
        "reported-judgement",
        re.compile(
            r"\b(?:call(?:s|ed|ing)?|told) (?:you|me|him|her|them|us|anyone|people)"
            r"|\b(?:not|never|nobody|no one|isn't|don't|wouldn't)\b[^.!?;,]{0,25}"
            r"\b(?:call\w*|say\w*"
            r"|think)\b"
        ),
    ),
)
# A judgement reported or denied rather than made.
_NEGATED = re.compile(
    r"(?:\bnot\b|n't\b|\bnever\b|\bno one\b|\bnobody(?:'s| is)\b|\bwouldn't call\b)[^.!?;,]{0,40}$"
)
_REPORTED = re.compile(
    r"(?:\b(?:call|calls|called|calling|said|wrote|told (?:me|us|him|her|them)|used to say"
    r"|phrase|word|term)\b|(?:^|\s)[\"'])[^.!?;\"]{0,40}$"
)


def attack_hit(text: str) -> tuple[str, int, int] | None:
    """The first attack on a person in normalised `text`: (kind, start, end), or None."""
    span = _scan(text)[0]
    return None if span is None else ("personal-attack", *span)


def attack_cues(text: str) -> list[str]:
    """Softer signs for the model: a group addressed, the author judged, a dismissal, age or
    career mocked, sarcasm, a judgement reported or denied ("not calling you a fraud")."""
    return list(_scan(text)[1])


_RULES = (
    ("person-judged", (_JUDGEMENT, _WHAT_A, _APPOSITION, ADDRESSED, PARALIPSIS)),
    ("talks-down", (_TALKS_DOWN, CONDESCENSION)),
    ("sarcasm", (SARCASM,)),
    ("dismissal", (_GO_AWAY, DISMISSAL)),
)


@lru_cache(maxsize=256)
def _scan(text: str) -> tuple[tuple[int, int] | None, tuple[str, ...]]:
    """The first attack not softened, and the cues; the rule and the model both ask, so once."""
    hit: tuple[int, int] | None = None
    cues = [name for name, pattern in _SOFT_CUES if pattern.search(text)]
    for name, patterns in _RULES:
        for pattern in patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if pattern is _TALKS_DOWN and not _talks_down(text, start, end):
                    continue
                if name not in cues:
                    cues.append(name)
                if hit is None and (pattern is PARALIPSIS or not softened(text, start, end)):
                    hit = start, end
                if hit is not None:
                    break
    for match in _GROUP.finditer(text):
        # A group named in a report, a quotation or a denial ("he wrote 'you people' in his
        # email"), blamed ("you people never learn"), or only addressed: three signs.
        sentence = _sentence(text, *match.span())
        if softened(text, *match.span()):
            cue = "group-reported"
        elif match.group() == "you people" or _GROUP_BLAME.search(sentence):
            cue = "group-blamed"
        else:
            cue = "group-addressed"
        if cue not in cues:
            cues.append(cue)
        if hit is None and cue == "group-blamed":
            hit = match.span()
    if _WHOEVER.search(text):
        cues.append("author-judged")
    return hit, tuple(cues)


def softened(text: str, start: int, end: int) -> bool:
    """Is text[start:end] denied, reported or quoted: "you're not a fraud", "he called me a
    dinosaur", "she said 'go back to school'"?"""
    before = text[max(0, start - 60) : start]
    before = before[before.rfind(" but ") + 1 :]  # "not calling you X, but you're acting like one"
    quoted = text[start - 1 : start] in {'"', "'"} or text[end : end + 1] in {'"', "'"}
    return quoted or bool(_NEGATED.search(before) or _REPORTED.search(before))


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?") + 1
    rights = [p for p in (text.find(c, end) for c in ".!?") if p != -1]
    return text[left : min(rights, default=len(text))]
