"""Video shortcodes from the old WordPress blog become click-to-load embeds."""

from __future__ import annotations

import pytest
from embeds.shortcodes import ShortcodeError, parse_video, render_shortcodes


@pytest.mark.parametrize(
    ("provider", "argument", "video_id"),
    [
        ("vimeo", "70534716", "70534716"),
        ("vimeo", "https://vimeo.com/70534716", "70534716"),
        ("vimeo", "https://player.vimeo.com/video/70534716", "70534716"),
        ("vimeo", "70534716 w=500 h=281", "70534716"),
        ("youtube", "dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=30", "dQw4w9WgXcQ"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtube", "https://www.youtube.com/embed/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ],
    ids=[
        "vimeo-id",
        "vimeo-url",
        "vimeo-player-url",
        "vimeo-size",
        "yt-id",
        "yt-watch",
        "yt-short",
        "yt-embed",
    ],
)
def test_video_id_is_read_from_id_or_url(provider: str, argument: str, video_id: str) -> None:
    assert parse_video(provider, argument).video_id == video_id


@pytest.mark.parametrize(
    ("provider", "argument"),
    [
        ("vimeo", ""),
        ("vimeo", "abc"),
        ("vimeo", "https://evil.example/70534716"),
        ("vimeo", "1 2"),
        ("youtube", "short"),
        ("youtube", "https://www.youtube.com/watch?x=1"),
        ("youtube", "javascript:alert(1)//aaaaaaaaaaa"),
        ("vimeo", '"><script>alert(1)</script>'),
    ],
    ids=["empty", "letters", "other-host", "two-ids", "yt-short-id", "yt-no-v", "js", "html"],
)
def test_malformed_video_argument_is_refused(provider: str, argument: str) -> None:
    with pytest.raises(ShortcodeError):
        parse_video(provider, argument)


def test_embed_makes_no_request_before_a_click() -> None:
    html, problems = render_shortcodes("<p>[vimeo 70534716]</p>")
    assert problems == []
    assert "<iframe" not in html and "<img" not in html and "<script" not in html
    assert 'data-embed-src="https://player.vimeo.com/video/70534716?dnt=1"' in html
    assert '<a href="https://vimeo.com/70534716">' in html


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<p>[vimeo abc]</p>", "no valid video id"),
        ("<p>[gallery ids=1,2]</p>", "unknown shortcode [gallery]"),
        ("<p>Watch [youtube dQw4w9WgXcQ] now</p>", "must stand alone"),
    ],
    ids=["malformed", "unknown", "inline"],
)
def test_unusable_shortcode_stays_as_text_with_a_problem(content: str, problem: str) -> None:
    html, problems = render_shortcodes(content)
    assert html == content
    assert len(problems) == 1 and problem in problems[0]


def test_shortcode_inside_code_is_an_example_not_an_embed() -> None:
    content = "<pre><code>[vimeo 70534716]\n</code></pre><p>Use <code>[vimeo 1]</code>.</p>"
    assert render_shortcodes(content) == (content, [])
