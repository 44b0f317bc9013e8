"""Pelican plugin: render the old blog's `[vimeo …]` / `[youtube …]` shortcodes as embeds."""

from __future__ import annotations

import logging

from pelican import signals
from pelican.contents import Content

from .shortcodes import render_shortcodes

logger = logging.getLogger(__name__)


def expand_shortcodes(content: Content) -> None:
    """Rewrite the rendered HTML once per read; cached content keeps the result."""
    html = getattr(content, "_content", None)
    if not html or "[" not in html:
        return
    content._content, problems = render_shortcodes(html)
    for problem in problems:
        logger.warning("embeds: %s: %s", content.source_path, problem)


def register() -> None:
    signals.content_object_init.connect(expand_shortcodes)
