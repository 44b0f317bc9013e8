"""The only outbound HTTP fetcher: it resolves each hop once, checks the addresses, then connects.

Commenters choose the links we open, so every fetch could be a server-side request forgery.
For every hop (the first URL and each redirect) the guard parses the URL and refuses schemes
other than http(s), credentials and IP literals. It resolves the host name and refuses the hop
when ANY of the resolved addresses is not public. Then it connects to that checked address
itself: no second DNS lookup that a rebinding attacker could answer differently. The guard
still sends the real `Host` header and TLS SNI, and verifies the certificate against the host
name. Redirects are followed by hand and re-checked. Bodies are streamed and capped.

`fetch` holds the fetcher, `addresses` the host and address checks, `resolver` the lookups
and their deadline, `results` what a fetch returns or raises; callers import from here.
"""

from __future__ import annotations

from .addresses import address_problem, ascii_host, is_ip_literal
from .fetch import DEFAULT_PORTS, USER_AGENT, NetGuard
from .resolver import Resolver, system_resolver
from .results import FetchError, FetchFailed, FetchRefused, FetchResult

__all__ = [
    "DEFAULT_PORTS",
    "USER_AGENT",
    "FetchError",
    "FetchFailed",
    "FetchRefused",
    "FetchResult",
    "NetGuard",
    "Resolver",
    "address_problem",
    "ascii_host",
    "is_ip_literal",
    "system_resolver",
]
