"""The only outbound HTTP fetcher: it resolves each hop once, checks the addresses, then connects.

Commenters choose the links we open, so every fetch could be a server-side request forgery.
For every hop (the first URL and each redirect) the guard parses the URL and refuses schemes
other than http(s), credentials and IP literals. It resolves the host name and refuses the hop
when ANY of the resolved addresses is not public. Then it connects to that checked address
itself: no second DNS lookup that a rebinding attacker could answer differently. The guard
still sends the real `Host` header and TLS SNI, and verifies the certificate against the host
name. Redirects are followed by hand and re-checked. Bodies are streamed and capped.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
import idna

from .errors import ModerationError

USER_AGENT = "connect-first-blog-comment-checker/0.1 (opens a commenter's blog link once)"
DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# WHATWG URL: a host whose last label is a number is an IPv4 address in some notation.
_NUMBER = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")

Resolver = Callable[[str, int], list[str]]


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


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# The system resolver has no timeout argument; lookups run here so a check can stop waiting.
# A lookup that never answers keeps its thread until the resolver's own timeout, so the pool
# is small: when it is full of stuck lookups, later ones time out too (and the link is held).
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="netguard-dns")


def _within(timeout: float, resolver: Resolver, host: str, port: int) -> list[str]:
    """`resolver(host, port)`, or TimeoutError after `timeout` seconds."""
    lookup = _LOOKUPS.submit(resolver, host, port)
    try:
        return lookup.result(timeout)
    except FutureTimeout:
        lookup.cancel()
        raise TimeoutError(f"no answer in {timeout:g} s") from None


def is_ip_literal(host: str) -> bool:
    """True for any IP notation a browser or resolver accepts: v6, dotted, decimal, hex, octal."""
    if ":" in host:
        return True
    labels = host.rstrip(".").split(".")
    return bool(_NUMBER.fullmatch(labels[-1]))


def ascii_host(host: str) -> str:
    """The lower-case ASCII (punycode) form of a host name; ValueError if it is not valid IDNA."""
    name = host.strip().rstrip(".").lower()
    if not name:
        raise ValueError("empty host name")
    try:
        return idna.encode(name, uts46=True).decode("ascii").lower()
    except idna.IDNAError as error:
        raise ValueError(f"{host!r} is not a valid host name: {error}") from error


def address_problem(address: str) -> str | None:
    """Why `address` is not a public unicast address, or None when it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unparseable"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return "NAT64 local-use"
        embedded = (
            ip.ipv4_mapped
            or ip.sixtofour
            or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        )
        if embedded is not None:
            inner = address_problem(str(embedded))
            return f"embedded {inner} IPv4 {embedded}" if inner else None
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "shared (CGNAT)"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-global"),
    )
    return next((name for hit, name in checks if hit), None)


@dataclass(frozen=True)
class _Target:
    """One hop, checked: where to connect and what to call the host on the wire."""

    url: str
    scheme: str
    host: str
    port: int
    target: str
    addresses: tuple[str, ...]

    def url_for(self, address: str) -> str:
        literal = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{literal}:{self.port}{self.target}"

    @property
    def host_header(self) -> str:
        default = DEFAULT_PORTS[self.scheme] == self.port
        return self.host if default else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class _Hop:
    status: int
    content_type: str = ""
    location: str | None = None
    body: bytes = b""
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = ()


# How a hop asks: method, form fields (a POST's body) and the Accept header.
_Request = tuple[str, dict[str, str] | None, str]
_GET: _Request = ("GET", None, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")


def _result(url: str, final_url: str, hop: _Hop, redirects: list[str]) -> FetchResult:
    return FetchResult(
        url, final_url, hop.status, hop.content_type, hop.body, redirects, hop.truncated,
        headers=list(hop.headers),
    )  # fmt: skip


class NetGuard:
    """Fetches one URL for a policy check, refusing anything that is not a public web server.

    :param resolver: `(host, port) -> addresses`; injected by tests to map names to addresses.
    :param allow_private_hosts: host names that may resolve to loopback or private addresses,
        for tests against a local server only; IP literals are refused all the same.
    :param allowed_ports: ports a hop may use; a redirect to another port is refused.
    """

    def __init__(
        self,
        *,
        timeout: float = 3.0,
        max_bytes: int = 512_000,
        max_redirects: int = 3,
        resolver: Resolver = system_resolver,
        allow_private_hosts: frozenset[str] = frozenset(),
        allowed_ports: frozenset[int] = frozenset({80, 443}),
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.resolver = resolver
        self.allow_private_hosts = frozenset(ascii_host(h) for h in allow_private_hosts)
        self.allowed_ports = frozenset(allowed_ports)

    def can_resolve(self, host: str) -> bool:
        """Whether the resolver finds `host` at all: a probe of this server's own network."""
        try:
            return bool(_within(self.timeout, self.resolver, ascii_host(host), 443))
        except (OSError, UnicodeError, ValueError):
            return False

    def fetch(self, url: str) -> FetchResult:
        """GET `url` safely; raises FetchRefused or FetchFailed, never an httpx or socket error."""
        # One budget for the whole fetch, so a server trickling bytes cannot hold a check open.
        deadline = time.monotonic() + self.timeout * (self.max_redirects + 1)
        redirects: list[str] = []
        current = url
        while True:
            hop = self._get(self._target(current), deadline)
            if hop.location is None:
                return _result(url, current, hop, redirects)
            if len(redirects) >= self.max_redirects:
                raise FetchRefused(
                    "link.too-many-redirects",
                    f"{url} redirected more than {self.max_redirects} times (last to {current})",
                    current,
                )
            current = urljoin(current, hop.location)
            redirects.append(current)

    def post(self, url: str, form: dict[str, str], accept: str = "application/json") -> FetchResult:
        """POST a form to `url` with the same checks as a GET; a redirect is not followed
        (the form would be sent again elsewhere), it is the answer."""
        deadline = time.monotonic() + self.timeout
        hop = self._get(self._target(url), deadline, ("POST", form, accept))
        return _result(url, url, hop, [])

    def _target(self, url: str) -> _Target:
        """Parse and check one hop, resolve its host once, and check every address."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise FetchRefused(
                "link.malformed", f"{url!r} is not a valid URL: {error}", url
            ) from error
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchRefused("link.scheme", f"{url} uses the scheme {scheme!r}", url)
        if parts.username is not None or parts.password is not None:
            raise FetchRefused("link.credentials", f"{url} carries a user name or password", url)
        raw_host = parts.hostname or ""
        if not raw_host:
            raise FetchRefused("link.malformed", f"{url!r} has no host name", url)
        if is_ip_literal(raw_host):
            raise FetchRefused("link.ip-address", f"{url} names the IP address {raw_host}", url)
        try:
            host = ascii_host(raw_host)
        except ValueError as error:
            raise FetchRefused("link.malformed", str(error), url) from error
        port = DEFAULT_PORTS[scheme] if port is None else port
        addresses = self._resolve(host, port, url)
        if host not in self.allow_private_hosts:
            for address in addresses:
                problem = address_problem(address)
                if problem:
                    raise FetchRefused(
                        "link.private-address",
                        f"{host} resolves to {address}, a {problem} address",
                        url,
                    )
        if port not in self.allowed_ports:
            raise FetchRefused("link.port", f"{url} uses port {port}", url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _Target(url, scheme, host, port, target, addresses)

    def _resolve(self, host: str, port: int, url: str) -> tuple[str, ...]:
        try:
            addresses = tuple(_within(self.timeout, self.resolver, host, port))
        except (OSError, UnicodeError) as error:
            raise FetchFailed(
                "link.unreachable", f"{host} did not resolve: {error}", url
            ) from error
        if not addresses:
            raise FetchFailed("link.unreachable", f"{host} resolved to no address", url)
        return addresses

    def _get(self, target: _Target, deadline: float, request: _Request = _GET) -> _Hop:
        """Try each checked address in turn; only a failure to connect moves on to the next."""
        failures: list[str] = []
        for address in target.addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                timeout = min(self.timeout, remaining)
                return self._get_from(address, target, deadline, timeout, request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                failures.append(f"{address}: {type(error).__name__} {error}".strip())
            except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
                raise FetchFailed(
                    "link.unreachable",
                    f"{target.url} ({address}) failed: {type(error).__name__} {error}".strip(),
                    target.url,
                ) from error
        reason = "; ".join(failures) or "the time allowed ran out"
        raise FetchFailed("link.unreachable", f"{target.url} did not answer: {reason}", target.url)

    def _get_from(
        self, address: str, target: _Target, deadline: float, timeout: float, request: _Request
    ) -> _Hop:
        method, form, accept = request
        headers = {
            "Host": target.host_header,
            "User-Agent": USER_AGENT,
            "Accept": accept,
            "Accept-Encoding": "identity",
        }
        # trust_env=False: a proxy would resolve the name again and undo the pinning.
        # A fresh client per hop: a pooled TLS connection must never serve another host name.
        with (
            httpx.Client(
                timeout=httpx.Timeout(connect=timeout, read=timeout, write=timeout, pool=timeout),
                trust_env=False,
                follow_redirects=False,
            ) as client,
            client.stream(
                method,
                target.url_for(address),
                headers=headers,
                data=form,
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            content_type = response.headers.get("content-type", "")
            location = response.headers.get("location")
            sent = tuple((k.lower(), v) for k, v in response.headers.multi_items())
            if response.status_code in _REDIRECTS and location and method == "GET":
                return _Hop(response.status_code, content_type, location=location, headers=sent)
            body, truncated = self._read(response, target, deadline)
            return _Hop(
                response.status_code, content_type, body=body, truncated=truncated, headers=sent
            )

    def _read(
        self, response: httpx.Response, target: _Target, deadline: float
    ) -> tuple[bytes, bool]:
        """Up to max_bytes of the body; the rest is never read."""
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                return bytes(body[: self.max_bytes]), True
            if time.monotonic() > deadline:
                raise FetchFailed(
                    "link.unreachable", f"{target.url} sent its page too slowly", target.url
                )
        return bytes(body), False
