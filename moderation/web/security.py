"""Request-level protection: client addresses, rate limits, CORS and security headers.

Pure ASGI middleware (not BaseHTTPMiddleware): it sits on the intake's hot path, and a
plain callable costs far less per request.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Iterable
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.base import Store

# The service's own pages: nothing from elsewhere, no framing, forms post only here.
SERVICE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The blog's static pages, when the service serves them: the click-to-load video players
# are the only outside content, and only after a click.
SITE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src https://player.vimeo.com https://www.youtube-nocookie.com; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class ClientAddress:
    """The client's IP: the socket peer, or X-Forwarded-For when the peer is a trusted proxy."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def of(self, request: Request) -> str:
        peer = request.client.host if request.client else ""
        if not self.trusted or not self._is_trusted(peer):
            return peer
        # Walk from the nearest hop back; the first address we do not trust is the client.
        hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if not self._is_trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer  # a forged, malformed header: fall back to what we know
        return peer


class AddressKeys:
    """What the database keeps of a client address for the limits: an HMAC with our secret.

    Keys recognise an address again without revealing it: without the secret, a copy of the
    database cannot be turned back into addresses, not even by trying all 2^32 IPv4 ones.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("address keys need a secret")
        self._secret = secret.encode()

    def of(self, address: str) -> str:
        message = b"client-address:" + address.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]


class RateLimiter:
    """Comments per client address per window, counted in the database every worker shares."""

    def __init__(self, store: Store, keys: AddressKeys, limit: int, window: float) -> None:
        self.store = store
        self.keys = keys
        self.limit = limit
        self.window = timedelta(seconds=window)

    async def retry_after(self, address: str) -> int:
        """0 when the client may go ahead (and count it); else whole seconds to wait."""
        if self.limit <= 0:
            return 0
        wait = await run_in_threadpool(
            self.store.count_request, self.keys.of(address), self.limit, self.window
        )
        return max(1, math.ceil(wait)) if wait > 0 else 0


class SecurityHeaders:
    """Adds the security headers every response needs; HTML gets a Content-Security-Policy."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.production:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                if headers.get("content-type", "").startswith("text/html"):
                    csp = SERVICE_CSP if _is_service_path(scope["path"]) else SITE_CSP
                    headers.setdefault("Content-Security-Policy", csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_service_path(path: str) -> bool:
    return path.startswith(("/api/", "/comments/", "/moderate", "/indieauth/"))
