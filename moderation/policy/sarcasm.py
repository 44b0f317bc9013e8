"""Attack frames that judge a person without a judging word: sarcasm, condescension, dismissal.

Writers who never saw `attacks`' lists attack with frames, not nouns: praise that means the
opposite and is aimed at someone ("Gold star, buddy", "Stop the presses", "Says the guy who…",
"Must be exhausting being you"), talking down ("Come back when you've actually hired someone",
"Let the grown-ups talk", "I'll type this slowly", "you write well for someone who…"), feigned
concern ("Is everything okay at home?"), mocking a readership ("your blog has nine readers"),
telling someone to leave or that their career is over ("Time to hang up the blog", "Stay in
your lane"), and paralipsis, an attack made by saying it will not be made ("I won't bring up
the fact that you…", "you make it hard not to"). Each frame needs a person as its target, so
"this advice is cute but wrong" or "leave the paperwork to your agent" pass.

`attacks` runs these as rules beside its own; only `PARALIPSIS` ignores a negation before it,
since a paralipsis is negated by design.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SPECIAL = set("\\()[]|?*+{}^$.")


class Gated:
    """A pattern whose top-level alternatives each run only when their longest plain-text run
    occurs in the text: a substring test costs far less than a regex scan of every position,
    and most comments contain none of the frames' anchor words."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.alternatives = tuple(
            (_anchors(branch), re.compile(branch)) for branch in _top_level(pattern)
        )

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        contains = text.__contains__
        for anchors, regex in self.alternatives:
            if any(map(contains, anchors)):
                yield from regex.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def _top_level(pattern: str) -> list[str]:
    """The pattern split at its top-level "|"."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = pattern.index("]", i + 2)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*branches, pattern[start:]]


def _anchors(branch: str) -> tuple[str, ...]:
    """Texts one of which every match of `branch` contains: its longest plain run, or a
    required group of plain words ("(?:type|explain)"), whichever has the longer shortest
    member; ("",) when there is none, so the branch always runs."""
    choices: list[tuple[str, ...]] = [("",)]
    run, depth, group_start, i = "", 0, 0, 0
    while i < len(branch):
        char = branch[i]
        if depth == 0 and char not in _SPECIAL:
            run += char
        else:
            if char in "?*{" and run:
                run = run[:-1]  # the character before a quantifier is optional
            choices.append((run,))
            run = ""
            if char == "\\":
                i += 1
            elif char == "[":
                i = branch.index("]", i + 2)
            elif char == "{":
                i = branch.index("}", i)
            elif char == "(":
                depth += 1
                group_start = i if depth == 1 else group_start
            elif char == ")":
                depth -= 1
                words = branch[group_start + 3 : i].split("|")
                required = depth == 0 and branch[i + 1 : i + 2] not in {"?", "*", "{"}
                if required and not any(_SPECIAL & set(word) for word in words):
                    choices.append(tuple(words))
        i += 1
    choices.append((run,))
    return max(choices, key=lambda words: min(len(word.strip()) for word in words))


_YOU = r"(?:you|u)"
_YOURE = r"(?:you're|you are|youre|ur|u r)"
_NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a dozen|a handful of|a few)"
_PEOPLE = r"(?:someone|somebody|a guy|the guy|a man|the man|a woman|a person|people|those)"

# Praise or wonder that means the opposite, with the mocking tail that gives it away.
SARCASM = Gated(
    r"\bgold star\b|\bstop the presses\b|\balert the (?:nobel|media|press|authorities)\b"
    r"|\b(?:please,? )?tell us (?:more|all) about (?:your|how you|how that)"
    r"|\bplease,? tell us more\b"
    r"|\bwe(?:'re| are) all (?:riveted|waiting (?:breathlessly|with bated)|in awe)\b"
    r"|\bwaiting breathlessly\b|\bany minute now\b|\bwe'd never have (?:managed|known|guessed)\b"
    r"|\btruly the (?:\w+ ){1,2}(?:we(?:'ve)? (?:needed|deserve)|(?:this|our) \w+ deserves)"
    r"|\b(?:the|our|a) (?:\w+ ){0,2}(?:einstein|messiah|prophet|oracle) of \w+"
    r"|\bhas spoken\b|\bbows? before (?:you|u|him|her)\b|\bgrace us with\b"
    r"|\bcome down from (?:your|his|her) ivory tower|\bus little people\b"
    r"|\bnext week: |\bwater is wet\b|\btakes real talent\b|\bin a sad way\b"
    r"|\bmust be (?:exhausting|tiring|hard|nice|lonely) being (?:you|u|right|that|so)\b"
    r"|\b(?:the )?world's (?:leading|greatest|foremost|best) (?:authority|expert|networker|genius)"
    r"|\bsays the (?:guy|man|woman|lady|person|one|dude|same \w+) (?:who|whose|with)\b"
    r"|\b(?:this|that's rich) coming from (?:someone|a guy|the guy|you|a man|a woman) (?:who|whose)"
    r"|\b(?:masterpiece|masterclass|riveting \w+|pearl of wisdom|sermon) from (?:the|our) "
    r"(?:mind|guy|man|woman|person|genius|resident|famous|self-\w+|\w+ police|\w+ guru)"
    r"|\bthe (?:famous |self-appointed |resident )?(?:\w+ )?(?:guru|expert|influencer|police)"
    rf" with {_NUM} (?:followers|readers|subscribers|fans)\b"
    r"|\b(?:your|ur|his|her) (?:blog|site|newsletter|podcast|channel) has"
    r" (?:what,? |like |maybe )?"
    rf"{_NUM} (?:readers|followers|subscribers|listeners|fans)\b"
    rf"|\ball {_NUM} of (?:your|ur|his|her) (?:\w+ )?(?:readers|followers|fans|subscribers)\b"
    r"|\b(?:nobody|no one) (?:actually |even )?reads (?:your|ur|his|her|this) (?:blog|site|posts)\b"
    r"|\b(?:aww?|oh|wow|congrat\w*),? (?:\w+ ){0,2}(?:discovered|figured out|learned|found out)\b"
    r"|\bcongrat\w* on (?:finally |figuring|discovering|learning|managing|working out)"
    rf"|\b(?:congrat\w*|wow|bravo)\b[^.!?]{{0,25}}\b{_YOU} (?:managed|found a way) to\b"
    r"|\b(?:oh|wow|look),? (?:\w+ ){1,3}(?:has|have) (?:opinions|thoughts|an opinion|a take)\b"
    rf"|\b(?:it's|how) (?:so |very |really )?(?:cute|sweet|adorable|precious) (?:that|how) {_YOU}"
    rf"(?: still)? (?:think|believe|really|actually|still)\b"
    r"|(?:^|[.!?] )(?:cute|adorable|precious|sweet) (?:theory|take|idea|story),? \w+[.!]"
    r"|(?:^|[.!?] )(?:adorable|precious|how cute)[.!]"
    r"|\b(?:adorable|cute|precious|impressive) for (?:someone|somebody|a guy|a man|a woman) who\b"
    r"|\bsweet summer child\b|\bsure,? jan\b"
    r"|\bimagine being (?:so|this|that) \w+ that\b"
    r"|\bi bet (?:you|u) (?:practi[cs]e|applaud|clap|read|quote|talk to)\b[^.!?]{0,40}\byourself\b"
)
# Talking down: the target is told how little they know, or treated as a child or a beginner.
CONDESCENSION = Gated(
    r"\blet the (?:grown-ups|grownups|grown ups|adults|professionals|big kids) \w+"
    r"|\bleave (?:the|it|this|that)\b[^.!?]{0,40}\bto (?:the (?:grown-ups|adults|professionals)"
    r"|people who(?:'ve| have| actually)|those who|someone who(?:'s| has| actually))"
    rf"|\bcome back when {_YOU}(?:'ve| have| actually| can| know| grow|'re| are|'ll)"
    rf"|\bonce {_YOU}(?:'ve| have) actually\b"
    rf"|\b(?:type|explain|spell|say|put) (?:this|it|that)(?: out)?(?: to {_YOU})?(?: very)?"
    r" (?:slowly|in small words|in simple words|in simple terms)|\bin small words\b"
    r"|\breading comprehension (?:is (?:hard|a skill|difficult|tough|not)|isn't)\b"
    r"|\bdid (?:you|u) even (?:read|finish|get past|open|look)\b"
    r"|\bby an adult\b|\bmove your lips\b|\bwith a highlighter\b|\bbefore (?:you|u) hurt yourself"
    r"|\btry to keep up\b|\blet me clue (?:you|u) in\b|\bhard concept for (?:you|u)\b"
    r"|\babout your level\b|\bi'll forgive\b|\byou'll get there\b|\bwe'll wait\b"
    r"|\bhold onto that\b"
    rf"|\bi doubt {_YOU}(?:'d| would| could| can)? (?:\w+ )?(?:understand|grasp|follow|get it)"
    r"|\b(?:listen|think|read|try [\w ]{1,30}) for once\b|\ba thought of your own\b"
    r"|\b(?:take|took) (?:the|your) (?:keyboard|laptop|phone) away from (?:you|u|him|her)\b"
    rf"|\bsit {_YOU} down and explain\b"
    r"|\bi (?:genuinely |honestly |really )?worry about (?:you|u)\b"
    r"|\bis everything (?:ok|okay|alright|all right) at home\b"
    rf"|\b{_YOURE} (?:clearly|obviously) (?:new|young|green|confused|out of your depth)\b"
    r"|\b(?:your|his|her) (?:brain|head|mind) (?:must be|is (?:clearly|obviously)|runs on)\b"
    r"|\bneeds? (?:their|his|her|your) head examined\b"
    r"|\b(?:need|needs|get) (?:a hobby|to get out (?:more|of the house|of (?:their|his|her|your)\b)"
    r"|to touch grass)"
    r"|\bno wonder (?:you|u|he|she)(?:'re| are)? (?:got|get|keep|can't|couldn't|never|still"
    r"|are still|laid off|fired|rejected|unemployed)|\bno wonder \w+ scares (?:you|u)\b"
    r"|\bi (?:finally |now |think i )?(?:understand|know|see|get) why (?:you|u) (?:get|got|keep"
    r"|are still|'re still|can't|never)|\bi (?:think i )?know why (?:nobody|no one|none of them)\b"
    r"|\b(?:clear|obvious|plain)(?:er)? why (?:you|u)(?:'re| are)? still\b"
    r"|\b(?:write|writes|talk|talks|sound|sounds|type|types) (?:exactly |just )?like (?:my|a|an)"
    r" (?:grandfather|grandpa|grandma|grandmother|toddler|teenager|child)\b"
    r"|\bwrite (?:very |really )?well for (?:someone|somebody|a guy|a man|a woman) who\b"
    r"|\bfor (?:someone|a guy|a man|a woman|a person|somebody) who (?:claims|supposedly|pretends"
    r"|calls (?:himself|herself|themselves|yourself))\b"
    r"|\b(?:question|doubt) (?:your|his|her) (?:intelligence|competence|sanity)\b"
    r"|\bi wouldn't trust (?:you|u|him|her) (?:to|with)\b"
    r"|\b(?:have|has) the (?:empathy|humility|charm|warmth|social skills|imagination) of an? \w+"
)
# Telling someone to leave, or that their career or blog is over.
DISMISSAL = Gated(
    r"\bsit (?:this one |this |it )?out\b|\bstay in your lane\b|\bsee yourself out\b"
    r"|(?:^|[.!?,] )sit down[.!]|\bhang up the (?:blog|keyboard|laptop|towel on)"
    r"|\b(?:retire|close|shut down|delete) the (?:keyboard|blog)\b"
    r"|\b(?:maybe |just |please )?stop (?:blogging|commenting)\b"
    r"|\btake a (?:long )?break from the internet\b|\bshut the laptop\b"
    r"|\bsurvive without (?:you|u)\b|\bdone enough damage\b|\bwhole internet out there\b"
    r"|\bgo (?:lecture|bother|farm|troll|spam|preach|pester)\b[^.!?]{0,20}\b(?:somebody else"
    r"|someone else|some other|another|elsewhere)\b|\bgo bother another\b"
    r"|\bgo back to (?:reddit|twitter|x|facebook|tiktok|4chan|linkedin|your cubicle"
    r"|whatever (?:you|rock)|wherever|where you came from|lurking)\b"
    r"|\bstart polishing your (?:own )?(?:resume|cv)\b|\byour career is (?:over|done|finished)\b"
    r"|\b(?:you're|you are) (?:finished|done) in this (?:industry|business|field)\b"
    r"|\b(?:nobody|no one) is taking (?:\w+ )?advice from (?:you|u)\b"
)
_JUDGING = (
    r"smug|insufferable|heartless|pompous|arrogant|out of touch|full of (?:himself|herself"
    r"|themselves)|condescending|clueless|bitter|embarrassed|ashamed"
)
# What judges the author once named: "whoever wrote this … has clearly never", "…needs a hobby".
_AUTHOR_JUDGED = (
    r"\b[^.!?]{0,40}?\b(?:needs? (?:their|his|her|a|to get)"
    r"|should(?: not|n't| be (?:embarrassed|ashamed|fired)| stick)"
    r"|(?:has|have) (?:clearly |obviously )?never|thinks \w+ness|must be a joy|is the reason"
    r"|seems like the type|would be the (?:first|last)|(?:obviously|clearly) (?:peaked|has never"
    r"|never)|(?:sounds?|seems?) (?:like )?(?:someone|somebody|the type)"
    rf"|(?:is|sounds?) (?:{_JUDGING}))"
)
# Aimed at a named or described person: the author, "whoever wrote this", "you" after a name.
ADDRESSED = Gated(
    r"\bwhoever (?:wrote|writes|runs|approved|is behind|thought|came up with) (?:this|it\b"
    rf"|the (?:post|article|piece|blog|site|[\w/-]+ rule)){_AUTHOR_JUDGED}"
    rf"|\bwho wrote this{_AUTHOR_JUDGED}|\bthe (?:author|writer|blogger){_AUTHOR_JUDGED}"
    r"|\b(?:who wrote this|the author|the writer|whoever)\b[^.!?]{0,40}, (?:but )?"
    r"(?:they|he|she)"
    rf"(?:'s|'re| is| are| sounds?| seems?) (?:\w+ )?(?:{_JUDGING})"
    rf"|\band (?:he's|she's|he is|she is) (?:awfully |so |very )?(?:{_JUDGING})"
    rf"|\bin how (?:{_JUDGING}) (?:he|she) is\b|\bsmugness (?:comes|shows)"
    r"|\b(?:obviously|clearly|probably|who|you|he|she|writer|author) peaked (?:in|as|at|during"
    r"|around|back|when|years|decades|\d)"
    r"|\b(?:you|u|he|she)(?:'ve| have|'s| has) (?:clearly |obviously )?never (?:had|held)"
    r" a real job"
    r"|\bnever (?:actually )?(?:hired|placed|recruited) (?:anyone|anybody|a single|someone)\b"
    rf"|\b(?:it's obvious|obviously|clearly) {_YOU}(?:'ve| have) (?:obviously |clearly )?never\b"
    r"|\b(?:you|u) (?:sound|seem|look|write|talk) like (?:someone|somebody|a guy|a man|a woman"
    r"|a person|the type|the kind of person) (?:who|whose)(?:'s| has| is)? (?:never|hasn't|peaked"
    r"|doesn't|thinks|has no|can't|only|still)\b"
    r"|\bthe (?:author|writer) (?:has (?:clearly |obviously )?never|sounds like someone)"
    r"|\b(?:people|folks|guys|men|women|someone|types) like (?:you|u), \w+(?:[.!?]|$)"
    r"|\b(?:it's|its) (?:always )?(?:people|folks|guys|men|women|types|someone) like (?:you|u)\b"
    r"|\b(?:people|folks|men|women|guys) like (?:you|u),? (?:\w+,? )?(?:think|treat|always|are"
    r" exactly why|who (?:demand|send|think))\b"
    r"|\bthe kind of thing someone like (?:you|u) would\b|\bmet (?:a hundred|\w+) people like you\b"
    rf"|(?:^|[.!?] )@?\w+,? {_YOURE} an? \d+-year-old\b"
    rf"|(?:^|[.!?] )@?\w+,? {_YOURE} an? (?:kid|fresh grad|intern|teenager|child|rookie|newbie"
    r"|troll|parrot)\b"
    rf"|\b{_YOURE} (?:just |only |nothing but )?an? (?:glorified|failed|overgrown|so-called"
    r"|self-proclaimed|self-styled|wannabe) [\w-]+"
    r"|\b(?:you|u)(?:'re| are) full of (?:shit|crap|it)\b|\bthat's all (?:you|u) are\b"
    r"|\bis a (?:snake[- ]oil salesman|troll|fraud|hack)\b"
    r"|\byour (?:whole )?career is (?:a cautionary tale|telling|cold-calling|a joke)"
    r"|\byour whole career\b[^.!?]{0,30}\bnot sure that makes you\b"
    r"|\byou lot\b[^.!?]{0,40}\b(?:are|is) (?:so |all )?(?:smug|allergic|the same|a cult)"
)
# Saying the attack will not be made, then making it.
PARALIPSIS = Gated(
    r"\b(?:won't|will not|not going to|n't going to|not gonna) (?:even )?(?:bring up|mention"
    r"|point out|talk about|get into) (?:the fact )?(?:that |how )?(?:you|your|u|ur|he|his|she|her"
    r"|\w+'s)\b"
    r"|\b(?:you|u) make it (?:really |very |so )?hard not to\b"
    r"|\bnot (?:say|tell you) what i (?:really )?think of (?:you|u)\b"
    r"|\b(?:is|are|already) (?:saying|did|does|said) it for me\b"
    r"|\b(?:doing|does|do) (?:a |an )?(?:\w+ ){0,2}impression of one\b"
    r"|\b(?:acting|behaving) (?:exactly |just )?like one\b"
    r"|\bnot (?:calling|saying) (?:you|u)(?:'re| are)? (?:a |an )?[\w-]+,? (?:\w+,? )?but (?:a real"
    r" \w+ would|(?:you|u) (?:obviously|clearly))"
)
