"""A commenter's blog with its own IndieAuth server, for tests: loopback only, reached as
`juli.test` (and `other.test`, another site on the same server).

The profile page advertises the server the way a test asks (`discovery`); the authorization
page has an "Approve" button; the code exchange checks the PKCE verifier against the
challenge as a real server must. Knobs make it misbehave as an attacker in the middle would:
send back another `state`, keep another challenge than the one we sent, or vouch for a
profile on another host.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from moderation.netguard import NetGuard

HOSTS = ("juli.test", "other.test")
METADATA_PATH = "/.well-known/oauth-authorization-server"


@dataclass
class Grant:
    """A code handed out: what it was asked for with."""

    client_id: str
    redirect_uri: str
    challenge: str


@dataclass
class AuthServer:
    """State and knobs of the server; the handler reads them."""

    port: int = 0
    discovery: str = "html-metadata"  # link-metadata, html-metadata, html-authorization, none
    forge_state: bool = False
    tamper_challenge: bool = False
    me: str = ""  # the profile URL the exchange returns; default: the blog's home page
    requests: list[dict[str, str]] = field(default_factory=list)  # authorization requests
    exchanges: list[dict[str, str]] = field(default_factory=list)  # code exchanges
    grants: dict[str, Grant] = field(default_factory=dict)

    def url(self, path: str = "/", host: str = "juli.test") -> str:
        port = "" if self.port == 80 else f":{self.port}"
        return f"http://{host}{port}{path}"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    @property
    def auth(self) -> AuthServer:
        return self.server.auth

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/":
            self._profile()
        elif path == METADATA_PATH:
            metadata = {
                "issuer": self.auth.url("/"),
                "authorization_endpoint": self.auth.url("/auth"),
                "token_endpoint": self.auth.url("/token"),
                "code_challenge_methods_supported": ["S256"],
            }
            self._send(200, "application/json", json.dumps(metadata).encode())
        elif path == "/auth":
            self._authorization_page(dict(parse_qsl(query)))
        else:
            self._send(404, "text/plain", b"not here")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/auth/approve":
            self._approve(form)
        elif self.path == "/auth":
            self._exchange(form)
        else:
            self._send(404, "text/plain", b"not here")

    def _profile(self) -> None:
        how = self.auth.discovery
        head, headers = "", {}
        if how == "link-metadata":
            headers["Link"] = f'<{METADATA_PATH}>; rel="indieauth-metadata"'
        elif how == "html-metadata":
            head = f'<link rel="indieauth-metadata" href="{METADATA_PATH}">'
        elif how == "html-authorization":
            head = '<link rel="authorization_endpoint" href="/auth">'
        page = f"<!doctype html><html><head>{head}</head><body><p>Juli's blog</p></body></html>"
        self._send(200, "text/html; charset=utf-8", page.encode(), headers)

    def _authorization_page(self, request: dict[str, str]) -> None:
        if request.get("response_type") != "code" or request.get("code_challenge_method") != "S256":
            self._send(400, "text/plain", b"response_type=code with S256 PKCE, please")
            return
        self.auth.requests.append(request)
        hidden = "".join(
            f'<input type="hidden" name="{key}" value="{html.escape(request.get(key, ""))}">'
            for key in ("client_id", "redirect_uri", "state", "code_challenge")
        )
        page = (
            "<!doctype html><html><head><title>Sign in to juli.test</title></head><body>"
            f"<p>{html.escape(request.get('client_id', ''))} asks who you are.</p>"
            f'<form method="post" action="/auth/approve">{hidden}'
            '<button type="submit">Approve</button></form></body></html>'
        )
        self._send(200, "text/html; charset=utf-8", page.encode())

    def _approve(self, form: dict[str, str]) -> None:
        code = secrets.token_urlsafe(16)
        challenge = (
            s256("not-the-verifier-you-hold")
            if self.auth.tamper_challenge
            else form["code_challenge"]
        )
        self.auth.grants[code] = Grant(form["client_id"], form["redirect_uri"], challenge)
        state = "forged-state" if self.auth.forge_state else form["state"]
        answer = urlencode({"code": code, "state": state, "iss": self.auth.url("/")})
        self._send(302, "text/plain", b"", {"Location": f"{form['redirect_uri']}?{answer}"})

    def _exchange(self, form: dict[str, str]) -> None:
        self.auth.exchanges.append(form)
        grant = self.auth.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return self._error("invalid_grant", "unknown or used code")
        if (form.get("client_id"), form.get("redirect_uri")) != (
            grant.client_id,
            grant.redirect_uri,
        ):
            return self._error("invalid_grant", "client_id or redirect_uri differs")
        if s256(form.get("code_verifier", "")) != grant.challenge:
            return self._error("invalid_grant", "code_verifier does not match the code_challenge")
        me = self.auth.me or self.auth.url("/")
        self._send(200, "application/json", json.dumps({"me": me}).encode())

    def _error(self, error: str, description: str) -> None:
        body = json.dumps({"error": error, "error_description": description}).encode()
        self._send(400, "application/json", body)

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, auth: AuthServer, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.auth = auth
        auth.port = self.server_address[1]


@contextmanager
def serving_auth_server(port: int = 0) -> Iterator[AuthServer]:
    """The blog and its IndieAuth server, serving on a thread until the block ends; on a free
    port unless told (the screenshots use 80, so the blog's address has none)."""
    auth = AuthServer()
    server = _Server(auth, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield auth
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def guard_for(auth: AuthServer) -> NetGuard:
    """NetGuard that treats juli.test and other.test (this server) as public, and only them."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in HOSTS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return ["127.0.0.1"]

    return NetGuard(
        resolver=resolve,
        allow_private_hosts=frozenset(HOSTS),
        allowed_ports=frozenset({auth.port}),
        timeout=2.0,
    )
