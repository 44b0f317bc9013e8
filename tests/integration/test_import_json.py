"""`moderate export --format json` → `moderate import json` into an empty database → export:
the same document, byte for byte; personal data only when asked for."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from servers import make_project
from test_import import DATA, claim, run
from test_import import service as service  # the fixture

from moderation.cli import main
from moderation.model import Action, Status
from moderation.settings import Settings
from moderation.wiring import build_service


def moderate(project, *arguments: str) -> str:
    result = CliRunner().invoke(main, ["--settings", str(project.settings_file), *arguments])
    assert result.exit_code == 0, result.output
    return result.output


def test_export_import_export_is_identical(project, service, tmp_path: Path) -> None:
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    claim(
        project, "coffee-meal-beer-rule", old_url="https://realmenweardress.es/2010/07/do-you-rp/"
    )
    run(service, "wordpress", DATA / "wordpress-isso.xml")
    run(service, "wordpress", DATA / "wordpress-remark42.xml")
    held = service.store.queue(Status.HELD, limit=100)
    # History to carry over: a correction (a revision), a rejection (an audit row, a reason).
    corrected = held[0]
    service.correct(
        corrected.token, replace(corrected.submission(), blog_url="https://ohai.example/")
    )
    service.decide(held[1].id, Action.REJECT, "alice", "Please add your blog.")
    assert service.store.revisions(corrected.id)
    service.store.close()

    first = tmp_path / "first.json"
    moderate(project, "export", "--format", "json", "--personal-data", "-o", str(first))
    other = make_project(tmp_path / "other")
    summary = moderate(other, "import", "json", str(first))
    assert "imported" in summary
    second = tmp_path / "second.json"
    moderate(other, "export", "--format", "json", "--personal-data", "-o", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")

    document = json.loads(first.read_text(encoding="utf-8"))
    assert len(document["comments"]) == 12
    assert any(c["revisions"] for c in document["comments"])
    assert {c["status"] for c in document["comments"]} >= {"approved", "held", "rejected"}
    # The approved comments are published in the restored blog too.
    approved = [c for c in document["comments"] if c["status"] == "approved"]
    assert approved
    for comment in approved:
        assert (other.comments / comment["article"] / f"{comment['id']}.md").exists()


def test_the_same_export_twice_adds_nothing(project, service, tmp_path: Path) -> None:
    claim(project, "lonely-job-search", old_url="http://example.tld/2014/test/")
    claim(project, "a-short-note", old_url="/?p=4")
    run(service, "wordpress", DATA / "wordpress-isso.xml")
    service.store.close()
    export = tmp_path / "export.json"
    moderate(project, "export", "-o", str(export))
    other = make_project(tmp_path / "other")
    moderate(other, "import", "json", str(export))
    again = moderate(other, "import", "json", str(export))
    assert "already there" in again
    store = build_service(Settings.load(other.settings_file), other.settings_file, rebuild=False)
    try:
        assert store.store.count() == 8
    finally:
        store.close()
        store.store.close()


def test_personal_data_is_exported_only_when_asked(project, service) -> None:
    claim(project, "lonely-job-search", old_url="https://realmenweardress.es/2010/07/do-you-rp/")
    run(service, "wordpress", DATA / "wordpress-remark42.xml")
    service.store.close()
    plain = moderate(project, "export", "--format", "json")
    assert "superuser1@aol.com" not in plain
    assert '"email"' not in plain
    assert "superuser1@aol.com" in moderate(project, "export", "--personal-data")


def test_a_broken_export_names_the_comment(project, tmp_path: Path) -> None:
    document = {
        "format": "moderation-comments",
        "version": 1,
        "personal_data": False,
        "comments": [{"id": 3, "uid": "x"}],
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--settings", str(project.settings_file), "import", "json", str(path)]
    )
    assert result.exit_code == 1
    assert "comment 1 (id 3): no 'article'" in result.output
