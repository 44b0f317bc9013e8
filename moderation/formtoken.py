"""Signed form tokens: when a comment form was opened, for which article, used once.

A static page cannot carry a fresh timestamp, so the page's script asks the service for a
token when the reader starts typing. A forged, foreign or replayed token marks the comment as
spam; one sent within seconds of the form opening is held as too fast. A form posted without
JavaScript has no token at all: that is allowed, and the other checks still apply.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


@dataclass(frozen=True)
class TokenProblem:
    code: str
    detail: str


@dataclass(frozen=True)
class OpenedForm:
    article: str
    nonce: str
    age: float


class FormTokens:
    """Issues and reads tokens signed with the service's secret."""

    def __init__(self, secret: str, max_age: float = 86400) -> None:
        if not secret:
            raise ValueError("form tokens need a secret")
        self._serializer = URLSafeTimedSerializer(secret, salt="comment-form")
        self.max_age = max_age

    def issue(self, article: str) -> str:
        return self._serializer.dumps({"a": article, "n": secrets.token_urlsafe(12)})

    def read(self, token: str, now: float | None = None) -> OpenedForm | TokenProblem:
        """The opened form, or what is wrong with the token (forged, expired, malformed)."""
        try:
            payload, signed_at = self._serializer.loads(
                token, max_age=self.max_age, return_timestamp=True
            )
        except SignatureExpired:
            return TokenProblem("spam.expired-form", "token older than COMMENTS_FORM_MAX_AGE")
        except BadSignature:
            return TokenProblem("spam.forged-token", "token signature does not verify")
        if not isinstance(payload, dict) or not {"a", "n"} <= payload.keys():
            return TokenProblem("spam.forged-token", "token payload has the wrong shape")
        age = (now if now is not None else time.time()) - signed_at.timestamp()
        return OpenedForm(article=str(payload["a"]), nonce=str(payload["n"]), age=age)


class ReplayGuard:
    """Remembers used token nonces until they would have expired anyway, in this process.

    For runs in one process (scripts/bench_policy.py). The service keeps used nonces in its
    database instead (`Store.use_form_nonce`): workers do not share memory.
    """

    def __init__(self, max_age: float = 86400, limit: int = 200_000) -> None:
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()
        self.max_age = max_age
        self.limit = limit

    def first_use(self, nonce: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._expiry) >= self.limit:
                self._expiry = {n: t for n, t in self._expiry.items() if t > now}
                for oldest in list(self._expiry)[: len(self._expiry) - self.limit // 2]:
                    del self._expiry[oldest]
            if self._expiry.get(nonce, 0) > now:
                return False
            self._expiry[nonce] = now + self.max_age
            return True
