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
    command = ["--settings", str(project.settings_file), "import", "wordpress", "--comments-only"]
    result = CliRunner().invoke(main, [*command, str(DATA / "wordpress-remark42.xml")])
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    page = parse(project.article_page("lonely-job-search"))
    text = page.text_of(page.root)
    assert "I do catch myself" in text  # approved on the old blog: published
    assert "SuperUser1" in text
    # The pingback is listed apart, as a link mention.
    (mentions,) = page.find_all("ol", **{"class": "mention-list"})
    assert "Cynwise" in page.text_of(mentions)
    assert "inherent in the game" not in text  # pending there: queued here, not shown
    assert "superuser1@aol.com" not in project.article_page("lonely-job-search").read_text()
    again = CliRunner().invoke(main, [*command, str(DATA / "wordpress-remark42.xml")])
    assert again.exit_code == 0, again.output
    assert "already there" in again.output


@pytest.mark.slow
def test_posts_come_with_their_comments_and_keep_their_old_address(project, tmp_path) -> None:
    """Pelican's importer (with pandoc) writes the post; we add its old address and keep its
    video shortcode for the embeds plugin; the comments land on it; the build shows both."""
    wxr = (DATA / "wordpress-remark42.xml").read_text(encoding="utf-8")
    # The old blog's posts carried bare video shortcodes, as this blog's did.
    wxr = wxr.replace("Meet Grokknomel?]]>", "Meet Grokknomel?\n\n[vimeo 70534716]\n\nBye.]]>")
    export = tmp_path / "export.xml"
    export.write_text(wxr, encoding="utf-8")
    command = ["--settings", str(project.settings_file), "import", "wordpress", str(export)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    post = (project.content / "posts" / "do-you-rp.md").read_text(encoding="utf-8")
    header = post.partition("\n\n")[0].splitlines()
    assert "Old-Url: https://realmenweardress.es/2010/07/do-you-rp/" in header
    assert "Old-Id: 100" in header
    assert "\n[vimeo 70534716]\n" in post
    page = parse(project.article_page("do-you-rp"))
    assert page.find_all("figure", **{"data-provider": "vimeo"})
    assert "I do catch myself" in page.text_of(page.root)
    again = CliRunner().invoke(main, command)
    assert again.exit_code == 0, again.output
    assert (project.content / "posts" / "do-you-rp.md").read_text(encoding="utf-8") == post


def test_a_dry_run_maps_comments_to_the_posts_it_would_write(project) -> None:
    command = ["--settings", str(project.settings_file), "import", "wordpress", "--dry-run"]
    result = CliRunner().invoke(main, [*command, str(DATA / "wordpress-remark42.xml")])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if len(line.split()) > 1]
    lines = {" ".join(row[:-1]): row[-1] for row in rows}
    assert lines["would be written"] == "1"
    assert lines["would be imported"] == "4"
    assert "no article here" not in result.output
    assert not (project.content / "posts" / "do-you-rp.md").exists()
