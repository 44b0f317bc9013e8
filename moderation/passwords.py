"""Moderator passwords: scrypt hashes in one self-describing string, and their verification.

The stored form is `scrypt$n$r$p$salt_b64$hash_b64`: the cost parameters travel with each hash,
so raising them later leaves old hashes verifiable. Only the CLI (which sets passwords) and the
login (which checks them) see a password; neither stores nor logs it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1  # 16 MiB and ~50 ms per hash: slow for a guesser, fine for a login
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 12
_MAX_N = 2**20  # a hash asking for more memory than this is not one we wrote


def hash_password(password: str) -> str:
    """A fresh salted hash of `password`, for the moderators table."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, N, R, P)
    return "$".join(("scrypt", str(N), str(R), str(P), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by `hash_password`; malformed hashes never do."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        salt_bytes, key_bytes = base64.b64decode(salt, validate=True), base64.b64decode(key)
    except ValueError:
        return False
    power_of_two = 1 < n_ <= _MAX_N and n_ & (n_ - 1) == 0
    if scheme != "scrypt" or not (power_of_two and 0 < r_ <= 32 and 0 < p_ <= 16):
        return False
    if len(salt_bytes) < SALT_BYTES or len(key_bytes) < 16:
        return False
    derived = _derive(password, salt_bytes, n_, r_, p_, len(key_bytes))
    return hmac.compare_digest(derived, key_bytes)


def spend_verification_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown user costs as long as a wrong password.

    Without it, the login's answer time would tell which usernames exist.
    """
    verify_password(password, _throwaway_hash())


@functools.cache
def _throwaway_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    # maxmem: scrypt needs 128·r·n bytes (plus a little); OpenSSL's default cap is 32 MiB.
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=129 * r * n + 2**20,
        dklen=length,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
