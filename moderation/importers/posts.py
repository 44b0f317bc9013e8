"""Posts from a WordPress or classic Blogger export, through Pelican's own importer
(`pelican.tools.pelican_import`, which needs pandoc), then repaired for this blog.

We first stream the file through our defused parser: it refuses entities and broken XML, and
notes each post's old permalink and id, which Pelican's fields do not carry. Then Pelican's
importer writes Markdown (pandoc, raw HTML stripped) and each post is repaired:

- `Old-Url` and `Old-Id` go into its metadata, so comments find it (`articlemap`) and
  redirects can be made from the old addresses;
- WordPress video shortcodes, which pandoc escapes (`\\[vimeo 123\\]`), become the bare lines
  the embeds plugin turns into click-to-load players;
- Blogger's leftovers go: non-breaking spaces, hard line breaks, runs of blank lines.

A post's file name is its slug, made safe here: Pelican's importer hands file names to a shell.
A post whose file exists already is left alone (a second import adds only new posts).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pelican.utils import slugify

from . import blogger
from .record import ImportFileError
from .wordpress import fields_of
from .xmlstream import child_text, elements

_SHORTCODE = re.compile(r"\\\[((?:vimeo|youtube) [^\]\n\\]*)\\\]")
_BLANKS = re.compile(r"\n{3,}")
_HARD_BREAK = re.compile(r" {2,}\n")


@dataclass(frozen=True)
class Origin:
    url: str
    post_id: str


@dataclass
class PostsSummary:
    written: list[Path] = field(default_factory=list)
    already: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason → how many
    origins: dict[str, Origin] = field(default_factory=dict)  # slug → old address, of new posts


def import_posts(source: str, path: Path, posts_dir: Path, *, dry_run: bool) -> PostsSummary:
    """Write the export's published posts and drafts into `posts_dir` as Markdown."""
    from pelican.tools import pelican_import

    origins = _wordpress_origins(path) if source == "wordpress" else _blogger_origins(path)
    read = pelican_import.wp2fields if source == "wordpress" else pelican_import.blogger2fields
    summary = PostsSummary()
    fields = []
    try:
        for entry in read(str(path)):
            title, content, name, date, author, categories, tags, status, kind, markup = entry
            if kind != "article":
                summary.skipped[f"{kind} (only posts are imported)"] += 1
                continue
            slug = slugify(name or "", regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug):
                summary.skipped["no usable slug"] += 1
                continue
            if (posts_dir / f"{slug}.md").exists():
                summary.already += 1
                continue
            origin = origins.get(name or "", Origin("", ""))
            fields.append(
                ((title, content, slug, date, author, categories, tags, status, kind, markup),
                 origin)
            )  # fmt: skip
    except (AttributeError, TypeError) as error:  # a shape Pelican's importer does not know
        raise ImportFileError(
            f"{path}: Pelican's importer cannot read its posts: {error}"
        ) from None
    summary.origins = {entry[2]: origin for entry, origin in fields}
    if dry_run:
        summary.written = [posts_dir / f"{slug}.md" for slug in summary.origins]
        return summary
    posts_dir.mkdir(parents=True, exist_ok=True)
    for entry, origin in fields:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints each file name
            try:
                pelican_import.fields2pelican(
                    [entry], "markdown", str(posts_dir), strip_raw=True, disable_slugs=False
                )
            except SystemExit as error:  # pandoc missing or failing
                raise ImportFileError(f"{path}: Pelican's importer stopped: {error}") from None
        written = posts_dir / f"{entry[2]}.md"
        written.write_text(repair(written.read_text(encoding="utf-8"), origin), encoding="utf-8")
        summary.written.append(written)
    return summary


def repair(text: str, origin: Origin) -> str:
    """The post as this blog wants it: its old address in the header, shortcodes bare."""
    header, _, body = text.partition("\n\n")
    extra = [f"Old-Url: {origin.url}"] * bool(origin.url) + [f"Old-Id: {origin.post_id}"] * bool(
        origin.post_id
    )
    header = "\n".join([header, *extra])
    body = body.replace("\u00a0", " ").replace("&nbsp;", " ")
    body = _SHORTCODE.sub(lambda m: f"\n\n[{m.group(1).strip()}]\n\n", body)
    body = _HARD_BREAK.sub("\n", body)
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    return header + "\n\n" + _BLANKS.sub("\n\n", body).strip() + "\n"


def _wordpress_origins(path: Path) -> dict[str, Origin]:
    """Pelican's file name for each item (post_name, else post_id) → its link and id."""
    found = {}
    for item, _ in elements(path, frozenset({"item"}), depth=2):
        fields = fields_of(item)
        post_id = fields.get("post_id", "")
        name = fields.get("post_name", "").strip() or post_id
        found[name] = Origin((item.findtext("link") or "").strip(), post_id)
    return found


def _blogger_origins(path: Path) -> dict[str, Origin]:
    """Pelican's file name for each post (its permalink's last part) → permalink and id."""
    found = {}
    atom = blogger.ATOM
    for entry, _ in elements(path, frozenset({atom + "entry"}), depth=1):
        url = blogger.post_url(entry)
        post_id = blogger.trailing_number(child_text(entry, atom + "id"))
        name = os.path.splitext(os.path.basename(url))[0] if url else post_id
        found[name] = Origin(url, post_id)
    return found
