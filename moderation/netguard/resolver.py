"""Name resolution for the guard: the system resolver, and a deadline it does not have."""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# The system resolver has no timeout argument; lookups run here so a check can stop waiting.
# A lookup that never answers keeps its thread until the resolver's own timeout, so the pool
# is small: when it is full of stuck lookups, later ones time out too (and the link is held).
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="netguard-dns")


def resolve_within(timeout: float, resolver: Resolver, host: str, port: int) -> list[str]:
    """`resolver(host, port)`, or TimeoutError after `timeout` seconds."""
    lookup = _LOOKUPS.submit(resolver, host, port)
    try:
        return lookup.result(timeout)
    except FutureTimeout:
        lookup.cancel()
        raise TimeoutError(f"no answer in {timeout:g} s") from None
