"""Profile URLs as IndieAuth compares them: one site is one scheme-less host and port."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ..policy.link import complete_blog_url

DEFAULT_PORTS = {"http": 80, "https": 443}


class NotAProfileUrl(ValueError):
    """An address that cannot name a blog to sign in with."""


def profile_url(typed: str) -> str:
    """The typed blog address as a profile URL: http(s), a host, no credentials or fragment,
    a lower-case host and at least the path "/" (IndieAuth, "User Profile URL")."""
    url = complete_blog_url(typed)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port out of range raises ValueError here
    except ValueError as error:
        raise NotAProfileUrl(f"{typed!r} is not a web address") from error
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise NotAProfileUrl(f"{typed!r} is not an http or https address of a blog")
    if parts.username is not None or parts.password is not None:
        raise NotAProfileUrl(f"{typed!r} carries a user name or password")
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    return urlunsplit((parts.scheme, host, parts.path or "/", parts.query, ""))


def site_of(url: str) -> tuple[str, int | None]:
    """(host, port) of an address, the port None when it is a default one: the scheme does
    not count, so a blog that moved to https is still the same site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    return host, None if parts.port in (None, *DEFAULT_PORTS.values()) else parts.port


def same_site(one: str, other: str) -> bool:
    """Whether two addresses are on the same host (and port)."""
    try:
        first, second = site_of(one), site_of(other)
    except ValueError:
        return False
    return bool(first[0]) and first == second
