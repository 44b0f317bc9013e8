"""`single_address`: one plain address in, its normal form out; anything else refused."""

from __future__ import annotations

import pytest

from moderation.emailaddress import InvalidEmailAddress, single_address


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ada@adalovelace.net", "ada@adalovelace.net"),
        ("  ada@adalovelace.net \n", "ada@adalovelace.net"),
        ("Ada.Lovelace+blog@AdaLovelace.NET", "Ada.Lovelace+blog@adalovelace.net"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@mail.example.", "ada@mail.example"),
    ],
    ids=["plain", "outer-space", "domain-case", "apostrophe", "idn-domain", "trailing-dot"],
)
def test_one_plain_address_is_accepted_and_normalised(raw: str, expected: str) -> None:
    assert single_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("=?utf-8?q?a=40evil.example=2Cb=40evil.example?=x@ada.example", "encoded word"),
        ("=?utf-8?b?YUBldmlsLmV4YW1wbGU=?=@ada.example", "encoded word"),
        ("root,attacker@evil.example", "more than one"),
        ("a@evil.example, b@evil.example", "more than one"),
        ("a@evil.example;b@evil.example", "more than one"),
        ("Ada <ada@adalovelace.net>", "spaces"),
        ("<ada@adalovelace.net>", "without a name"),
        ('"a,b"@adalovelace.net', "more than one"),
        ('"ada"@adalovelace.net', "without a name"),
        ("ada(comment)@adalovelace.net", "without a name"),
        ("group:ada@adalovelace.net", "without a name"),
        ("ada@[127.0.0.1]", "without a name"),
        ("ada@adalovelace.net\r\nBcc: b@evil.example", "spaces or control"),
        ("ada@adalovelace.net\x00", "spaces or control"),
        ("ada\u200b@adalovelace.net", "spaces or control"),
        ("ada lovelace@example.net", "spaces"),
        ("ada@b@example.net", "exactly one @"),
        ("ada.example.net", "exactly one @"),
        ("@example.net", "exactly one @"),
        ("ada@", "not a domain"),
        ("ada@localhost", "not a domain"),
        ("ada@127.0.0.1", "not a domain"),
        ("ada@exa_mple.net", "not a domain"),
        ("ada@-example.net", "not a domain"),
        ("a..da@example.net", "before the @"),
        (".ada@example.net", "before the @"),
        ("x" * 65 + "@example.net", "before the @"),
        ("ädä@example.net", "ASCII"),
        ("x" * 64 + "@" + ("b" * 63 + ".") * 3 + "example", "longer than 254"),
        ("", "empty"),
    ],
    ids=[
        "encoded-word-list",
        "encoded-word-base64",
        "comma",
        "comma-space",
        "semicolon",
        "display-name",
        "angle-brackets",
        "quoted-comma",
        "quoted-local",
        "comment",
        "group",
        "domain-literal",
        "header-injection",
        "nul",
        "zero-width-space",
        "inner-space",
        "two-ats",
        "no-at",
        "no-local",
        "no-domain",
        "single-label",
        "ip-domain",
        "underscore-domain",
        "hyphen-label",
        "double-dot",
        "leading-dot",
        "long-local",
        "non-ascii-local",
        "too-long",
        "empty",
    ],
)
def test_anything_but_one_plain_address_is_refused(raw: str, says: str) -> None:
    with pytest.raises(InvalidEmailAddress, match=says):
        single_address(raw)


def test_refusal_is_a_value_error_for_callers_outside_the_service() -> None:
    with pytest.raises(ValueError):
        single_address("root,attacker@evil.example")
