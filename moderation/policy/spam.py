"""Local spam signals: cheap, offline checks that run before Akismet is asked.

Each signal is its own small check so a review shows every one of them: the honeypot, the
signed form token, the number of links, the author's word lists, duplicates, and the local
spam-text model. Codes all begin with `spam.`.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..formtoken import FormTokens, OpenedForm
from ..linkscan import links_outside_code
from ..model import PASSED, Copy, Outcome, Submission, Verdict, copy_of, fingerprint
from .spamtext import SpamTextModel

_RELOAD = "Reload the article page and send your comment again."
# What the commenter reads, one reason per code. Reasons that only ask them to wait are listed
# in `guidance.WAIT`; they never say "nothing to change", the status page does that once.
REASONS = {
    "spam.honeypot": "A hidden field meant to catch robots was filled in, so this looks"
    " automated. If you are a person, turn off form auto-fill for this page and send your"
    " comment again.",
    "spam.expired-form": "The comment form was open for too long and has expired. Send your"
    " comment again.",
    "spam.forged-token": f"The form's security token is not valid for this article. {_RELOAD}",
    "spam.replayed-form": f"This form was already used to send a comment. {_RELOAD}",
    "spam.too-fast": "That was faster than anyone can read and type, so a moderator will look at"
    " your comment before it appears.",
    "spam.too-many-links": "Your comment has {count} links; comments with {max_links} or more"
    " wait for a moderator. Keep the links that matter, and put host names or addresses in"
    " `code` if they are only examples.",
    "spam.disallowed-words": "Your comment contains a word or address this blog does not accept."
    " Remove promotional words and links, then send it again.",
    "spam.moderation-words": "Your comment mentions something the author always reads first, so"
    " it will appear once a moderator approves it.",
    "spam.duplicate": "You already sent this comment on this article, so a moderator will read"
    " this copy before it appears.",
    "spam.cross-posted": "The same comment was already sent on another article, so a moderator"
    " will read it before it appears here.",
}


class HoneypotCheck:
    """A field hidden from people; only form-filling robots write in it."""

    name = "honeypot"

    def __call__(self, submission: Submission) -> Outcome:
        if not submission.honeypot.strip():
            return PASSED
        detail = f"honeypot field held {submission.honeypot[:80]!r}"
        return Outcome(Verdict.SPAM, "spam.honeypot", REASONS["spam.honeypot"], detail)


class FormTokenCheck:
    """Was the comment written in our form, for this article, once, and not in a blink?

    `first_use(nonce)` says whether a token is used for the first time: the service asks its
    store (`Store.use_form_nonce`), which every worker shares; batch runs use `ReplayGuard`.
    """

    name = "form"

    def __init__(
        self, tokens: FormTokens, first_use: Callable[[str], bool], min_seconds: float
    ) -> None:
        self.tokens = tokens
        self.first_use = first_use
        self.min_seconds = min_seconds

    def __call__(self, submission: Submission) -> Outcome:
        if not submission.form_token:
            return PASSED  # a form posted without JavaScript carries no token
        opened = self.tokens.read(submission.form_token, submission.submitted_at.timestamp())
        if not isinstance(opened, OpenedForm):
            verdict = Verdict.HOLD if opened.code == "spam.expired-form" else Verdict.SPAM
            return Outcome(verdict, opened.code, REASONS[opened.code], opened.detail)
        if opened.article != submission.article:
            detail = f"token for {opened.article!r}, comment on {submission.article!r}"
            return Outcome(Verdict.SPAM, "spam.forged-token", REASONS["spam.forged-token"], detail)
        if not self.first_use(opened.nonce):
            detail = f"nonce {opened.nonce} seen before"
            return Outcome(
                Verdict.SPAM, "spam.replayed-form", REASONS["spam.replayed-form"], detail
            )
        if opened.age < self.min_seconds:
            detail = f"sent {opened.age:.1f} s after the form opened (minimum {self.min_seconds} s)"
            return Outcome(Verdict.HOLD, "spam.too-fast", REASONS["spam.too-fast"], detail)
        return PASSED


class LinkCountCheck:
    """Hold comments with many links, as WordPress does; links inside code do not count."""

    name = "links"

    def __init__(self, max_links: int) -> None:
        self.max_links = max_links

    def __call__(self, submission: Submission) -> Outcome:
        if self.max_links <= 0:
            return PASSED
        links = links_outside_code(submission.body)
        if len(links) < self.max_links:
            return PASSED
        reason = REASONS["spam.too-many-links"].format(count=len(links), max_links=self.max_links)
        return Outcome(
            Verdict.HOLD, "spam.too-many-links", reason, "links: " + ", ".join(links[:10])
        )


class WordListCheck:
    """The author's disallowed words (spam) and moderation words (hold), as in WordPress."""

    name = "words"

    def __init__(self, disallowed: list[str], moderation: list[str]) -> None:
        self.disallowed = _word_pattern(disallowed)
        self.moderation = _word_pattern(moderation)

    def __call__(self, submission: Submission) -> Outcome:
        fields = (submission.name, submission.blog_url, submission.email, submission.body)
        text = "\n".join((*fields, submission.ip, submission.user_agent)).casefold()
        if found := _first_match(self.disallowed, text):
            code = "spam.disallowed-words"
            return Outcome(Verdict.SPAM, code, REASONS[code], f"disallowed word {found!r}")
        if found := _first_match(self.moderation, text):
            code = "spam.moderation-words"
            return Outcome(Verdict.HOLD, code, REASONS[code], f"moderation word {found!r}")
        return PASSED


def _word_pattern(entries: list[str]) -> re.Pattern[str] | None:
    """One pattern for a word list: words and phrases match whole ("ass" is not in "class");
    an entry that starts or ends with punctuation ("@spam.example", "192.0.2.") is open there,
    so it matches inside a longer address."""
    alternatives = []
    for entry in sorted({e.strip().casefold() for e in entries if e.strip()}, key=len)[::-1]:
        before = r"(?<!\w)" if re.match(r"\w", entry) else ""
        after = r"(?!\w)" if re.search(r"\w$", entry) else ""
        alternatives.append(before + re.escape(entry) + after)
    return re.compile("|".join(alternatives)) if alternatives else None


def _first_match(pattern: re.Pattern[str] | None, text: str) -> str | None:
    found = pattern.search(text) if pattern is not None else None
    return found.group(0) if found else None


class RecentComments:
    """Fingerprints of recent comments and the articles they came on, to catch a text sent
    twice: batch runs' stand-in for `Store.seen_before`, with the same rules."""

    def __init__(self, window: float = 86400, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.window = window
        self.limit = limit

    def seen_before(self, submission: Submission, now: float | None = None) -> Copy | None:
        """Record this comment; where the same text came before within the window, if it did."""
        now = time.monotonic() if now is None else now
        key = fingerprint(submission.body)
        with self._lock:
            articles = self._seen.pop(key, {})
            earlier = [a for a, at in articles.items() if now - at < self.window]
            articles[submission.article] = now
            self._seen[key] = articles
            while len(self._seen) > self.limit:
                self._seen.popitem(last=False)
        return copy_of(submission.article, submission.body, earlier)


class DuplicateCheck:
    """The same text again, on this article or another. The service asks its store, which can
    tell a re-check of one comment from a second copy; batch runs use `RecentComments`."""

    name = "duplicate"

    def __init__(self, seen_before: Callable[[Submission], Copy | None]) -> None:
        self.seen_before = seen_before

    def __call__(self, submission: Submission) -> Outcome:
        copy = self.seen_before(submission)
        if copy is None:
            return PASSED
        code = "spam.duplicate" if copy is Copy.THIS_ARTICLE else "spam.cross-posted"
        detail = f"same text on {copy.value.replace('-', ' ')} within the duplicate window"
        return Outcome(Verdict.HOLD, code, REASONS[code], detail)


@dataclass
class SpamTextCheck:
    """The local model trained on labelled spam: catches promotion written without links.

    It holds rather than marks spam: trained mostly on YouTube comments, it still flags a few
    benign blog comments (docs/policy-quality.md), and a held comment stays in the moderators'
    default queue while spam does not. Akismet gives the spam verdicts. A link to the
    commenter's own blog is not promotion: the model does not see it.
    """

    model: SpamTextModel
    threshold: float | None = None
    name: str = "content"

    def __call__(self, submission: Submission) -> Outcome:
        score = self.model.score(submission.body, submission.blog_url)
        threshold = self.threshold if self.threshold is not None else self.model.threshold
        if score < threshold:
            return PASSED
        return Outcome(
            Verdict.HOLD,
            "spam.content",
            "Your comment reads like an advertisement or self-promotion, so a moderator will"
            " read it first.",
            f"spam model score {score:.2f} ≥ {threshold:.2f};"
            f" phrase: {self.model.explain(submission.body, submission.blog_url)!r}",
        )
