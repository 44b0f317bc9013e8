"""Moderator password hashes: scrypt parameters, salts, and refusal of anything malformed."""

from __future__ import annotations

import base64

import pytest

from moderation.passwords import (
    SALT_BYTES,
    N,
    P,
    R,
    hash_password,
    verify_password,
)

PASSWORD = "correct horse battery staple"


def test_hash_names_scheme_parameters_salt_and_key() -> None:
    scheme, n, r, p, salt, key = hash_password(PASSWORD).split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", N, R, P) == ("scrypt", 2**14, 8, 1)
    assert len(base64.b64decode(salt)) == SALT_BYTES == 16
    assert len(base64.b64decode(key)) == 32


def test_hash_verifies_its_password_and_only_that() -> None:
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD.upper(), stored)
    assert not verify_password("", stored)


def test_same_password_gets_a_new_salt_each_time() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)


def test_non_ascii_passwords_work() -> None:
    assert verify_password("pässwörd-äöü-✓✓", hash_password("pässwörd-äöü-✓✓"))


def _with(part: int, value: str) -> str:
    fields = hash_password(PASSWORD).split("$")
    fields[part] = value
    return "$".join(fields)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain text password",
        PASSWORD,
        "scrypt$16384$8$1$onlyfive",
        "pbkdf2$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5",
        _with(1, "1000"),
        _with(1, "abc"),
        _with(1, str(2**30)),
        _with(2, "0"),
        _with(4, "not base64!"),
        _with(4, base64.b64encode(b"short").decode()),
        _with(5, ""),
    ],
    ids=[
        "empty",
        "text",
        "the-password-itself",
        "too-few-fields",
        "other-scheme",
        "n-not-power-of-two",
        "n-not-a-number",
        "n-too-large",
        "r-zero",
        "salt-not-base64",
        "salt-too-short",
        "no-key",
    ],
)
def test_malformed_hash_never_verifies(stored: str) -> None:
    assert verify_password(PASSWORD, stored) is False


def test_tampered_key_does_not_verify() -> None:
    scheme, n, r, p, salt, key = hash_password(PASSWORD).split("$")
    flipped = bytearray(base64.b64decode(key))
    flipped[0] ^= 1
    tampered = "$".join((scheme, n, r, p, salt, base64.b64encode(bytes(flipped)).decode()))
    assert not verify_password(PASSWORD, tampered)
