"""WordPress video shortcodes (`[vimeo ID]`, `[youtube ID]`) as click-to-load embeds.

The old blog's posts carry WordPress shortcodes. Here they become a figure with a plain link
and a button; the theme's script swaps in the player only when the reader clicks, so no
request reaches the video host before that. Anything that looks like a shortcode but cannot
be rendered stays as text and is reported, so the author sees it in the build log.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# A paragraph that holds nothing but a shortcode: `<p>[name args]</p>`.
_SHORTCODE_PARAGRAPH = re.compile(r"<p>\s*\[([a-z][a-z0-9_-]*)(?:\s+([^\]<]*))?\]\s*</p>")
# A video shortcode anywhere else (inline in a sentence) cannot become a block element.
_INLINE_VIDEO = re.compile(r"\[(vimeo|youtube)\b[^\]]*\]")
_CODE_BLOCK = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)

_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
# WordPress accepted size attributes such as `w=640 h=360`; the theme sizes embeds itself.
_IGNORED_ATTRIBUTE = re.compile(r"[a-z]+=\S*")


@dataclass(frozen=True)
class Video:
    provider: str
    video_id: str

    @property
    def label(self) -> str:
        return {"vimeo": "Vimeo", "youtube": "YouTube"}[self.provider]

    @property
    def embed_url(self) -> str:
        if self.provider == "vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}?dnt=1"
        return f"https://www.youtube-nocookie.com/embed/{self.video_id}"

    @property
    def page_url(self) -> str:
        if self.provider == "vimeo":
            return f"https://vimeo.com/{self.video_id}"
        return f"https://www.youtube.com/watch?v={self.video_id}"

    @property
    def host(self) -> str:
        return {"vimeo": "vimeo.com", "youtube": "youtube.com"}[self.provider]


class ShortcodeError(ValueError):
    """A shortcode that cannot be rendered; the message says why."""


def parse_video(provider: str, argument: str) -> Video:
    """Read the video id from `[provider ID]` or `[provider URL]`, ignoring size attributes."""
    words = [w for w in html.unescape(argument).split() if not _IGNORED_ATTRIBUTE.fullmatch(w)]
    if len(words) != 1:
        raise ShortcodeError(f"[{provider} …] needs exactly one video id or URL, got {argument!r}")
    value = words[0]
    video_id = _id_from_url(provider, value) if "/" in value else value
    pattern = _VIMEO_ID if provider == "vimeo" else _YOUTUBE_ID
    if video_id is None or not pattern.fullmatch(video_id):
        raise ShortcodeError(f"[{provider} …] has no valid video id in {value!r}")
    return Video(provider, video_id)


def _id_from_url(provider: str, value: str) -> str | None:
    url = urlsplit(value)
    host = (url.hostname or "").removeprefix("www.").removeprefix("m.")
    parts = [p for p in url.path.split("/") if p]
    if url.scheme not in ("http", "https") or not parts:
        return None
    if provider == "vimeo" and host in ("vimeo.com", "player.vimeo.com"):
        return parts[-1]
    if provider == "youtube":
        if host == "youtu.be":
            return parts[0]
        if host == "youtube.com" and parts == ["watch"]:
            return parse_qs(url.query).get("v", [None])[0]
        if host == "youtube.com" and parts[0] in ("embed", "shorts", "v") and len(parts) == 2:
            return parts[1]
    return None


def embed_html(video: Video) -> str:
    """The click-to-load figure: a button for the script and a plain link for everyone else."""
    attrs = {
        "data-provider": video.provider,
        "data-embed-src": video.embed_url,
        "data-title": f"{video.label} video {video.video_id}",
    }
    attributes = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
    return (
        f'<figure class="video-embed" {attributes}>'
        '<div class="video-embed__frame">'
        f'<button type="button" class="video-embed__play" hidden>Play the {video.label} video'
        f'<span class="video-embed__note"> (loads content from {video.host})</span></button>'
        f'<p class="video-embed__fallback"><a href="{html.escape(video.page_url)}">'
        f"Watch the video on {video.label}</a></p>"
        "</div></figure>"
    )


def render_shortcodes(content: str) -> tuple[str, list[str]]:
    """Replace video shortcode paragraphs with embeds; return the HTML and one problem per line.

    Code samples are left alone: a post may show a shortcode as an example.
    """
    problems: list[str] = []
    code_blocks: list[str] = []

    def hide_code(match: re.Match[str]) -> str:
        code_blocks.append(match.group(0))
        return f"\x00{len(code_blocks) - 1}\x00"

    def replace(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2) or ""
        if name not in ("vimeo", "youtube"):
            problems.append(f"unknown shortcode [{name}] left as text")
            return match.group(0)
        try:
            return embed_html(parse_video(name, argument))
        except ShortcodeError as error:
            problems.append(f"{error}; left as text")
            return match.group(0)

    text = _CODE_BLOCK.sub(hide_code, content)
    for stray in _INLINE_VIDEO.finditer(_SHORTCODE_PARAGRAPH.sub("", text)):
        problems.append(f"{stray.group(0)} must stand alone on its own line; left as text")
    text = _SHORTCODE_PARAGRAPH.sub(replace, text)
    return re.sub("\x00(\\d+)\x00", lambda m: code_blocks[int(m.group(1))], text), problems
