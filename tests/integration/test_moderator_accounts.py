"""Moderator accounts in the store: passwords, sessions and their expiry, login attempts."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clock import Clock

from moderation.passwords import hash_password

MODERATE = str(Path(sys.executable).with_name("moderate"))
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
HOURS = timedelta(hours=12)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


def test_set_password_adds_then_changes(store) -> None:
    assert store.set_password("robin", "scrypt$first") is True
    assert store.set_password("robin", "scrypt$second") is False
    assert store.password_hash("robin") == "scrypt$second"
    assert store.password_hash("nobody") is None


def test_session_lives_until_it_expires(store, clock) -> None:
    store.set_password("robin", hash_password("a" * 12))
    started = store.start_session("hash-1", "robin", "csrf-1", HOURS)
    assert (started.username, started.expires_at) == ("robin", START + HOURS)
    assert store.session("hash-1") == started
    clock.now = START + HOURS
    assert store.session("hash-1") is None


@pytest.mark.parametrize(
    "ending",
    [
        lambda store: store.end_session("hash-1"),
        lambda store: store.set_password("robin", "scrypt$new"),
        lambda store: store.remove_moderator("robin"),
    ],
    ids=["logout", "new-password", "removed"],
)
def test_session_ends(store, ending) -> None:
    store.set_password("robin", "scrypt$old")
    store.start_session("hash-1", "robin", "csrf-1", HOURS)
    ending(store)
    assert store.session("hash-1") is None


def test_removing_an_unknown_moderator_says_so(store) -> None:
    assert store.remove_moderator("nobody") is False


def test_login_failures_count_within_the_window_by_client_name_or_both(store, clock) -> None:
    store.record_login("robin", "client-1", False)
    clock.now += timedelta(minutes=10)
    store.record_login("robin", "client-2", False)
    store.record_login("ann", "client-1", False)
    store.record_login("robin", "client-1", True)
    window = timedelta(minutes=15)
    assert len(store.login_failures(window, username="robin")) == 2
    assert len(store.login_failures(window, client="client-1")) == 2
    assert len(store.login_failures(window, username="robin", client="client-1")) == 1
    clock.now += timedelta(minutes=6)
    assert store.login_failures(window, username="robin") == [START + timedelta(minutes=10)]
    with pytest.raises(ValueError, match="give a username, a client or both"):
        store.login_failures(window)


def test_client_data_retention_deletes_old_login_attempts(store, clock) -> None:
    store.record_login("robin", "client-1", False)
    clock.now += timedelta(days=31)
    store.erase_client_data(timedelta(days=30))
    assert store.login_failures(timedelta(days=365), client="client-1") == []


@pytest.mark.parametrize("command", ["set-password", "remove-moderator"])
def test_account_commands_have_help(command: str) -> None:
    result = subprocess.run(
        [MODERATE, command, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize(
    "username",
    ["", "two words", "x" * 65, "semi;colon"],
    ids=["empty", "space", "too-long", "semicolon"],
)
def test_set_password_refuses_odd_usernames(project, username: str) -> None:
    result = subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), "set-password", username],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "username" in result.stderr
