"""Hostile and broken XML: a clear error naming the place, and nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.importers import blogger, disqus, wordpress
from moderation.importers.record import ImportFileError
from moderation.store import SQLiteStore

DATA = Path(__file__).parents[1] / "data" / "imports"
WXR_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
EXTERNAL = WXR_HEAD + (
    '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    "<rss><channel><item><title>&secret;</title></item></channel></rss>\n"
)
LAUGHS = WXR_HEAD + (
    "<!DOCTYPE rss [\n"
    ' <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    "]>\n<rss><channel><item><title>&lol3;</title></item></channel></rss>\n"
)


def truncated() -> bytes:
    text = (DATA / "wordpress-isso.xml").read_bytes()
    return text[: len(text) // 2]


def wrong_encoding() -> bytes:
    # Declared UTF-8, written in Latin-1: "Drölfter" has a byte UTF-8 cannot start with.
    text = (DATA / "wordpress-isso.xml").read_text(encoding="utf-8")
    return text.encode("latin-1", errors="replace")


@pytest.mark.parametrize(
    ("content", "place", "explanation"),
    [
        (EXTERNAL.encode(), "line 2", "never expanded"),
        (LAUGHS.encode(), "line 3", "never expanded"),
        (truncated(), "line 81", "ends too early"),
        (wrong_encoding(), "line 67, column 47", "the encoding its XML declaration names"),
    ],
    ids=["external-entity", "billion-laughs", "truncated", "wrong-encoding"],
)
def test_hostile_xml_is_refused_with_its_place(tmp_path, content, place, explanation) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        list(wordpress.read(path))
    message = str(refused.value)
    assert message.startswith(f"{path}: {place}")
    assert explanation in message


@pytest.mark.parametrize("reader", [wordpress.read, blogger.read, disqus.read])
def test_every_reader_refuses_entities(tmp_path, reader) -> None:
    path = tmp_path / "export.xml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(ImportFileError, match="never expanded"):
        list(reader(path))


def test_a_real_malformed_export_is_refused_by_the_command(project) -> None:
    """Remark42's Disqus test file begins with a stray backtick and has an unquoted attribute."""
    result = CliRunner().invoke(
        main,
        [
            "--settings", str(project.settings_file), "import", "disqus",
            str(DATA / "disqus-remark42-malformed.xml"),
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "disqus-remark42-malformed.xml: line 1, column 0: not well-formed" in result.output
    store = SQLiteStore(project.database)
    try:
        assert store.count() == 0
    finally:
        store.close()
