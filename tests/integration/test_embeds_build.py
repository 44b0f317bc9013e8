"""The embeds plugin inside a real Pelican build: both shortcode forms, and a warning."""

from __future__ import annotations

from sitecheck import parse

POST = """Title: {title}
Date: 2025-01-0{day} 10:00
Category: Networking
Tags: video
Slug: {slug}
Summary: A post with a video.

Some words before.

{shortcode}

Some words after.
"""


def test_both_shortcode_forms_render_and_a_malformed_one_warns(make_site) -> None:
    build = make_site(
        {
            "posts/by-id.md": POST.format(
                title="By id", day=1, slug="by-id", shortcode="[vimeo 70534716]"
            ),
            "posts/by-url.md": POST.format(
                title="By URL", day=2, slug="by-url", shortcode="[vimeo https://vimeo.com/70534716]"
            ),
            "posts/youtube.md": POST.format(
                title="YouTube", day=3, slug="youtube", shortcode="[youtube dQw4w9WgXcQ]"
            ),
            "posts/broken.md": POST.format(
                title="Broken", day=4, slug="broken", shortcode="[vimeo not-a-number]"
            ),
        }
    )
    for slug, provider in [("by-id", "vimeo"), ("by-url", "vimeo"), ("youtube", "youtube")]:
        document = parse(build.page(f"posts/{slug}"))
        figures = document.find_all("figure", **{"data-provider": provider})
        assert len(figures) == 1, slug
        assert not list(document.iter("iframe"))
    broken = parse(build.page("posts/broken"))
    assert not broken.find_all("figure")
    assert "[vimeo not-a-number]" in broken.text_of(broken.root)
    warnings = [m for m in build.messages if "embeds" in m]
    assert len(warnings) == 1 and "broken.md" in warnings[0]
