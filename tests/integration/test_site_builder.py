"""The CLI's builder: a whole `pelican` run in a child process, whose failures are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.publish import SiteBuilder


@pytest.mark.slow
def test_a_plugin_that_cannot_load_fails_the_build(tmp_path: Path) -> None:
    """Pelican only logs an unloadable plugin; --fatal errors must still see that log."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("Title: A\nDate: 2024-01-01\n\nHello.\n")
    settings = tmp_path / "conf.py"
    settings.write_text('PATH = "content"\nPLUGINS = ["no_such_plugin"]\n')
    builder = SiteBuilder(settings, content, tmp_path / "output", ask_running=False)
    with pytest.raises(RuntimeError, match="no_such_plugin"):
        builder()


@pytest.mark.slow
def test_a_sound_site_builds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("Title: A\nDate: 2024-01-01\n\nHello.\n")
    settings = tmp_path / "conf.py"
    settings.write_text('PATH = "content"\n')
    SiteBuilder(settings, content, tmp_path / "output", ask_running=False)()
    assert (tmp_path / "output" / "a.html").is_file()
