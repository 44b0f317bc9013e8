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
from ..model import PASSED, Outcome, Submission, Verdict, fingerprint
from .spamtext import SpamTextModel

_RELOAD = "Reload the article page and send your comment again."


class HoneypotCheck:
    """A field hidden from people; only form-filling robots write in it."""

    name = "honeypot"

    def __call__(self, submission: Submission) -> Outcome:
        if not submission.honeypot.strip():
            return PASSED
        return Outcome(
            Verdict.SPAM,
            "spam.honeypot",
            "A hidden field meant to catch robots was filled in, so this looks automated. If you"
            " are a person, turn off form auto-fill for this page and send your comment again.",
            f"honeypot field held {submission.honeypot[:80]!r}",
        )


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
            if opened.code == "spam.expired-form":
                return Outcome(
                    Verdict.HOLD,
                    opened.code,
                    f"The comment form was open for too long. {_RELOAD}",
                    opened.detail,
                )
            return Outcome(
                Verdict.SPAM,
                opened.code,
                f"The form's token is not valid. {_RELOAD}",
                opened.detail,
            )
        if opened.article != submission.article:
            return Outcome(
                Verdict.SPAM,
                "spam.forged-token",
                f"The form belongs to another article. {_RELOAD}",
                f"token for {opened.article!r}, comment on {submission.article!r}",
            )
        if not self.first_use(opened.nonce):
            return Outcome(
                Verdict.SPAM,
                "spam.replayed-form",
                f"This form was already used to send a comment. {_RELOAD}",
                f"nonce {opened.nonce} seen before",
            )
        if opened.age < self.min_seconds:
            return Outcome(
                Verdict.HOLD,
                "spam.too-fast",
                "That was faster than anyone can read and type, so a moderator will look at your"
                " comment before it appears. Nothing to change.",
                f"sent {opened.age:.1f} s after the form opened (minimum {self.min_seconds} s)",
            )
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
        return Outcome(
            Verdict.HOLD,
            "spam.too-many-links",
            f"Your comment has {len(links)} links; comments with {self.max_links} or more wait"
            " for a moderator. Keep the one link that matters (put host names or addresses in"
            " `code` if they are examples), or leave it and a moderator will read it.",
            "links: " + ", ".join(links[:10]),
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
            return Outcome(
                Verdict.SPAM,
                "spam.disallowed-words",
                "Your comment contains a word or address this blog does not accept. Remove"
                " promotional words and links, then send it again.",
                f"disallowed word {found!r}",
            )
        if found := _first_match(self.moderation, text):
            return Outcome(
                Verdict.HOLD,
                "spam.moderation-words",
                "Your comment mentions something the author always reads first; it will appear"
                " once a moderator approves it. Nothing to change.",
                f"moderation word {found!r}",
            )
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
    """Fingerprints of recent comments, to catch the same text sent twice."""

    def __init__(self, window: float = 86400, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self.window = window
        self.limit = limit

    def seen_before(self, submission: Submission, now: float | None = None) -> bool:
        """Record this comment; True when the same text came within the window."""
        now = time.monotonic() if now is None else now
        key = fingerprint(submission.article, submission.body)
        with self._lock:
            previous = self._seen.pop(key, None)
            self._seen[key] = now
            while len(self._seen) > self.limit:
                self._seen.popitem(last=False)
        return previous is not None and now - previous < self.window


class DuplicateCheck:
    """The same text on the same article again. The service asks its store, which can tell a
    re-check of one comment from a second copy; batch runs use `RecentComments`."""

    name = "duplicate"

    def __init__(self, seen_before: Callable[[Submission], bool]) -> None:
        self.seen_before = seen_before

    def __call__(self, submission: Submission) -> Outcome:
        if not self.seen_before(submission):
            return PASSED
        return Outcome(
            Verdict.HOLD,
            "spam.duplicate",
            "You already sent this comment; it is waiting for a moderator. No need to send it"
            " again: check its status page instead.",
            "same text on the same article within the duplicate window",
        )


@dataclass
class SpamTextCheck:
    """The local model trained on labelled spam: catches promotion written without links.

    It holds rather than marks spam: trained on YouTube comments, it also flags about one
    benign blog comment in twenty (docs/benchmarks.md), and a held comment stays in the
    moderators' default queue while spam does not. Akismet gives the spam verdicts.
    """

    model: SpamTextModel
    threshold: float | None = None
    name: str = "content"

    def __call__(self, submission: Submission) -> Outcome:
        score = self.model.score(submission.body)
        threshold = self.threshold if self.threshold is not None else self.model.threshold
        if score < threshold:
            return PASSED
        return Outcome(
            Verdict.HOLD,
            "spam.content",
            "Your comment reads like an advertisement or self-promotion, so a moderator will"
            " read it first. If it is about the post, nothing to change; otherwise leave out"
            " the promotion and send it again.",
            f"spam model score {score:.2f} ≥ {threshold:.2f};"
            f" phrase: {self.model.explain(submission.body)!r}",
        )
