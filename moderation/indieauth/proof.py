"""The proof a signed-in commenter's form carries: a signed, short-lived "this browser signed
in as that blog", checked when the comment arrives and recorded in its review."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import InvalidSubmission
from .profile import same_site

FIELD = "indieauth"


class ProofTokens:
    """Issues and checks proofs, signed with the service's secret."""

    def __init__(self, secret: str, max_age: float) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="indieauth-proof")
        self.max_age = max_age

    def issue(self, me: str) -> str:
        return self._serializer.dumps({"me": me})

    def blog_for(self, token: str, blog_url: str) -> str:
        """The signed-in profile URL, when the proof is good and names the comment's blog;
        otherwise InvalidSubmission saying what to do (nothing is saved)."""
        try:
            payload = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise _refused(
                f"Your sign-in with your blog is older than {self.max_age // 60:.0f} minutes"
            ) from None
        except BadSignature:
            raise _refused("Your sign-in with your blog could not be checked") from None
        me = payload.get("me") if isinstance(payload, dict) else None
        if not isinstance(me, str):
            raise _refused("Your sign-in with your blog could not be checked")
        if not same_site(me, blog_url):
            raise _refused(f"You signed in as {me}, but the comment names the blog {blog_url}")
        return me


def _refused(problem: str) -> InvalidSubmission:
    return InvalidSubmission(
        FIELD,
        f"{problem}: sign in with your blog again, or reload the article to send the comment"
        " without signing in.",
    )
