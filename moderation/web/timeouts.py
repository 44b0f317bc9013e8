"""A deadline for each request to arrive: slow or silent clients are cut off by the service itself.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but a client that
connects and sends nothing, half a header or half a body is kept forever (measured with
uvicorn 0.54: all three still open after 12 s). A few hundred such connections tie up the
service when it faces the internet without a proxy (`make run`). This protocol gives every
request `request_timeout` seconds, counted from the connection's start or the end of the
previous response, to arrive whole (headers and body); then the connection gets a 408 and is
closed. Time the application spends answering is not counted.

In the documented production set-up nginx applies its own, shorter timeouts first
(deploy/nginx/site.conf.j2); this is the second line.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

DEFAULT_REQUEST_TIMEOUT = 15.0
_TIMEOUT_TEXT = b"The request did not arrive in time: closed.\n"
REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT)
)


class RequestDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request to arrive."""

    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None
    _bytes_since_response = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        self._bytes_since_response = True
        super().data_received(data)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._bytes_since_response = False
        cycle = self.cycle
        # A pipelined request already received whole needs no deadline; one still arriving does.
        if cycle is None or cycle.response_complete or cycle.more_body:
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if self.transport is not None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        """Too slow: say so when a request had begun and no answer has started, then close."""
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        answering = cycle is not None and not cycle.response_complete and cycle.response_started
        if self._bytes_since_response and not answering:
            self.transport.write(REQUEST_TIMEOUT_RESPONSE)
        self.transport.close()


def protocol_with_timeout(seconds: float) -> type[RequestDeadlineProtocol]:
    """The protocol class for `uvicorn.Config(http=…)`, with this many seconds per request."""
    if seconds <= 0:
        raise ValueError(f"request timeout must be positive, not {seconds!r}")
    return type("RequestDeadlineProtocol", (RequestDeadlineProtocol,), {"request_timeout": seconds})
