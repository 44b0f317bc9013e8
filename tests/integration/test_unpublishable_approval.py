"""An approval the build would drop is refused up front (issue 13, finding 7).

A held comment whose name or blog link breaks a hard rule of publishing used to be
"approved and published" on the page and "published" on the commenter's status page, while
the build only logged a warning and left it out. Now the approval is refused with the reason,
through the web page (one comment and bulk) and the `moderate` command, and nothing changes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sitecheck import Document, parse_html

from moderation.model import Status
from moderation.passwords import hash_password

MODERATE = str(Path(sys.executable).with_name("moderate"))
PASSWORD = "correct horse battery staple"
ARTICLE = "coffee-meal-beer-rule"
GOOD = {
    "article": ARTICLE,
    "name": "Ada Lovelace",
    "url": "https://adalovelace.net/",
    "body": "I tried the coffee rule at a meetup last week; the follow-ups felt natural.",
}
BROKEN = [
    ({"name": "ada@adalovelace.net"}, "the author name fails name.email"),
    ({"url": "https://bit.ly/abc"}, "the blog link fails link.shortener"),
]
BROKEN_IDS = ["email-as-name", "shortener"]

pytestmark = pytest.mark.slow


def hidden_fields(document: Document, form_id: str) -> tuple[str, dict[str, str]]:
    form = next(f for f in document.iter("form") if f.get("id") == form_id)
    fields = [*form.iter("input"), *document.find_all("input", form=form_id)]
    return form.get("action"), {
        f.get("name"): f.get("value") or "" for f in fields if f.get("type") == "hidden"
    }


def flash(client: httpx.Client, response: httpx.Response) -> tuple[str, str]:
    """The message the page shows after a POST: its kind and its words."""
    assert response.status_code == 303, response.text
    page = parse_html(client.get(response.headers["location"]).text)
    (shown,) = page.find_all("p", id="flash")
    return shown.get("class"), page.text_of(shown)


@pytest.fixture
def robin(live_server) -> httpx.Client:
    live_server.service.store.set_password("robin", hash_password(PASSWORD))
    client = httpx.Client(base_url=live_server.url, timeout=10)
    _, fields = hidden_fields(parse_html(client.get("/moderate/login").text), "login-form")
    data = {**fields, "username": "robin", "password": PASSWORD}
    assert client.post("/moderate/login", data=data).status_code == 303
    client.headers["Origin"] = live_server.url
    yield client
    client.close()


def send(live, **change: str) -> tuple[int, str]:
    """A comment through the intake: its id and its status-page API address."""
    response = httpx.post(f"{live.url}/api/comments", json={**GOOD, **change}, timeout=10)
    assert response.status_code == 202, response.text
    token = response.json()["status_url"].rsplit("/", 1)[-1]
    return response.json()["id"], f"{live.url}/api/comments/{token}"


def assert_unchanged(live, comment_id: int, status_api: str) -> None:
    """Still held, nothing written, and the commenter is not told it was published."""
    store = live.service.store
    assert store.get(comment_id).status is Status.HELD
    assert [e.action for e in store.audit_log(comment_id=comment_id)] == ["submitted"]
    assert not (live.project.comments / ARTICLE / f"{comment_id}.md").exists()
    assert httpx.get(status_api, timeout=10).json()["status"] == "held"


@pytest.mark.parametrize(("change", "reason"), BROKEN, ids=BROKEN_IDS)
def test_approving_on_the_page_is_refused_with_the_reason(
    live_server, robin, change: dict[str, str], reason: str
) -> None:
    comment_id, status_api = send(live_server, **change)
    page = parse_html(robin.get(f"/moderate/comments/{comment_id}").text)
    url, hidden = hidden_fields(page, f"actions-{comment_id}")

    kind, message = flash(robin, robin.post(url, data={**hidden, "action": "approve"}))

    assert "flash--error" in kind and "published" not in message.replace("cannot be published", "")
    assert f"#{comment_id} was not approved" in message and reason in message
    assert_unchanged(live_server, comment_id, status_api)


def test_bulk_approve_lists_the_comment_that_cannot_be_published(live_server, robin) -> None:
    broken_id, status_api = send(live_server, name="ada@adalovelace.net")
    good_id, _ = send(live_server, name="admin")  # held on judgment: approvable
    url, hidden = hidden_fields(parse_html(robin.get("/moderate").text), "bulk")
    data = {**hidden, "action": "approve", "ids": [str(broken_id), str(good_id)]}

    kind, message = flash(robin, robin.post(url, data=data))

    assert "flash--error" in kind and f"1 comment(s) approved and published: #{good_id}" in message
    assert f"comment {broken_id} cannot be published: the author name fails name.email" in message
    assert live_server.service.store.get(good_id).status is Status.APPROVED
    assert_unchanged(live_server, broken_id, status_api)


def test_cli_approve_is_refused_with_the_reason(project, live_server) -> None:
    comment_id, status_api = send(live_server, url="https://bit.ly/abc")
    result = subprocess.run(
        [MODERATE, "--settings", str(project.settings_file), "approve", str(comment_id)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot be published: the blog link fails link.shortener" in result.stderr
    assert result.stdout == ""
    assert_unchanged(live_server, comment_id, status_api)
