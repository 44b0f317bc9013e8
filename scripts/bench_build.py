"""Build-time benchmark of the comments plugin, against no comments and pelican-comment-system.

Generates a synthetic blog in a temporary folder (posts of about 700 words of varied Markdown,
comments with replies), builds it with the project's settings and theme through the `pelican`
command, one build at a time, and prints Markdown tables for docs/benchmarks.md:

1. a full build without comments, with our plugin and with pelican-comment-system 1.4.0,
   with content caching off and warm;
2. publishing one new comment into a bigger site: full rebuild against cached rebuilds, each
   output tree compared byte for byte with a clean build of the same content.

    .venv/bin/python scripts/bench_build.py            # 1,000 posts, 3,000 for publishing
    .venv/bin/python scripts/bench_build.py --quick    # 100 and 300: checks the script works
    .venv/bin/python scripts/bench_build.py --no-old-plugin --no-publish --repeat 7

Both builds with and without comments use the project's plugins (embeds, chronology).

No time is reported for a build that did not do what it is timed for: every build runs with
`--fatal errors` (and without `-q`, which would hide the errors `--fatal` acts on), a plugin
that cannot load stops the benchmark (`PeerDidNotRun`), and every article page must show the
comments its post has (none for the build without comments).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

from moderation.commentfile import PublishedComment, dumps

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "coffee", "meeting", "network", "follow-up", "recruiter", "hiring", "manager", "candidate",
    "interview", "referral", "conversation", "introduction", "colleague", "mentor", "industry",
    "event", "conference", "question", "answer", "advice", "career", "job", "search",
    "application", "rejection", "feedback", "offer", "salary", "team", "project", "friend",
    "stranger", "message", "connection", "profile", "résumé", "portfolio", "skill",
    "experience", "weekly", "honest", "useful", "small", "first", "next", "real", "people",
    "time", "city", "office", "lunch", "call", "note", "thanks",
)  # fmt: skip
NAMES = (
    "Amara Okafor", "Li Wei", "José García", "Siobhán Kelly", "Priya Natarajan", "Tomasz Nowak",
    "Fatima Zahra", "Kenji Watanabe", "Ingrid Larsen", "Mateus Silva", "Chloé Martin",
    "Daniel O'Brien", "Aisha Bello", "Nguyễn Thị Loan", "Hannah Weber", "Rafael Costa",
)  # fmt: skip
CATEGORIES = ("Networking", "Job Search", "Hiring", "Events", "Follow-ups")
TAGS = [f"topic-{i}" for i in range(20)]
START = datetime(2018, 1, 1, 9, 0, tzinfo=UTC)
# The theme's _comments.html, for pelican-comment-system's Comment objects (benchmark only).
OLD_PLUGIN_TEMPLATE = """
{% macro render_comment(c) -%}
<li><article class="comment" id="comment-{{ c.slug|e }}">
<header class="comment__meta"><a class="comment__author" href="{{ c.metadata.website|e }}"
 rel="nofollow ugc">{{ c.author|e }}</a> <time datetime="{{ c.date.isoformat() }}">{{
 c.date|strftime(DEFAULT_DATE_FORMAT) }}</time></header>
<div class="comment__body prose">{{ c.content }}</div>
{% if c.replies %}<ol class="comment-replies">{% for r in c.replies %}{{ render_comment(r) }}{%
 endfor %}</ol>{% endif %}
</article></li>
{%- endmacro %}
<h2 id="comments-title" class="comments__title">{{ article.comments_count|default(0) }}
 comments</h2>
<ol class="comment-list">{% for c in article.comments|default([]) %}{{ render_comment(c) }}{%
 endfor %}</ol>
"""


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*" if rng.random() < 0.5 else f"**{words[i]}**"
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.com/{words[i]})"
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 6)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def post_body(rng: random.Random) -> str:
    """About 700 words: sections, paragraphs, lists, a quote, sometimes code."""
    blocks = [paragraph(rng)]
    for section in range(rng.randint(3, 4)):
        blocks.append(f"## {' '.join(rng.choices(WORDS, k=3)).capitalize()}")
        blocks += [paragraph(rng) for _ in range(2)]
        kind = (section + rng.randrange(3)) % 3
        if kind == 0:
            blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))))
        elif kind == 1:
            blocks.append("\n".join(f"{i}. {sentence(rng)}" for i in range(1, 4)))
        else:
            blocks.append(f"> {paragraph(rng, (1, 2))}")
    if rng.random() < 0.3:
        blocks.append("```\nSubject: Coffee next week?\nHi Sam, ...\n```")
    return "\n\n".join(blocks)


def comment_body(rng: random.Random) -> str:
    blocks = [paragraph(rng, (1, 4))]
    if rng.random() < 0.3:
        blocks.insert(0, f"> {sentence(rng)}")
    if rng.random() < 0.2:
        blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
    if rng.random() < 0.2:
        blocks.append(f"More on this: https://{rng.choice(WORDS)}.example/notes")
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class Site:
    content: Path
    slugs: list[str]
    comments: int


def write_site(root: Path, posts: int, per_post: int, seed: int = 1, old: bool = False) -> Site:
    """Posts, and comments in our file format (or pelican-comment-system's with `old`)."""
    rng = random.Random(seed)
    content = root / "content"
    (content / "posts").mkdir(parents=True)
    (content / "pages").mkdir()
    slugs = []
    next_id = 1
    for number in range(posts):
        slug = f"post-{number:05d}"
        date = START + timedelta(hours=20 * number)
        tags = ", ".join(rng.sample(TAGS, 3))
        (content / "posts" / f"{slug}.md").write_text(
            f"Title: {' '.join(rng.choices(WORDS, k=5)).capitalize()} {number}\n"
            f"Date: {date:%Y-%m-%d %H:%M}\nCategory: {rng.choice(CATEGORIES)}\nTags: {tags}\n"
            f"Slug: {slug}\nSummary: {sentence(rng)}\n\n{post_body(rng)}\n",
            encoding="utf-8",
        )
        slugs.append(slug)
        ids: list[int] = []
        for index in range(per_post):
            parent = rng.choice(ids) if ids and rng.random() < 0.35 else None
            comment = PublishedComment(
                id=next_id,
                article=slug,
                author=rng.choice(NAMES),
                url=f"https://{rng.choice(WORDS)}-{rng.randrange(1000)}.example/",
                date=date + timedelta(hours=1 + 3 * index),
                body=comment_body(rng),
                approved_by="robin",
                approved_at=date + timedelta(hours=2 + 3 * index),
                reply_to=parent,
            )
            write_comment(content / "comments" / slug, comment, old)
            ids.append(next_id)
            next_id += 1
    return Site(content, slugs, next_id - 1)


def write_comment(folder: Path, comment: PublishedComment, old: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if not old:
        text = dumps(comment)
    else:  # pelican-comment-system: Pelican metadata; replies name the parent file's slug
        reply = f"replyto: {comment.reply_to}.md\n" if comment.reply_to else ""
        text = (
            f"author: {comment.author}\ndate: {comment.date:%Y-%m-%d %H:%M}\n"
            f"website: {comment.url}\n{reply}\n{comment.body}\n"
        )
    (folder / f"{comment.id}.md").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Variant:
    label: str
    plugins: list[str]
    extra: dict[str, object]


# The project's plugins (pelicanconf.py), with and without the comments plugin.
NO_COMMENTS = Variant("no comments (plugin off)", ["embeds", "chronology"], {})
OURS = Variant("comments plugin", ["embeds", "chronology", "comments"], {})
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
UNCACHED = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}  # pelicanconf.py turns it on
# pelican-comment-system 1.4.0 calls `Pelican.get_writer()`, which Pelican 4.12 no longer has
# (it is `_get_writer()` now); this plugin puts the old name back and loads the real thing.
SHIM = """from pelican import Pelican
import pelican_comment_system
Pelican.get_writer = Pelican._get_writer
def register():
    pelican_comment_system.register()
"""


def old_plugin(root: Path, shim: bool) -> Variant:
    """pelican-comment-system with its own _comments.html, loaded directly or through SHIM."""
    templates = root / "old-templates"
    templates.mkdir(exist_ok=True)
    (templates / "_comments.html").write_text(OLD_PLUGIN_TEMPLATE, encoding="utf-8")
    settings: dict[str, object] = {
        "PELICAN_COMMENT_SYSTEM": True,
        "THEME_TEMPLATES_OVERRIDES": [str(templates)],
    }
    if not shim:
        plugins = ["embeds", "chronology", "pelican_comment_system"]
        return Variant("pelican-comment-system 1.4.0", plugins, settings)
    (root / "shim" / "pcs_shim").mkdir(parents=True, exist_ok=True)
    (root / "shim" / "pcs_shim" / "__init__.py").write_text(SHIM, encoding="utf-8")
    settings["PLUGIN_PATHS"] = [str(ROOT / "plugins"), str(root / "shim")]
    plugins = ["embeds", "chronology", "pcs_shim"]
    return Variant("pelican-comment-system 1.4.0 + shim", plugins, settings)


@dataclass(frozen=True)
class Timing:
    cpu: float  # user + system seconds of the pelican process: what the build itself costs
    wall: float  # elapsed seconds: what a waiting reader sees; noisier on a shared machine


class PeerDidNotRun(Exception):
    """A plugin did not load, or the pages lack its comments: its time would measure nothing.

    Not a RuntimeError, so nothing that reports a failed build as a table row catches it.
    """


def build(content: Path, output: Path, variant: Variant, **settings: object) -> Timing:
    """One `pelican` run in a child process; raises RuntimeError with its log when it fails,
    PeerDidNotRun when a plugin could not be loaded."""
    overrides = {
        "PLUGINS": variant.plugins,
        "CACHE_PATH": str(output.parent / f"{output.name}-cache"),
        **variant.extra,
        **settings,
    }
    command = [
        sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
        "-o", str(output), "--fatal", "errors",  # no -q: it would silence the fatal errors
        "-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items()),
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    environment = {**os.environ, "COLUMNS": "400"}  # log lines unwrapped, for `failure`
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=content.parent, env=environment
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = result.stdout + result.stderr  # Pelican logs to stdout
    if "Cannot load plugin" in log:  # Pelican skips such a plugin and would build without it
        raise PeerDidNotRun(f"{variant.label}: a plugin did not load\n{log}")
    if result.returncode != 0:
        raise RuntimeError(f"{variant.label}: pelican exited {result.returncode}\n{log}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(cpu, wall)


def checked_build(
    site: Site, output: Path, variant: Variant, expected: int, **settings: object
) -> Timing:
    """`build`, then its time only if every article page shows `expected` comments."""
    timing = build(site.content, output, variant, **settings)
    require_comments(output, site.slugs, expected, variant.label)
    return timing


def require_comments(output: Path, slugs: list[str], expected: int, label: str) -> None:
    """Raise PeerDidNotRun unless each article page shows exactly `expected` comments."""
    wrong = {slug: shown for slug in slugs if (shown := shown_comments(output, slug)) != expected}
    if wrong:
        sample = dict(list(wrong.items())[:3])
        raise PeerDidNotRun(
            f"{label}: {len(wrong)} of {len(slugs)} article pages do not show {expected}"
            f" comments (e.g. {sample}); the plugin did not run as benchmarked"
        )


def shown_comments(output: Path, slug: str) -> int:
    page = output / "posts" / slug / "index.html"
    if not page.is_file():
        return -1  # no page at all: never the expected count
    return page.read_text(encoding="utf-8").count('<article class="comment')


def same_tree(left: Path, right: Path) -> list[str]:
    """Paths that differ between two output trees (missing on either side, or other bytes)."""
    differ: list[str] = []
    pending = [filecmp.dircmp(left, right)]
    while pending:
        compared = pending.pop()
        base = Path(compared.left).relative_to(left)
        differ += [str(base / n) for n in compared.left_only + compared.right_only]
        _, mismatch, errors = filecmp.cmpfiles(
            compared.left, compared.right, compared.common_files, shallow=False
        )
        differ += [str(base / n) for n in mismatch + errors]
        pending += compared.subdirs.values()
    return differ


def failure(error: RuntimeError) -> str:
    """The exception a failed build's log ends with, for the table."""
    found = re.findall(r"\b(\w+(?:Error|Exception): .*?)(?:\s{2,}|$)", str(error), re.MULTILINE)
    return found[-1] if found else str(error).splitlines()[0]


def full_builds(
    root: Path, posts: int, per_post: int, repeat: int, *, old: bool = True
) -> list[str]:
    site = write_site(root / "ours", posts, per_post)
    old_site = write_site(root / "old", posts, per_post, old=True) if old else site
    lines = [
        f"{posts} posts, {per_post} comments each ({site.comments} comment files, about a third"
        f" replies). Best of {repeat} builds; CPU = user + system seconds of the `pelican`"
        ' process, wall = elapsed seconds. "Caching warm": CACHE_CONTENT and'
        " LOAD_CONTENT_CACHE on, after one build that filled the caches. Paired: the median"
        " of the differences between each build and the build without comments just before"
        " it, over the median build without comments (less swayed by one lucky build).",
        "",
        "| Build | CPU s | Wall s | CPU over no comments | Paired |",
        "|---|---|---|---|---|",
    ]
    runs = [(NO_COMMENTS, site), (OURS, site)]
    if old:
        as_published = old_plugin(root, shim=False)
        try:  # a plugin that cannot load raises PeerDidNotRun, past this `except`
            checked_build(old_site, root / "out" / "old-unshimmed", as_published, per_post)
            lines.append("| pelican-comment-system 1.4.0 as published | ran | | | |")
        except RuntimeError as error:
            lines.append(
                f"| pelican-comment-system 1.4.0 as published | fails: `{failure(error)}` | | | |"
            )
        print(lines[-1], file=sys.stderr)
        runs.append((old_plugin(root, shim=True), old_site))
    for caching in (False, True):
        settings = CACHED if caching else UNCACHED
        outputs = [root / "out" / f"{v.plugins[-1]}-{caching}" for v, _ in runs]
        expected = [0 if variant is NO_COMMENTS else per_post for variant, _ in runs]
        if caching:  # one build each that fills the caches
            for (variant, content_site), output, count in zip(runs, outputs, expected, strict=True):
                checked_build(content_site, output, variant, count, **settings)
        timings: list[list[Timing]] = [[] for _ in runs]
        for _ in range(repeat):  # interleaved, so a busy minute slows every variant alike
            for (variant, content_site), output, times, count in zip(
                runs, outputs, timings, expected, strict=True
            ):
                times.append(checked_build(content_site, output, variant, count, **settings))
        baselines = [t.cpu for t in timings[0]]
        baseline = min(baselines)
        for (variant, content_site), output, times in zip(runs, outputs, timings, strict=True):
            cpu, wall = min(t.cpu for t in times), min(t.wall for t in times)
            label = variant.label + (", caching warm" if caching else ", caching off")
            shown = shown_comments(output, content_site.slugs[0])
            over = paired = ""
            if variant is not NO_COMMENTS:
                over = f"{100 * (cpu - baseline) / baseline:+.1f} %"
                pairs = [t.cpu - b for t, b in zip(times, baselines, strict=True)]
                paired = f"{100 * median(pairs) / median(baselines):+.1f} %"
            lines.append(
                f"| {label} ({shown} comments on post 1) | {cpu:.2f} | {wall:.2f} | {over}"
                f" | {paired} |"
            )
            print(lines[-1], file=sys.stderr)
    return lines


# Outputs that no comment can change (pages, archives, tag/category/author indexes, sitemap,
# 404, static files): skipped when only a comment was added, left as the last full build wrote
# them. Article pages and the lists that show comment counts are still written.
UNCHANGED_BY_COMMENTS: dict[str, object] = {
    "PAGE_SAVE_AS": "",
    "DIRECT_TEMPLATES": ["index"],
    "STATIC_PATHS": [],
    "THEME_STATIC_PATHS": [],
}


def publish_one(root: Path, posts: int, per_post: int) -> list[str]:
    """A new comment into a built site: which rebuild is fastest and still gives the same files."""
    site = write_site(root / "big", posts, per_post, seed=2)
    target = site.slugs[len(site.slugs) // 2]
    ways = {
        "caching on, generator layer": {**CACHED, "CONTENT_CACHING_LAYER": "generator"},
        "caching on, reader layer": {**CACHED, "CONTENT_CACHING_LAYER": "reader"},
        "caching on, generator layer, outputs no comment changes not written": {
            **CACHED,
            "CONTENT_CACHING_LAYER": "generator",
            **UNCHANGED_BY_COMMENTS,
        },
    }
    outputs = {way: root / "out" / f"publish-{i}" for i, way in enumerate(ways)}
    for way, settings in ways.items():  # before the comment: full builds that fill the caches
        full_settings = {k: v for k, v in settings.items() if k not in UNCHANGED_BY_COMMENTS}
        checked_build(site, outputs[way], OURS, per_post, **full_settings)
    new = PublishedComment(
        id=site.comments + 1,
        article=target,
        author="Amara Okafor",
        url="https://amara.example/",
        date=datetime(2030, 1, 1, tzinfo=UTC),
        body=comment_body(random.Random(3)),
        approved_by="robin",
        approved_at=datetime(2030, 1, 1, 1, tzinfo=UTC),
        reply_to=site.comments,
    )
    write_comment(site.content / "comments" / target, new, old=False)
    reference = root / "out" / "publish-reference"
    full = build(site.content, reference, OURS)
    require_comments(reference, [target], per_post + 1, "full rebuild after one new comment")
    lines = [
        f"{posts} posts, {per_post} comments each; one new comment on `{target}`. Each cached"
        " rebuild ran once, after a full build with the same caching settings, into that build's"
        " output; its output tree is then compared file by file with a clean build (empty cache).",
        "",
        "| Rebuild after one new comment | CPU s | Wall s | Same files as a clean build |",
        "|---|---|---|---|",
        f"| full rebuild, empty cache | {full.cpu:.2f} | {full.wall:.2f} | (the reference) |",
    ]
    for way, settings in ways.items():
        timing = build(site.content, outputs[way], OURS, **settings)
        require_comments(outputs[way], [target], per_post + 1, way)
        differ = same_tree(outputs[way], reference)
        verdict = "yes" if not differ else f"no: {len(differ)} files, e.g. {differ[:3]}"
        lines.append(f"| {way} | {timing.cpu:.2f} | {timing.wall:.2f} | {verdict} |")
        print(lines[-1], file=sys.stderr)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10, help="comments per post")
    parser.add_argument("--publish-posts", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="builds per measurement")
    parser.add_argument("--quick", action="store_true", help="100 posts, 300 for publishing")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    parser.add_argument(
        "--no-old-plugin", action="store_true", help="leave out pelican-comment-system"
    )
    parser.add_argument(
        "--no-publish", action="store_true", help="leave out publishing one comment"
    )
    parser.add_argument(
        "--cache-bytecode",
        action="store_true",
        help="let the builds keep compiled modules (in the temp dir) even where"
        " PYTHONDONTWRITEBYTECODE is set, as a build normally does",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.publish_posts, args.repeat = 100, 300, 1
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temporary:
        root = args.keep or Path(temporary)
        if args.keep:
            shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        if args.cache_bytecode:  # the builds inherit the environment (`build`)
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        command = " ".join(["scripts/bench_build.py", *(argv or sys.argv[1:])])
        bytecode = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
        print(
            f"`.venv/bin/python {command}`, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()}"
            f" CPUs, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f},"
            f" bytecode caching {bytecode}\n"
        )
        try:
            lines = full_builds(
                root, args.posts, args.comments, args.repeat, old=not args.no_old_plugin
            )
            print("\n".join(lines) + "\n")
            if not args.no_publish:
                print("\n".join(publish_one(root, args.publish_posts, args.comments)))
        except PeerDidNotRun as error:
            print(f"bench_build: refusing to report: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
