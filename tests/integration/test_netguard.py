"""NetGuard and the live link check against a real HTTP server on 127.0.0.1.

An injected resolver maps test host names to addresses; only names in `allow_private_hosts`
may reach the local server, so every refusal here is the guard's own decision.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moderation.model import Submission, Verdict
from moderation.netguard import USER_AGENT, FetchFailed, FetchRefused, NetGuard, address_problem
from moderation.policy.link import LinkRules, check_blog_link
from moderation.policy.linkverify import LinkVerifier

FEED_PAGE = (
    b'<!doctype html><html><head><title>Jane</title><link rel="alternate"'
    b' type="application/rss+xml" href="/feed.xml"></head><body>Posts</body></html>'
)
ATOM_PAGE = (
    b'<html><head><base href="/blog/"><link rel="Alternate stylesheet"'
    b' type="application/atom+xml; charset=utf-8" href="atom.xml"></head></html>'
)
PLAIN_PAGE = b"<!doctype html><html><head><title>Jane</title></head><body>Hi</body></html>"


class Handler(BaseHTTPRequestHandler):
    """Routes for each behaviour under test; every request is logged on the server."""

    server: LocalServer

    def do_GET(self) -> None:
        self.server.log.append((self.path, dict(self.headers)))
        path = self.path
        try:
            if path in ("/feed", "/atom", "/plain"):
                body = {"/feed": FEED_PAGE, "/atom": ATOM_PAGE, "/plain": PLAIN_PAGE}[path]
                self.send(200, "text/html; charset=utf-8", body)
            elif path == "/image":
                self.send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
            elif path == "/missing":
                self.send(404, "text/html", b"<p>Not found</p>")
            elif path == "/huge":
                self.send_huge()
            elif path == "/slow":
                self.server.release.wait(1.0)
                self.send(200, "text/html", PLAIN_PAGE)
            elif path.startswith("/hop/"):
                left = int(path.removeprefix("/hop/"))
                self.redirect(f"/hop/{left - 1}" if left > 1 else "/plain")
            elif path == "/to-ip":
                self.redirect(f"http://127.0.0.1:{self.server.port}/plain")
            elif path == "/to-private-name":
                self.redirect(f"http://intranet.test:{self.server.port}/plain")
            else:
                self.send(404, "text/plain", b"no route")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the guard hung up on purpose (size cap, timeout)

    def send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_532 + b"</p>"
        for _ in range(80):  # 5 MiB, far beyond the cap
            self.wfile.write(chunk)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the server keeps its own log


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.log: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()

    def paths(self) -> list[str]:
        return [path for path, _ in self.log]


@pytest.fixture(scope="module")
def running_server() -> Iterator[LocalServer]:
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server(running_server: LocalServer) -> LocalServer:
    running_server.log.clear()
    return running_server


@dataclass
class FakeDNS:
    """A resolver with a fixed table that remembers every name it was asked about."""

    table: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


@pytest.fixture
def dns() -> FakeDNS:
    return FakeDNS({"blog.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"]})


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection the HTTP stack opens, recorded before it is attempted."""
    opened: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return opened


def guard_for(server: LocalServer, dns: FakeDNS, **options: object) -> NetGuard:
    """A guard that may talk to the local server as blog.test, and to nothing else private."""
    return NetGuard(
        resolver=dns,
        allow_private_hosts=frozenset({"blog.test"}),
        allowed_ports=frozenset({server.port}),
        **options,
    )


def url(server: LocalServer, path: str, host: str = "blog.test") -> str:
    return f"http://{host}:{server.port}{path}"


def test_page_is_fetched_through_the_pinned_address(server: LocalServer, dns: FakeDNS) -> None:
    result = guard_for(server, dns).fetch(url(server, "/feed"))
    assert (result.status, result.body, result.redirects) == (200, FEED_PAGE, [])


def test_connection_goes_to_the_address_checked(
    server: LocalServer, dns: FakeDNS, connections: list[tuple[str, int]]
) -> None:
    guard_for(server, dns).fetch(url(server, "/plain"))
    assert (dns.asked, connections) == (["blog.test"], [("127.0.0.1", server.port)])


def test_request_carries_host_name_and_user_agent(server: LocalServer, dns: FakeDNS) -> None:
    guard_for(server, dns).fetch(url(server, "/plain"))
    headers = server.log[0][1]
    assert (headers["Host"], headers["User-Agent"]) == (f"blog.test:{server.port}", USER_AGENT)


def test_body_stops_at_the_size_cap(server: LocalServer, dns: FakeDNS) -> None:
    result = guard_for(server, dns, max_bytes=10_000).fetch(url(server, "/huge"))
    assert (len(result.body), result.truncated) == (10_000, True)


def test_slow_server_times_out_quickly(server: LocalServer, dns: FakeDNS) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed) as refused:
        guard_for(server, dns, timeout=0.2).fetch(url(server, "/slow"))
    assert (refused.value.code, time.monotonic() - started < 0.9) == ("link.unreachable", True)


def test_three_redirects_are_followed(server: LocalServer, dns: FakeDNS) -> None:
    result = guard_for(server, dns).fetch(url(server, "/hop/3"))
    assert (result.final_url, len(result.redirects)) == (url(server, "/plain"), 3)


def test_fourth_redirect_is_refused(server: LocalServer, dns: FakeDNS) -> None:
    with pytest.raises(FetchRefused) as refused:
        guard_for(server, dns).fetch(url(server, "/hop/4"))
    assert refused.value.code == "link.too-many-redirects"


def test_redirect_to_ip_literal_is_refused(server: LocalServer, dns: FakeDNS) -> None:
    with pytest.raises(FetchRefused) as refused:
        guard_for(server, dns).fetch(url(server, "/to-ip"))
    assert (refused.value.code, server.paths()) == ("link.ip-address", ["/to-ip"])


def test_redirect_to_private_name_is_refused_before_connecting(
    server: LocalServer, dns: FakeDNS, connections: list[tuple[str, int]]
) -> None:
    with pytest.raises(FetchRefused) as refused:
        guard_for(server, dns).fetch(url(server, "/to-private-name"))
    assert refused.value.code == "link.private-address"
    assert "10.0.0.5" in str(refused.value)
    assert dns.asked == ["blog.test", "intranet.test"]
    assert connections == [("127.0.0.1", server.port)]


PRIVATE_ADDRESSES = [
    ("10.0.0.5", "private-10"),
    ("172.16.0.1", "private-172"),
    ("192.168.1.1", "private-192"),
    ("127.0.0.1", "loopback"),
    ("169.254.169.254", "cloud-metadata"),
    ("100.64.0.1", "cgnat"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "this-network"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("::1", "v6-loopback"),
    ("::", "v6-unspecified"),
    ("fe80::1", "v6-link-local"),
    ("fc00::1", "v6-unique-local"),
    ("ff02::1", "v6-multicast"),
    ("2001:db8::1", "v6-documentation"),
    ("::ffff:127.0.0.1", "v4-mapped-loopback"),
    ("::ffff:10.0.0.5", "v4-mapped-private"),
    ("2002:a00:5::1", "6to4-private"),
    ("64:ff9b::a00:5", "nat64-private"),
]


@pytest.mark.parametrize(
    "address", [a for a, _ in PRIVATE_ADDRESSES], ids=[i for _, i in PRIVATE_ADDRESSES]
)
def test_name_resolving_to_private_address_is_refused_at_first_hop(
    address: str, connections: list[tuple[str, int]]
) -> None:
    guard = NetGuard(resolver=FakeDNS({"jane.example": [address]}))
    with pytest.raises(FetchRefused) as refused:
        guard.fetch("https://jane.example/")
    assert (refused.value.code, connections) == ("link.private-address", [])


def test_one_private_address_among_public_ones_is_refused(
    connections: list[tuple[str, int]],
) -> None:
    guard = NetGuard(resolver=FakeDNS({"jane.example": ["93.184.215.14", "10.0.0.5"]}))
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.5"):
        guard.fetch("https://jane.example/")
    assert connections == []


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "2606:4700::1", "::ffff:8.8.8.8", "64:ff9b::808:808"],
    ids=["v4", "v6", "v4-mapped-public", "nat64-public"],
)
def test_public_address_has_no_problem(address: str) -> None:
    assert address_problem(address) is None


def test_ip_literal_is_refused_even_for_an_allowed_setup(server: LocalServer, dns: FakeDNS) -> None:
    with pytest.raises(FetchRefused) as refused:
        guard_for(server, dns).fetch(url(server, "/plain", host="127.0.0.1"))
    assert (refused.value.code, server.paths()) == ("link.ip-address", [])


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("ftp://blog.test/", "link.scheme"),
        ("http://jane:secret@blog.test/", "link.credentials"),
        ("http://blog.test:1/", "link.port"),
        ("http://2130706433/", "link.ip-address"),
    ],
    ids=["scheme", "credentials", "port", "decimal-ip"],
)
def test_unsafe_url_is_refused_without_connecting(
    target: str, code: str, server: LocalServer, dns: FakeDNS, connections: list[tuple[str, int]]
) -> None:
    with pytest.raises(FetchRefused) as refused:
        guard_for(server, dns).fetch(target)
    assert (refused.value.code, connections) == (code, [])


def test_unknown_name_fails_as_unreachable(server: LocalServer, dns: FakeDNS) -> None:
    with pytest.raises(FetchFailed) as failed:
        guard_for(server, dns).fetch("http://nowhere.test/")
    assert failed.value.code == "link.unreachable"


def test_localhost_is_refused_by_default(server: LocalServer) -> None:
    with pytest.raises(FetchRefused) as refused:
        NetGuard().fetch(url(server, "/plain", host="localhost"))
    assert (refused.value.code, server.paths()) == ("link.private-address", [])


def test_name_resolving_to_loopback_is_refused_by_default(
    server: LocalServer, dns: FakeDNS
) -> None:
    with pytest.raises(FetchRefused) as refused:
        NetGuard(resolver=dns, allowed_ports=frozenset({server.port})).fetch(url(server, "/plain"))
    assert (refused.value.code, server.paths()) == ("link.private-address", [])


def live_rules(server: LocalServer) -> LinkRules:
    return LinkRules(verify_live=True, allowed_ports=frozenset({80, 443, server.port}))


def blog(link: str) -> Submission:
    return Submission(article="a-post", name="Jane Smith", blog_url=link, body="Hi")


@pytest.mark.parametrize(
    ("path", "feed"),
    [("/feed", "/feed.xml"), ("/atom", "/blog/atom.xml")],
    ids=["rss", "atom-with-base"],
)
def test_blog_with_feed_is_verified(
    path: str, feed: str, server: LocalServer, dns: FakeDNS
) -> None:
    verifier = LinkVerifier(guard_for(server, dns))
    outcome = check_blog_link(blog(url(server, path)), live_rules(server), verifier)
    assert (outcome.verdict, outcome.code, outcome.detail) == (
        Verdict.PASS,
        "link.verified",
        f"feed: {url(server, feed)}",
    )


def test_page_without_feed_is_reachable(server: LocalServer, dns: FakeDNS) -> None:
    verifier = LinkVerifier(guard_for(server, dns))
    outcome = check_blog_link(blog(url(server, "/plain")), live_rules(server), verifier)
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "link.reachable")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/image", "link.not-html"),
        ("/missing", "link.unreachable"),
        ("/slow", "link.unreachable"),
        ("/hop/4", "link.too-many-redirects"),
        ("/to-ip", "link.ip-address"),
        ("/to-private-name", "link.private-address"),
    ],
    ids=["image", "not-found", "timeout", "redirect-loop", "redirect-to-ip", "redirect-private"],
)
def test_live_failure_is_held_with_its_code(
    path: str, code: str, server: LocalServer, dns: FakeDNS
) -> None:
    verifier = LinkVerifier(guard_for(server, dns, timeout=0.2))
    outcome = verifier.verify(url(server, path))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, code)


def test_unreachable_reason_names_the_address(server: LocalServer, dns: FakeDNS) -> None:
    link = url(server, "/missing")
    outcome = LinkVerifier(guard_for(server, dns)).verify(link)
    assert outcome.reason == f"We could not open {link}: check the address and try again."


def test_a_blog_that_does_not_resolve_while_the_probes_do_is_the_commenters(
    server: LocalServer, dns: FakeDNS
) -> None:
    dns.table["example.com"] = ["93.184.215.14"]
    verifier = LinkVerifier(guard_for(server, dns), probe_hosts=("example.com",))
    outcome = verifier.verify("https://no-such-blog.test/")
    assert (outcome.code, outcome.reason) == (
        "link.unreachable",
        "We could not open https://no-such-blog.test/: check the address and try again.",
    )


def test_when_nothing_resolves_the_fault_is_ours_and_the_commenter_is_not_blamed(
    server: LocalServer, dns: FakeDNS
) -> None:
    verifier = LinkVerifier(guard_for(server, dns), probe_hosts=("example.com", "iana.org"))
    outcome = verifier.verify("https://jane.example/")
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "link.check-unavailable")
    assert "problem on our side" in outcome.reason and "check the address" not in outcome.reason
    assert "own network" in outcome.detail  # the moderator is told why
    assert {"example.com", "iana.org"} <= set(dns.asked)


def test_verified_host_is_not_fetched_again(server: LocalServer, dns: FakeDNS) -> None:
    verifier = LinkVerifier(guard_for(server, dns))
    first = verifier.verify(url(server, "/feed"))
    second = verifier.verify(url(server, "/plain"))
    assert (second, server.paths()) == (first, ["/feed"])


def test_failure_for_one_address_does_not_hold_another(server: LocalServer, dns: FakeDNS) -> None:
    verifier = LinkVerifier(guard_for(server, dns))
    verifier.verify(url(server, "/missing"))
    assert verifier.verify(url(server, "/feed")).code == "link.verified"


def test_cached_result_expires(server: LocalServer, dns: FakeDNS) -> None:
    now = [0.0]
    verifier = LinkVerifier(guard_for(server, dns), ttl=60, clock=lambda: now[0])
    verifier.verify(url(server, "/feed"))
    now[0] = 61.0
    verifier.verify(url(server, "/feed"))
    assert server.paths() == ["/feed", "/feed"]


def test_a_dns_lookup_that_hangs_fails_within_the_timeout() -> None:
    answer = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        answer.wait(5)  # a resolver that does not answer in time
        return ["93.184.215.14"]

    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed, match=r"did not resolve: no answer in 0\.3 s") as caught:
            NetGuard(resolver=hanging, timeout=0.3).fetch("https://jane.example/")
    finally:
        answer.set()
    assert caught.value.code == "link.unreachable"
    assert time.monotonic() - started < 2
