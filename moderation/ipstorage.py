"""What of a commenter's IP address the database keeps (COMMENTS_STORE_IP).

A whole address identifies a household or a phone; its network is enough to recognise a
flood from one place in the audit, which is all moderators need once the rate limiter (which
sees the whole address, in memory) has done its work. So by default the store keeps the
network only, as Isso does: IPv4 /24, IPv6 /48. The store applies it to every comment it
receives, whichever door it came through (form, CLI, importers).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from .errors import SettingsError

IPV4_PREFIX = 24
IPV6_PREFIX = 48


class IpStorage(StrEnum):
    TRUNCATED = "truncated"
    WHOLE = "whole"
    NONE = "none"

    @classmethod
    def from_setting(cls, value: str) -> IpStorage:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(repr(c.value) for c in cls)
            raise SettingsError(f"COMMENTS_STORE_IP={value!r}: choose one of {choices}") from None


def stored_ip(address: str, storage: IpStorage = IpStorage.TRUNCATED) -> str:
    """The part of `address` to keep; text that is not an IP address is not kept at all."""
    if storage is IpStorage.WHOLE:
        return address
    if storage is IpStorage.NONE or not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""  # a test client's "testclient", a proxy's garbage: nothing worth keeping
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
