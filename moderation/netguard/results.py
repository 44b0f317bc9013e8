"""What a guarded fetch gives back: the last hop's answer, or an error whose `code` is the
`link.*` outcome a policy check reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ModerationError


class FetchError(ModerationError):
    """A fetch that produced no page; `code` is the `link.*` outcome code it stands for."""

    def __init__(self, code: str, message: str, url: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.url = url


class FetchRefused(FetchError):
    """The guard would not go there: scheme, credentials, IP literal, address, port or redirects."""


class FetchFailed(FetchError):
    """The guard tried and the other side failed: no DNS answer, no connection, a timeout, TLS."""


@dataclass
class FetchResult:
    """The last hop's answer; `redirects` lists every URL the guard was sent on to, in order."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)  # the last hop's, lower-case

    def header_values(self, name: str) -> list[str]:
        """Every value of a header the last hop sent (`Link` may come more than once)."""
        return [value for key, value in self.headers if key == name.lower()]
