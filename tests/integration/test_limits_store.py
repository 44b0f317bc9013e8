"""The shared limits in a real SQLite file with a clock the tests move: rate-limit counts,
used form tokens, failed logins and the slowdown they cause."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from clock import Clock

from moderation.store import SQLiteStore
from moderation.store.migrations import MIGRATIONS, add_shared_limits, migrate
from moderation.web.logins import LoginRules, login_limit
from moderation.web.security import AddressKeys

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
RULES = LoginRules(
    per_user_and_address=5, per_address=20, window=timedelta(minutes=15), max_delay=5.0
)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


def table_rows(store: SQLiteStore, table: str) -> int:
    with closing(sqlite3.connect(store.path)) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_rate_limit_counts_requests_in_a_sliding_window(store, clock) -> None:
    assert [store.count_request("a", 3, MINUTE) for _ in range(3)] == [0, 0, 0]
    clock.now += timedelta(seconds=20)
    assert store.count_request("a", 3, MINUTE) == pytest.approx(40)  # the first ones age out
    assert store.count_request("b", 3, MINUTE) == 0  # another client has its own count
    clock.now += timedelta(seconds=40)
    assert store.count_request("a", 3, MINUTE) == 0


def test_refused_requests_are_not_counted(store, clock) -> None:
    for _ in range(2):
        store.count_request("a", 2, MINUTE)
    for _ in range(10):
        clock.now += timedelta(seconds=5)
        assert store.count_request("a", 2, MINUTE) > 0
    clock.now = START + MINUTE
    assert store.count_request("a", 2, MINUTE) == 0


def test_rate_limit_forgets_old_counts(store, clock) -> None:
    for client in ("a", "b", "c"):
        store.count_request(client, 5, MINUTE)
    clock.now += MINUTE
    store.count_request("d", 5, MINUTE)
    assert table_rows(store, "rate_limit_counts") == 1


def test_form_nonce_is_good_once_until_forgotten(store, clock) -> None:
    keep = timedelta(days=1)
    assert store.use_form_nonce("n1", keep)
    assert not store.use_form_nonce("n1", keep)
    assert store.use_form_nonce("n2", keep)
    clock.now += keep
    assert store.use_form_nonce("n3", keep)
    assert table_rows(store, "used_form_tokens") == 1  # n1 and n2 expired, and went


def test_username_slowdown_grows_to_its_bound_and_never_refuses_a_clean_address(
    store, clock
) -> None:
    delays = []
    for n in range(12):
        store.record_login("robin", f"attacker-{n}", False)
        clock.now += timedelta(seconds=10)
        limit = login_limit(store, RULES, "robin", "203.0.113.9", "owner", clock.now)
        assert limit.wait == 0
        delays.append(limit.delay)
    assert delays[:4] == [0, 0, 0, 0]  # within one pair's allowance: the owner's typos
    assert delays[4:9] == [0.25, 0.5, 1, 2, 4]
    assert delays[9:] == [5, 5, 5]


def test_slowdown_ends_with_the_window(store, clock) -> None:
    for n in range(10):
        store.record_login("robin", f"attacker-{n}", False)
    clock.now += RULES.window
    assert login_limit(store, RULES, "robin", "203.0.113.9", "owner", clock.now).delay == 0


@pytest.mark.parametrize(
    ("failures", "username"),
    [([("robin", "here")] * 5, "robin"), ([(f"user{n}", "here") for n in range(20)], "ann")],
    ids=["per-user-and-address", "per-address"],
)
def test_login_limits_refuse_until_the_first_failure_ages_out(
    store, clock, failures, username
) -> None:
    for name, client in failures:
        store.record_login(name, client, False)
        clock.now += timedelta(seconds=20)
    limit = login_limit(store, RULES, username, "198.51.100.1", "here", clock.now)
    first_ages_out = START + RULES.window
    assert limit.wait == (first_ages_out - clock.now).total_seconds()
    assert login_limit(store, RULES, username, "203.0.113.9", "elsewhere", clock.now).wait == 0


def test_address_keys_recognise_an_address_without_keeping_it() -> None:
    keys = AddressKeys("secret")
    assert keys.of("198.51.100.7") == keys.of("198.51.100.7")
    assert keys.of("198.51.100.7") != keys.of("198.51.100.8")
    assert keys.of("198.51.100.7") != AddressKeys("other secret").of("198.51.100.7")
    assert "198" not in keys.of("198.51.100.7")


def test_migration_blanks_the_addresses_of_earlier_login_attempts(tmp_path) -> None:
    before = MIGRATIONS[: MIGRATIONS.index(add_shared_limits)]
    with closing(sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)) as db:
        migrate(db, before)
        db.execute(
            "INSERT INTO login_attempts (at, username, ip, succeeded)"
            " VALUES ('2025-03-01T09:00:00.000000+00:00', 'robin', '198.51.100.7', 0)"
        )
        migrate(db)
        rows = db.execute("SELECT username, client, succeeded FROM login_attempts").fetchall()
    assert rows == [("robin", "", 0)]
