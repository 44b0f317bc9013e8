"""`moderate import` end to end: the command, its summary, and a real Pelican build showing
the imported comments on the article's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sitecheck import parse

from moderation.cli import main

DATA = Path(__file__).parents[1] / "data" / "imports"


@pytest.mark.slow
def test_imported_comments_render_in_the_built_page(project) -> None:
    post = project.content / "posts" / "lonely-job-search.md"
    old_url = "Old-Url: https://realmenweardress.es/2010/07/do-you-rp/\n"
    post.write_text(old_url + post.read_text(encoding="utf-8"), encoding="utf-8")
    command = ["--settings", str(project.settings_file), "import", "wordpress"]
    result = CliRunner().invoke(main, [*command, str(DATA / "wordpress-remark42.xml")])
    assert result.exit_code == 0, result.output
    assert "imported" in result.output and "skipped: pingback" in result.output
    page = parse(project.article_page("lonely-job-search"))
    text = page.text_of(page.root)
    assert "I do catch myself" in text  # approved on the old blog: published
    assert "SuperUser1" in text
    assert "inherent in the game" not in text  # pending there: queued here, not shown
    assert "superuser1@aol.com" not in project.article_page("lonely-job-search").read_text()
    again = CliRunner().invoke(main, [*command, str(DATA / "wordpress-remark42.xml")])
    assert again.exit_code == 0, again.output
    assert "already there" in again.output
