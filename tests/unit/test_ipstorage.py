"""What of an IP address the store keeps: the network (IPv4 /24, IPv6 /48), all or nothing."""

from __future__ import annotations

import pytest

from moderation.errors import SettingsError
from moderation.ipstorage import IpStorage, stored_ip


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("203.0.113.9", "203.0.113.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("::ffff:198.51.100.7", "198.51.100.0"),
        ("fe80::1%eth0", "fe80::"),
        ("testclient", ""),
        ("", ""),
    ],
    ids=["ipv4", "ipv6", "ipv4-mapped", "ipv6-zone", "not-an-address", "none"],
)
def test_truncated_keeps_the_network_only(address: str, kept: str) -> None:
    assert stored_ip(address) == kept


@pytest.mark.parametrize(
    ("storage", "kept"),
    [(IpStorage.WHOLE, "203.0.113.9"), (IpStorage.NONE, "")],
    ids=["whole", "none"],
)
def test_the_setting_can_keep_all_or_nothing(storage: IpStorage, kept: str) -> None:
    assert stored_ip("203.0.113.9", storage) == kept


def test_an_unknown_setting_names_the_choices() -> None:
    with pytest.raises(SettingsError, match=r"COMMENTS_STORE_IP='partly'.*'truncated'"):
        IpStorage.from_setting("partly")
