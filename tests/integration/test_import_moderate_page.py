"""The moderation page over real HTTP after real imports: imported comments listed by source,
and the old comments whose recorded checks fail today's policy found and unpublished in bulk."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitecheck import Document, parse_html
from test_import import DATA, claim, run
from test_moderate_web import HOLDING, add, follow, form_of, text
from test_moderate_web import client as client  # the fixtures
from test_moderate_web import robin as robin

from moderation.model import Action, Status

OLD_POST = "https://realmenweardress.es/2010/07/do-you-rp/"


@pytest.fixture
def imported(live_server, tmp_path: Path) -> dict[str, list[int]]:
    """A WordPress export (one approved comment made to break today's link rule) and a Disqus
    export imported into the live service; the ids each brought, by source."""
    project, service = live_server.project, live_server.service
    claim(project, "lonely-job-search", old_url=OLD_POST)
    claim(project, "a-short-note", old_url="http://example.org/")
    links = " ".join(f"https://shop{n}.example/deal" for n in range(4))
    wxr = (DATA / "wordpress-remark42.xml").read_text(encoding="utf-8")
    (tmp_path / "links.xml").write_text(wxr.replace("I do catch myself", links), encoding="utf-8")
    brought = {}
    for source, file in (
        ("wordpress", tmp_path / "links.xml"),
        ("disqus", DATA / "disqus-isso.xml"),
    ):
        before = {c.id for c in service.store.queue(None, limit=1000)}
        assert run(service, source, file).imported > 0
        brought[source] = sorted({c.id for c in service.store.queue(None, limit=1000)} - before)
    return brought


def listed(client, query: str) -> tuple[Document, list[int]]:
    page = parse_html(client.get(f"/moderate?{query}").text)
    cards = [e for e in page.iter("article") if "comment-card" in (e.get("class") or "")]
    return page, sorted(int(e.get("data-comment-id")) for e in cards)


def test_the_queue_lists_imported_comments_by_source(live_server, robin, imported) -> None:
    sent_here = add(live_server)
    everything = sorted([sent_here, *imported["wordpress"], *imported["disqus"]])
    assert listed(robin, "status=all")[1] == everything
    page, ids = listed(robin, "status=all&imported=any")
    assert ids == sorted(imported["wordpress"] + imported["disqus"])
    options = {o.get("value"): page.text_of(o) for o in page.find_all("option")}
    assert options["wordpress"] == f"Imported from wordpress ({len(imported['wordpress'])})"
    assert options["disqus"] == f"Imported from disqus ({len(imported['disqus'])})"
    assert listed(robin, "status=all&imported=disqus")[1] == imported["disqus"]
    assert listed(robin, "status=all&imported=wordpress")[1] == imported["wordpress"]
    # A source no import brought filters nothing, as an unknown status shows the default.
    page, ids = listed(robin, "status=all&imported=<script>")
    assert ids == everything
    origin = page.find_all("select", id="filter-imported")[0]
    assert [o.get("value") for o in origin.iter("option") if o.get("selected") is not None] == []


def test_old_comments_failing_todays_checks_are_unpublished_in_bulk(
    live_server, robin, imported
) -> None:
    store, comments = live_server.service.store, live_server.project.comments
    approved = [store.get(i) for i in imported["wordpress"]]
    failing = [c.id for c in approved if c.status is Status.APPROVED and c.review.failures]
    loud = next(c for c in approved if c.name == "SuperUser1")
    assert loud.id in failing and (comments / loud.article / f"{loud.id}.md").exists()
    page, ids = listed(robin, "status=approved&imported=any&failing=1")
    assert ids == failing
    assert page.find_all("input", id="filter-failing")[0].get("checked") is not None
    # `failing` alone lists imported ones: a held comment sent here and approved is not one.
    live_server.service.decide(add(live_server, HOLDING), Action.APPROVE, "robin")
    assert listed(robin, "status=approved&failing=1")[1] == failing

    url, hidden = form_of(page, "bulk")
    data = {**hidden, "action": "unpublish", "ids": [str(i) for i in failing]}
    after = follow(robin, robin.post(url, data=data))
    assert f"{len(failing)} comment(s) unpublished" in text(after)
    for comment_id in failing:
        assert store.get(comment_id).status is Status.REJECTED
        assert not (comments / store.get(comment_id).article / f"{comment_id}.md").exists()
    assert listed(robin, "status=approved&imported=any&failing=1")[1] == []
    passing = [c.id for c in approved if c.status is Status.APPROVED and c.id not in failing]
    assert all(store.get(i).status is Status.APPROVED for i in passing)
