"""The login's decisions, away from HTTP: the failed-login limits, the password check, sessions.

Failures are counted in the store (so the limits hold across restarts and workers) under a key
derived from the client's address (`security.AddressKeys`). Two limits refuse: too many
failures from one address, and too many for one username from one address. Failures for a
username from everywhere only slow its logins down, within COMMENTS_LOGIN_MAX_DELAY: a block
there would let anyone who knows a username keep its owner out (issue 13), while the owner
with the right password, from an address without failures, always gets in. Guessing stays
expensive: each address gets few tries, each try costs an scrypt, and a username under attack
answers slowly. A refused attempt is logged but not counted, so waiting it out works.

Everything here blocks (scrypt, the database), so the login handler runs it in a thread, and
waits out the slowdown itself, without holding a thread.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..passwords import spend_verification_time, verify_password
from ..settings import Settings
from ..store.base import Store

logger = logging.getLogger(__name__)
# Pelican's logger class (pelican.log.LimitFilter) drops any warning it has logged before, which
# would record only the first of a run of identical failed logins: every attempt must be logged.
for _duplicates in list(logger.filters):
    logger.removeFilter(_duplicates)

MAX_PASSWORD_CHARS = 1024
FIRST_DELAY = 0.25  # seconds, at the first failure past the per-(user, address) allowance


@dataclass(frozen=True)
class LoginRules:
    """The failed-login limits (COMMENTS_LOGIN_*); a limit of 0 or less is off."""

    per_user_and_address: int
    per_address: int
    window: timedelta
    max_delay: float

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginRules:
        return cls(
            per_user_and_address=settings["COMMENTS_LOGIN_ATTEMPTS"],
            per_address=settings["COMMENTS_LOGIN_ADDRESS_ATTEMPTS"],
            window=timedelta(seconds=settings["COMMENTS_LOGIN_WINDOW"]),
            max_delay=settings["COMMENTS_LOGIN_MAX_DELAY"],
        )

    def delay(self, username_failures: int) -> float:
        """The slowdown for a username with that many recent failures from anywhere.

        None up to the allowance of one (user, address) pair, so the owner's own typos cost
        nothing; then doubling from FIRST_DELAY with each failure, never above `max_delay`.
        """
        past = username_failures - max(self.per_user_and_address, 0)
        if past < 0 or self.max_delay <= 0:
            return 0.0
        return min(self.max_delay, FIRST_DELAY * 2.0 ** min(past, 64))


@dataclass(frozen=True)
class LoginLimit:
    """Seconds before this address may try again (0: go ahead), and the slowdown to spend."""

    wait: int
    delay: float


def login_limit(
    store: Store,
    rules: LoginRules,
    username: str,
    ip: str,
    client: str,
    now: datetime | None = None,
) -> LoginLimit:
    """What the failed-login rules say about this attempt, before its password is looked at.

    :param client: the address's key (`AddressKeys.of`): the store counts failures by it.
    """
    now = now or datetime.now(UTC)
    waits = [0]
    for failures, limit in (
        (store.login_failures(rules.window, client=client), rules.per_address),
        (
            store.login_failures(rules.window, username=username, client=client),
            rules.per_user_and_address,
        ),
    ):
        if 0 < limit <= len(failures):
            # The limit opens again when the failure that filled it ages out.
            opens = failures[-limit] + rules.window
            waits.append(max(1, math.ceil((opens - now).total_seconds())))
    if max(waits):
        logger.warning("moderate: login refused for %r from %s: too many failures", username, ip)
    everywhere = len(store.login_failures(rules.window, username=username))
    return LoginLimit(max(waits), rules.delay(everywhere))


def check_password(store: Store, username: str, password: str, ip: str, client: str) -> bool:
    """The password check itself, recorded and logged (the log names the address)."""
    stored = store.password_hash(username) if username else None
    if stored is None or len(password) > MAX_PASSWORD_CHARS:
        # An unknown user costs as long as a wrong password: timing tells no usernames.
        spend_verification_time(password[:MAX_PASSWORD_CHARS])
        ok = False
    else:
        ok = verify_password(password, stored)
    store.record_login(username, client, ok)
    if ok:
        logger.info("moderate: %r logged in from %s", username, ip)
    else:
        logger.warning("moderate: login failed for %r from %s", username, ip)
    return ok


def token_hash(token: str) -> str:
    """What the sessions table keeps of a cookie token: a database copy logs nobody in."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(store: Store, username: str, hours: float, old_token: str) -> str:
    """A new session and its cookie token; the one this browser had before ends (fixation)."""
    if old_token:
        store.end_session(token_hash(old_token))
    token = secrets.token_urlsafe(32)
    store.start_session(
        token_hash(token), username, secrets.token_urlsafe(32), timedelta(hours=hours)
    )
    return token
