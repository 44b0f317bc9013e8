"""`moderate`'s documented contract: `--status all`; exit 2 for a bad database URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

MODERATE = str(Path(sys.executable).with_name("moderate"))
COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "The coffee rule works for me; I met two people this way.",
}


def moderate(settings_file: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATE, "--settings", str(settings_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **environ},
    )


@pytest.mark.slow
def test_queue_status_all_lists_every_status(start_service) -> None:
    live = start_service()
    ids = []
    for url in ("https://adalovelace.net/", "https://bit.ly/abc"):
        answer = httpx.post(f"{live.url}/api/comments", json={**COMMENT, "url": url}, timeout=10)
        ids.append(answer.json()["id"])
    result = moderate(live.project.settings_file, "queue", "--status", "all", "--json")
    assert result.returncode == 0, result.stderr
    listed = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(c["id"] for c in listed) == sorted(ids)
    assert {c["status"] for c in listed} == {"pending", "held"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "url"),
    [
        ("queue", "postgres://db.example/comments"),
        ("stats", "not a url"),
        ("queue", "sqlite:///:memory:"),
        ("approve", "sqlite:////proc/no-such-folder/comments.sqlite3"),
        ("queue", "sqlite:///{not_a_database}"),
    ],
    ids=["other-scheme", "no-scheme", "memory", "cannot-create", "not-a-database"],
)
def test_bad_database_url_exits_2_naming_the_setting(project, command, url) -> None:
    not_a_database = project.root / "notes.txt"
    not_a_database.write_text("not a database, but long enough to have a header\n" * 4)
    url = url.format(not_a_database=not_a_database)
    args = (command, "1") if command == "approve" else (command,)
    result = moderate(project.settings_file, *args, COMMENTS_DATABASE_URL=url)
    assert result.returncode == 2, result.stderr
    assert "COMMENTS_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
