"""Published comments outlive the database (issue 14): the real service, CLI, files and build.

From a fresh project copy: comments are published, then the database is deleted, or an
older backup is restored, and new comments (one a reply to an old comment) are approved.
Every earlier file must stay byte for byte, and every `#comment-N` on the built page must
still point at its own comment.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from commentfiles import BASE
from servers import LiveService, Project, free_socket, serving
from sitecheck import parse, parse_html

from moderation import commentfile
from moderation.model import Action, Review
from moderation.passwords import hash_password
from moderation.publish import SiteBuilder
from moderation.settings import Settings
from moderation.web.app import create_app
from moderation.wiring import build_service

MODERATE = str(Path(sys.executable).with_name("moderate"))
ARTICLE = "coffee-meal-beer-rule"
NAMES = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov")

pytestmark = pytest.mark.slow


@contextmanager
def running(project: Project) -> Iterator[LiveService]:
    """The comment service on loopback, stopped (its database closed) on leaving."""
    settings = Settings.load(project.settings_file, environ={"COMMENTS_RATE_LIMIT": "1000"})
    service = build_service(settings, project.settings_file, rebuild=False)
    try:
        with serving(create_app(service, settings)) as url:
            yield LiveService(url, service, settings, project)
    finally:
        service.store.close()


def publish(live: LiveService, n: int, reply_to: int | None = None) -> int:
    """Send comment number `n` through the intake, approve it; the id it is published under."""
    comment = {
        "article": ARTICLE,
        "name": NAMES[n % len(NAMES)],
        "url": f"https://blog{n}.example/",
        "email": f"reader{n}@example.org",
        "body": f"Comment number {n}: the coffee rule worked for me at meetup {n}.",
        **({"reply_to": reply_to} if reply_to is not None else {}),
    }
    response = httpx.post(f"{live.url}/api/comments", json=comment, timeout=10)
    assert response.status_code == 202, response.text
    return live.service.decide(response.json()["id"], Action.APPROVE, "robin").id


def files(project: Project) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(project.comments.rglob("*.md"))}


def moderate(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_permalinks_point_at_their_comments(project: Project) -> None:
    SiteBuilder(project.settings_file, project.content, project.output)()
    page = parse(project.article_page(ARTICLE))
    anchors = {
        e.get("id"): e for e in page.iter("article") if e.get("id", "").startswith("comment-")
    }
    published = [commentfile.read(path) for path in project.comments.glob(f"{ARTICLE}/*.md")]
    assert set(anchors) == {f"comment-{c.id}" for c in published}
    for comment in published:
        text = page.text_of(anchors[f"comment-{comment.id}"])
        assert comment.author in text and comment.body.split(":")[0] in text, comment.id


def test_a_deleted_database_never_overwrites_a_published_comment(project: Project) -> None:
    with running(project) as live:
        first = [publish(live, n) for n in range(3)]
    before = files(project)
    for leftover in project.database.parent.glob(project.database.name + "*"):
        leftover.unlink()

    with running(project) as live, httpx.Client(base_url=live.url, timeout=10) as client:
        assert any("was new or empty" in notice for notice in live.service.notices)
        log_in(live, client)
        shown = client.get(f"/moderate/comments/{first[0]}")
        assert shown.status_code == 200 and "registered from comments/" in shown.text
        reply = publish(live, 3, reply_to=first[1])
        fresh = publish(live, 4)
        assert (
            live.service.store.get(first[1]).uid
            == commentfile.read(project.comments / ARTICLE / f"{first[1]}.md").uid
        )
    assert {reply, fresh}.isdisjoint(first)
    after = files(project)
    assert {path: after[path] for path in before} == before
    assert commentfile.read(project.comments / ARTICLE / f"{reply}.md").reply_to == first[1]
    assert_permalinks_point_at_their_comments(project)


def test_an_older_backup_never_overwrites_a_published_comment(
    project: Project, tmp_path: Path
) -> None:
    backup = tmp_path / "backups" / "comments.sqlite3"
    with running(project) as live:
        early = [publish(live, n) for n in range(3)]
        result = moderate(project, "backup", str(backup))  # while the service runs
        assert result.returncode == 0, result.stderr
        later = [publish(live, n) for n in range(3, 5)]
        taken_down = early.pop()
        live.service.decide(taken_down, Action.UNPUBLISH, "robin", "asked to")
    before = files(project)

    result = moderate(project, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "kept the replaced database" in result.stdout
    assert f"#{later[0]}, #{later[1]}" in result.stdout  # learnt from content/comments
    assert f"comment #{taken_down} is approved in the restored backup" in result.stdout

    with running(project) as live:
        reply = publish(live, 4, reply_to=later[1])
        fresh = publish(live, 0)
    assert {reply, fresh}.isdisjoint([*early, *later, taken_down])
    after = files(project)
    assert {path: after[path] for path in before} == before
    assert not (project.comments / ARTICLE / f"{taken_down}.md").exists()  # stays taken down
    assert_permalinks_point_at_their_comments(project)


def test_restore_refuses_while_the_service_has_the_database_open(
    project: Project, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.sqlite3"
    with running(project) as live:
        publish(live, 0)
        assert moderate(project, "backup", str(backup)).returncode == 0
        publish(live, 1)
        result = moderate(project, "restore", str(backup))
        assert result.returncode == 1 and "open in another process" in result.stderr
        assert live.service.store.count() == 2  # nothing was replaced


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a database at all", "not a SQLite database"),
        (None, "not a comment database"),
    ],
    ids=["text-file", "other-sqlite-database"],
)
def test_restore_refuses_a_file_that_is_not_our_backup(
    project: Project, tmp_path: Path, content: bytes | None, problem: str
) -> None:
    candidate = tmp_path / "candidate"
    if content is None:
        with sqlite3.connect(candidate) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
            other.execute("PRAGMA user_version = 3")
    else:
        candidate.write_bytes(content)
    with running(project) as live:
        publish(live, 0)
    database = project.database.read_bytes()
    result = moderate(project, "restore", str(candidate))
    assert result.returncode == 1 and problem in result.stderr
    assert project.database.read_bytes() == database


def test_backup_refuses_to_overwrite_a_file(project: Project, tmp_path: Path) -> None:
    existing = tmp_path / "precious.sqlite3"
    existing.write_bytes(b"keep me")
    with running(project):
        pass
    result = moderate(project, "backup", str(existing))
    assert result.returncode == 1 and "never overwrites" in result.stderr
    assert existing.read_bytes() == b"keep me"


def hidden_fields(inputs: Iterable[Element]) -> dict[str, str]:
    """What a browser sends of these inputs without anyone typing: the hidden ones."""
    return {f.get("name"): f.get("value") or "" for f in inputs if f.get("type") == "hidden"}


def log_in(live: LiveService, client: httpx.Client) -> None:
    password = "correct horse battery staple"
    live.service.store.set_password("robin", hash_password(password))
    fields = hidden_fields(parse_html(client.get("/moderate/login").text).iter("input"))
    login = {**fields, "username": "robin", "password": password}
    assert client.post("/moderate/login", data=login).status_code == 303


def test_a_moderator_session_survives_a_restart(project: Project) -> None:
    with running(project) as live, httpx.Client(base_url=live.url, timeout=10) as client:
        log_in(live, client)
        cookies = httpx.Cookies(client.cookies)
    with running(project) as live, httpx.Client(base_url=live.url, cookies=cookies) as client:
        page = client.get("/moderate")
        assert page.status_code == 200 and 'id="login-form"' not in page.text


@pytest.mark.parametrize(
    ("form_id", "told"),
    [("actions-{id}", "#{id} approved and published as #{new}"), ("bulk", "#{id} (now #{new})")],
    ids=["buttons", "bulk"],
)
def test_the_moderator_is_told_the_new_id_when_a_file_holds_the_old_one(
    project: Project, form_id: str, told: str
) -> None:
    with running(project) as live, httpx.Client(base_url=live.url, timeout=10) as client:
        log_in(live, client)
        body = "Approved after a pull brought another comment under my id."
        comment = {"article": ARTICLE, "name": NAMES[0], "url": "https://a.example/", "body": body}
        comment_id = httpx.post(f"{live.url}/api/comments", json=comment, timeout=10).json()["id"]
        # A git pull brings another machine's comment under the same id while the service runs.
        theirs = replace(BASE, id=comment_id, article=ARTICLE, uid="f" * 32)
        path = commentfile.path_for(project.comments, theirs)
        path.parent.mkdir(parents=True)
        path.write_text(commentfile.dumps(theirs), encoding="utf-8")

        page = parse_html(client.get(f"/moderate/comments/{comment_id}").text)
        if form_id == "bulk":
            page = parse_html(client.get("/moderate").text)
        form = next(f for f in page.iter("form") if f.get("id") == form_id.format(id=comment_id))
        owned = [i for i in page.iter("input") if i.get("form") == form.get("id")]  # outside it
        fields = hidden_fields([*form.iter("input"), *owned])
        answer = client.post(
            form.get("action"),
            data={**fields, "action": "approve", "ids": [str(comment_id)]},
            headers={"Origin": live.url},
        )
        assert answer.status_code == 303
        shown = client.get(answer.headers["location"]).text
        new_id = live.service.store.get(comment_id + 1)
    assert told.format(id=comment_id, new=comment_id + 1) in shown
    assert (new_id.body, new_id.status.value) == (body, "approved")
    assert commentfile.read(path) == theirs
    assert commentfile.read(path.with_name(f"{comment_id + 1}.md")).uid == new_id.uid


def test_serve_says_when_a_new_database_meets_published_comments(
    project: Project, tmp_path: Path
) -> None:
    for n in (1, 2):
        commentfile.write(project.comments, replace(BASE, id=n, article=ARTICLE, uid=f"{n:032x}"))
    with free_socket() as sock:
        port = sock.getsockname()[1]
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [MODERATE, "--settings", str(project.settings_file), "serve", "--port", str(port)],
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            while "Moderator pages" not in out.read_text() and server.poll() is None:
                assert time.monotonic() < deadline, err.read_text()
                time.sleep(0.05)
        finally:
            server.terminate()
            server.wait(timeout=30)
    expected = (
        f"the comment database {project.database} was new or empty while content/comments"
        " holds 2 published comment file(s): 2 were registered"
    )
    assert f"Warning: {expected}" in out.read_text()
    assert expected in err.read_text() and "moderate set-password NAME" in err.read_text()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_database_commands_have_help(command: str) -> None:
    result = subprocess.run(
        [MODERATE, command, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_an_approved_comment_without_its_file_is_written_at_start_up(project: Project) -> None:
    with running(project) as live:
        store = live.service.store
        comment = {"article": ARTICLE, "name": NAMES[1], "url": "https://g.example/", "body": "Hi."}
        written = httpx.post(f"{live.url}/api/comments", json=comment, timeout=10).json()["id"]
        store.decide(written, Action.APPROVE, "robin")  # the process died before the write
        odd = store.add(replace(store.get(written).submission(), article="Not a slug"), Review(()))
        store.decide(odd.id, Action.APPROVE, "robin")
    with running(project) as live:
        notices = live.service.notices
    assert f"wrote the file of approved comment #{written}" in notices
    assert any(f"approved comment #{odd.id} has no file" in notice for notice in notices)
    assert commentfile.read(project.comments / ARTICLE / f"{written}.md").body == "Hi."
