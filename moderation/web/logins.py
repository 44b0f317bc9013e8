"""The login's decisions, away from HTTP: the failed-login limit, the password check, sessions.

Everything here blocks (scrypt, the database), so the login handler runs it in a thread. The
limit counts failures per client address and per username in the store, so it holds across
restarts and several workers; a refused attempt is logged but not counted, so waiting it out
works even while someone keeps trying.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
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


def token_hash(token: str) -> str:
    """What the sessions table keeps of a cookie token: a database copy logs nobody in."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def authenticate(
    store: Store, settings: Settings, username: str, password: str, ip: str
) -> tuple[int, bool]:
    """One login attempt, limited, checked and logged: (seconds to wait or 0, password right?)."""
    if wait := login_wait(store, settings, username, ip):
        logger.warning("moderate: login refused for %r from %s: too many failures", username, ip)
        return wait, False
    stored = store.password_hash(username) if username else None
    if stored is None or len(password) > MAX_PASSWORD_CHARS:
        # An unknown user costs as long as a wrong password: timing tells no usernames.
        spend_verification_time(password[:MAX_PASSWORD_CHARS])
        ok = False
    else:
        ok = verify_password(password, stored)
    store.record_login(username, ip, ok)
    if ok:
        logger.info("moderate: %r logged in from %s", username, ip)
    else:
        logger.warning("moderate: login failed for %r from %s", username, ip)
    return 0, ok


def login_wait(store: Store, settings: Settings, username: str, ip: str) -> int:
    """Seconds until this client, or anyone for this username, may try again; 0: go ahead."""
    limit = settings["COMMENTS_LOGIN_ATTEMPTS"]
    window = timedelta(seconds=settings["COMMENTS_LOGIN_WINDOW"])
    if limit <= 0:
        return 0
    now = datetime.now(UTC)
    waits = [0]
    for failures in (
        store.login_failures(window, ip=ip),
        store.login_failures(window, username=username),
    ):
        if len(failures) >= limit:
            # The window opens again when the failure that filled it ages out.
            opens = failures[-limit] + window
            waits.append(max(1, math.ceil((opens - now).total_seconds())))
    return max(waits)


def open_session(store: Store, username: str, hours: float, old_token: str) -> str:
    """A new session and its cookie token; the one this browser had before ends (fixation)."""
    if old_token:
        store.end_session(token_hash(old_token))
    token = secrets.token_urlsafe(32)
    store.start_session(
        token_hash(token), username, secrets.token_urlsafe(32), timedelta(hours=hours)
    )
    return token
