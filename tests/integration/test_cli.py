"""The `moderate` command, run as a real process against a throwaway copy of the blog."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sitecheck import parse

from moderation.model import Status
from moderation.publish import SiteBuilder

MODERATE = str(Path(sys.executable).with_name("moderate"))
COMMENT = {
    "article": "coffee-meal-beer-rule",
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "email": "ada@adalovelace.net",
    "body": "The coffee rule works for me; I met two people this way.",
}


def moderate(project, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def submit(live, **change: str) -> int:
    response = httpx.post(f"{live.url}/api/comments", json={**COMMENT, **change}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_check_prints_one_json_verdict_per_line(project) -> None:
    lines = [
        json.dumps({"name": "Ada Lovelace", "url": "https://adalovelace.net/", "body": "Agreed."}),
        json.dumps({"name": "admin", "url": "https://www.linkedin.com/in/x", "body": "Hi"}),
        "not json",
    ]
    result = moderate(project, "check", "--offline", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1  # one line was not a comment
    first, second, third = (json.loads(line) for line in result.stdout.splitlines())
    assert first["verdict"] == "pass"
    assert second["verdict"] == "hold"
    held = {c["code"] for c in second["checks"] if c["verdict"] == "hold"}
    assert {"name.generic", "link.social-profile"} <= held
    assert all(c["reason"] for c in second["checks"] if c["verdict"] != "pass")
    assert "error" in third


def test_queue_and_show_print_json(project, live_server) -> None:
    held = submit(live_server, url="https://bit.ly/abc")
    listed = [json.loads(line) for line in moderate(project, "queue", "--json").stdout.splitlines()]
    assert [(c["id"], c["status"]) for c in listed] == [(held, "held")]
    shown = json.loads(moderate(project, "show", str(held), "--json").stdout)
    assert shown["status"] == "held" and "<p>" in shown["html"]
    assert any(c["code"] == "link.shortener" for c in shown["checks"])


def test_human_queue_and_stats_run(project, live_server) -> None:
    submit(live_server)
    assert moderate(project, "queue").returncode == 0
    stats = json.loads(moderate(project, "stats", "--json").stdout)
    assert stats["pending"] == 1 and set(stats) == {s.value for s in Status}


def test_reject_needs_a_reason_and_unknown_ids_fail(project, live_server) -> None:
    comment = submit(live_server)
    assert moderate(project, "reject", str(comment)).returncode == 2
    assert moderate(project, "approve", "999").returncode == 1
    assert moderate(project, "show", "999").returncode == 1


def test_bad_settings_file_is_a_usage_error(tmp_path) -> None:
    result = subprocess.run(
        [MODERATE, "--settings", str(tmp_path / "missing.py"), "stats"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "not found" in result.stderr


def test_two_moderators_deciding_at_once_leave_one_decision(project, live_server) -> None:
    comment = submit(live_server)
    approving = subprocess.Popen(
        [MODERATE, "--settings", str(project.settings_file), "approve", str(comment)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    rejecting = subprocess.Popen(
        [
            MODERATE,
            "--settings",
            str(project.settings_file),
            "reject",
            str(comment),
            "--reason",
            "x",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    codes = sorted([approving.wait(timeout=120), rejecting.wait(timeout=120)])
    for process in (approving, rejecting):
        process.stdout.close()
        process.stderr.close()
    assert codes == [0, 1]
    decisions = [
        entry
        for entry in live_server.service.store.audit_log(comment_id=comment)
        if entry.action in ("approve", "reject")
    ]
    assert len(decisions) == 1


@pytest.mark.parametrize(
    "command",
    [
        "queue",
        "show",
        "approve",
        "reject",
        "spam",
        "ham",
        "check",
        "recheck",
        "stats",
        "purge-spam",
        "publish",
        "serve",
    ],
)
def test_every_command_has_help(command: str) -> None:
    result = subprocess.run(
        [MODERATE, command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_approval_writes_the_comment_file_and_rebuilds_the_article(project, live_server) -> None:

    SiteBuilder(project.settings_file, project.content, project.output)()
    first, second = submit(live_server), submit(live_server, body="A second comment, also civil.")
    result = moderate(project, "approve", str(first), str(second))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"#{first}: approved (version 1)",
        f"#{second}: approved (version 1)",
    ]
    comment_file = project.comments / COMMENT["article"] / f"{first}.md"
    text = comment_file.read_text(encoding="utf-8")
    assert "Approved-By:" in text and COMMENT["email"] not in text
    page = parse(project.article_page(COMMENT["article"]))
    assert {f"comment-{first}", f"comment-{second}"} <= page.ids
    assert not list(comment_file.parent.glob(".tmp-*"))  # written atomically, nothing left over


def test_a_command_run_in_process_releases_its_database(project) -> None:
    """Scripts and tests call the commands in-process: none may leave the database open."""
    import gc
    import warnings

    from click.testing import CliRunner

    from moderation.cli import main

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(
            main, ["--settings", str(project.settings_file), "outbox", "--json"]
        )
        gc.collect()
    assert result.exit_code == 0, result.output
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
