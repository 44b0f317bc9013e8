"""The fetcher: one hop at a time, each checked and pinned to the addresses it resolved to.

The package's docstring (`moderation.netguard`) says what the guard promises and how.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .addresses import address_problem, ascii_host, is_ip_literal
from .resolver import Resolver, resolve_within, system_resolver
from .results import FetchFailed, FetchRefused, FetchResult

USER_AGENT = "connect-first-blog-comment-checker/0.1 (opens a commenter's blog link once)"
DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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
            return bool(resolve_within(self.timeout, self.resolver, ascii_host(host), 443))
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
            addresses = tuple(resolve_within(self.timeout, self.resolver, host, port))
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
