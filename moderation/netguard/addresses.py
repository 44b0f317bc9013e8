"""Which hosts and addresses the guard accepts: IP literals in any notation, IDNA host names,
and whether a resolved address is public unicast (embedded IPv4 in IPv6 judged as IPv4).

Pure functions, also used by the link rules to judge a commenter's link without fetching it.
"""

from __future__ import annotations

import ipaddress
import re

import idna

# WHATWG URL: a host whose last label is a number is an IPv4 address in some notation.
_NUMBER = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


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
