"""Approve → the article page on disk shows the comment, through the real service.

For each site size, in one run: writes a synthetic blog (`bench_build.write_site`: posts of
about 700 words, 10 comments each), builds it once with `pelican`, then starts the real
service three times, each start with a builder that has nothing built in memory:

1. `moderate serve`: waits until the shared live builder says its warm-up build is done, then
   for each of N new comments sends it through the intake, presses Approve on its moderator
   page and times from that request until the article page on disk carries the comment's
   anchor (polled every 2 ms). The first of them is "the first approval after a start".
2. `moderate serve` again, approving one comment as soon as `/healthz` answers: from the
   service's start, and from that answer, until the page shows it (the warm-up included).
3. `uvicorn moderation.web.app:app_from_environment --factory --workers 2`: the number of
   live-builder processes for the site and their total resident memory, once warm, after an
   approval through the service.

No time is reported for an approval whose comment the page does not show. Side by side: the
way without the live builder (`moderate approve` from a shell: a whole cached `pelican`
rebuild) on the same site. At the end the live output tree is compared byte for byte with a
clean build of the same content.

    .venv/bin/python scripts/bench_publish.py --posts 1000,3000,10000
    .venv/bin/python scripts/bench_publish.py --posts 100 -n 3  # checks the script works
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # for servers
from bench_build import (  # scripts/ is on sys.path
    PeerDidNotRun,
    require_comments,
    same_tree,
    write_comment,
    write_site,
)
from servers import ROOT, SETTINGS_TEMPLATE

from moderation.commentfile import PublishedComment

MODERATE = Path(sys.executable).with_name("moderate")
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Blog:
    root: Path
    settings: Path
    content: Path
    output: Path
    slugs: list[str]


def make_blog(root: Path, posts: int, per_post: int) -> Blog:
    site = write_site(root, posts, per_post, seed=2)
    blog = Blog(root, root / "settings.py", site.content, root / "output", site.slugs)
    write_settings(blog.settings, blog.content, blog.output, root / "cache", root / "db.sqlite3")
    return blog


def write_settings(file: Path, content: Path, output: Path, cache: Path, db: Path) -> None:
    """The tests' settings for a throwaway blog, with no rate limit on the intake, and the
    run's own copy of the theme (`main`): an edit to the project's theme during a run would
    make the live builder's next refresh a full build, as it should, and spoil the figures."""
    file.write_text(
        SETTINGS_TEMPLATE.format(
            base="pelicanconf", root=str(ROOT), content=str(content), output=str(output),
            cache=str(cache),
            theme=str(file.parent.parent / "theme"), plugins=str(ROOT / "plugins"),
            database=f"sqlite:///{db}",
            extra="COMMENTS_RATE_LIMIT = 0",
        ),
        encoding="utf-8",
    )  # fmt: skip


@dataclass(frozen=True)
class Timing:
    cpu: float
    wall: float


def pelican(settings: Path, content: Path, output: Path) -> Timing:
    """One `pelican` build, as the CLI's publisher runs it, but without `-q`, which would
    silence the errors `--fatal errors` acts on (a plugin that cannot load, for one)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(settings), "-o", str(output),
         "--fatal", "errors"],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if "Cannot load plugin" in result.stdout + result.stderr:
        raise PeerDidNotRun(f"a plugin did not load:\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        raise RuntimeError(f"pelican exited {result.returncode}:\n{result.stdout}{result.stderr}")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall)


class _Forms(HTMLParser):
    """The hidden fields of each form on a page, by form id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(found.get("id") or "", {})
        elif tag == "input" and self._current is not None and found.get("type") == "hidden":
            self._current[found.get("name") or ""] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def hidden_fields(html: str, form_id: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms[form_id]


@dataclass
class Running:
    url: str
    log: Path
    started: float  # perf_counter() when the service was launched
    healthy: float  # … when /healthz first answered


def serve_command(blog: Blog, port: int, workers: int) -> list[str]:
    if workers == 1:
        return [str(MODERATE), "--settings", str(blog.settings), "serve", "--port", str(port)]
    return [
        str(MODERATE.with_name("uvicorn")), "moderation.web.app:app_from_environment",
        "--factory", "--port", str(port), "--workers", str(workers), "--http", "httptools",
        "--loop", "uvloop", "--no-access-log",
    ]  # fmt: skip


@contextmanager
def service(blog: Blog, port: int, name: str, workers: int = 1) -> Iterator[Running]:
    """The real service (and the live builder it starts), stopped at the end; the next start
    waits until that builder has left, so every start begins with nothing built in memory."""
    log = blog.root / f"service-{name}.log"
    env = {**os.environ, "MODERATE_SETTINGS": str(blog.settings)}
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            serve_command(blog, port, workers), stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.005)
        yield Running(f"http://127.0.0.1:{port}", log, started, time.perf_counter())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        deadline = time.monotonic() + 120
        while builders(blog.output) and time.monotonic() < deadline:
            time.sleep(0.1)


def warm_seconds(running: Running, timeout: float = 1200) -> float:
    """Wait for the live builder's "ready" line in the service's log; its warm-up build time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"site built in ([0-9.]+) s, ready", running.log.read_text())
        if found:
            return float(found.group(1))
        time.sleep(0.05)
    raise RuntimeError(f"the live builder never got ready:\n{running.log.read_text()[-3000:]}")


def moderator(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=600)
    fields = hidden_fields(client.get("/moderate/login").text, "login-form")
    answer = client.post(
        "/moderate/login", data={**fields, "username": "robin", "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    return client


def submit(client: httpx.Client, slug: str, number: int) -> int:
    answer = client.post(
        "/api/comments",
        json={
            "article": slug, "name": "Amara Okafor", "url": "https://amara-okafor.example/",
            "email": "amara@example.org",
            "body": f"Meeting people before connecting worked for me too, number {number}.",
        },
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    return int(answer.json()["id"])


def approve_and_wait(client: httpx.Client, blog: Blog, slug: str, comment_id: int) -> float:
    """Seconds from pressing Approve until the article page on disk shows the comment."""
    fields = hidden_fields(
        client.get(f"/moderate/comments/{comment_id}").text, f"actions-{comment_id}"
    )
    page = blog.output / "posts" / slug / "index.html"
    anchor = f'id="comment-{comment_id}"'
    started = time.perf_counter()
    answer = client.post(
        f"/moderate/comments/{comment_id}/decide",
        data={**fields, "action": "approve"},
        headers={"Origin": str(client.base_url)},
    )
    assert answer.status_code == 303, answer.text
    while anchor not in page.read_text(encoding="utf-8"):
        if time.perf_counter() - started > 600:
            raise RuntimeError(f"comment {comment_id} never reached {page}")
        time.sleep(0.002)
    return time.perf_counter() - started


def builders(output: Path) -> dict[int, float]:
    """The live-builder processes of `output`: process id → resident memory, MB."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if b"moderation.livebuild" in command and str(output).encode() in command:
            rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
            found[int(entry.name)] = int(rss.group(1)) / 1024 if rss else 0.0
    return found


@dataclass(frozen=True)
class Row:
    posts: int
    cold: Timing
    cached: float
    warm: float  # the live builder's warm-up build, s
    first_from_start: float  # approval sent at the first /healthz answer: start → page, s
    first_from_health: float  # … /healthz answer → page, s
    first_warm: float  # the first approval once the builder is warm, s
    steady: list[float]  # the approvals after it, s
    builders: dict[int, float]  # with 2 workers: builder process → RSS MB
    same: str

    def markdown(self) -> str:
        ms = sorted(t * 1000 for t in self.steady)
        p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
        return (
            f"| {self.posts:,} | {self.cold.cpu:.1f} / {self.cold.wall:.1f} | {_s(self.cached)} |"
            f" {self.warm:.1f} | {_s(self.first_from_start)} / {_s(self.first_from_health)} |"
            f" {self.first_warm * 1000:.0f} | {statistics.median(ms):.0f} | {p90:.0f} |"
            f" {ms[-1]:.0f} | {len(self.builders)} | {sum(self.builders.values()):.0f} |"
            f" {self.same} |"
        )


def _s(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds:.1f}"


def measure(work: Path, posts: int, per_post: int, approvals: int, port: int, lean: bool) -> Row:
    blog = make_blog(work / f"blog-{posts}", posts, per_post)
    print(f"{posts} posts: first build", file=sys.stderr)
    cold = pelican(blog.settings, blog.content, blog.output)
    require_comments(blog.output, blog.slugs, per_post, "first build")
    subprocess.run(
        [str(MODERATE), "--settings", str(blog.settings), "set-password", "robin",
         "--password-stdin"],
        input=PASSWORD.encode(), check=True, capture_output=True,
    )  # fmt: skip
    # New comments get ids after the synthetic ones, as on a blog whose queue holds them all.
    with sqlite3.connect(blog.root / "db.sqlite3") as db:
        bumped = db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'comments'", (10**6,))
        if not bumped.rowcount:
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('comments', ?)", (10**6,))
    targets = [blog.slugs[0], blog.slugs[len(blog.slugs) // 2], blog.slugs[-1]]
    number = 0

    def approve(client: httpx.Client) -> float:
        nonlocal number
        number += 1
        slug = targets[number % len(targets)]
        return approve_and_wait(client, blog, slug, submit(client, slug, number))

    # Lean: one start only, with 2 workers, for the times and the memory (a warm-up build of a
    # big site costs minutes); no restart, no cached rebuild, no clean build to compare with.
    first = service(blog, port, "steady", workers=2 if lean else 1)
    with first as running, closing(moderator(running.url)) as client:
        warm = warm_seconds(running)
        print(f"  warm-up build {warm:.1f} s", file=sys.stderr)
        first_warm = approve(client)
        print(f"  first approval once warm: {first_warm * 1000:.0f} ms", file=sys.stderr)
        steady = []
        for _ in range(approvals):
            steady.append(approve(client))
            print(f"  approval {number}: {steady[-1] * 1000:.0f} ms", file=sys.stderr)
        found = builders(blog.output)
    if lean:
        nan = float("nan")
        return Row(posts, cold, nan, warm, nan, nan, first_warm, steady, found, "not compared")
    with service(blog, port, "restart") as running, closing(moderator(running.url)) as client:
        healthy = running.healthy
        approve(client)
        done = time.perf_counter()
        from_start, from_health = done - running.started, done - healthy
        print(f"  approval at once: {from_start:.1f} s from start", file=sys.stderr)
    two = service(blog, port, "workers", workers=2)
    with two as running, closing(moderator(running.url)) as client:
        warm_seconds(running)
        approve(client)
        found = builders(blog.output)
        print(f"  2 workers: builders {found}", file=sys.stderr)
    # The way without a live builder: a whole cached `pelican` run after one more comment.
    write_comment(
        blog.content / "comments" / targets[1],
        PublishedComment(
            id=10**6, article=targets[1], author="Amara Okafor", url="https://amara.example/",
            date=datetime(2030, 1, 1, tzinfo=UTC), body="One more.", approved_by="robin",
            approved_at=datetime(2030, 1, 1, 1, tzinfo=UTC),
        ),
        old=False,
    )  # fmt: skip
    live_output = work / f"live-{posts}"
    shutil.copytree(blog.output, live_output)  # as the live builder left it
    cached = pelican(blog.settings, blog.content, blog.output)
    page = blog.output / "posts" / targets[1] / "index.html"
    if f'id="comment-{10**6}"' not in page.read_text(encoding="utf-8"):
        raise PeerDidNotRun(f"the cached rebuild did not publish comment {10**6} on {page}")
    # The live output (before that last rebuild it already had every approved comment) against
    # a clean build: rebuild the reference from a copy without the extra comment.
    reference = work / f"reference-{posts}"
    shutil.copytree(blog.content, reference / "content")
    (reference / "content" / "comments" / targets[1] / f"{10**6}.md").unlink()
    write_settings(
        reference / "settings.py", reference / "content", reference / "output",
        reference / "cache", reference / "db.sqlite3",
    )  # fmt: skip
    pelican(reference / "settings.py", reference / "content", reference / "output")
    differ = same_tree(live_output, reference / "output")
    verdict = "yes" if not differ else f"no: {len(differ)} files, e.g. {differ[:3]}"
    return Row(
        posts, cold, cached.wall, warm, from_start, from_health, first_warm, steady, found, verdict
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="1000,3000,10000", help="site sizes, comma-separated")
    parser.add_argument("--comments", type=int, default=10, help="comments per post")
    parser.add_argument("-n", "--approvals", type=int, default=10, help="approvals timed per size")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--lean-from",
        type=int,
        default=10000,
        help="from this many posts on, one start with 2 workers only (no restart, no cached"
        " rebuild, no comparison with a clean build)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    shutil.copytree(ROOT / "theme", work / "theme")  # every blog of the run, and its reference
    rows = []
    try:
        for posts in (int(p) for p in args.posts.split(",")):
            lean = posts >= args.lean_from
            row = measure(work, posts, args.comments, args.approvals, args.port, lean)
            rows.append(row.markdown())
            print(rows[-1], file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{args.comments} comments a post; {args.approvals} steady approvals timed per size, one"
        " at a time, on the first, middle and last post in turn.\n\n"
        "| posts | first `pelican` build, CPU / wall s | cached `pelican` rebuild after one"
        " comment, wall s | live builder's warm-up build, s | approval sent as /healthz first"
        " answers: from start / from /healthz to page, s | first approval once warm, ms |"
        " approve → page median ms | p90 ms | max ms | live builders with 2 workers | their"
        " RSS MB | same files as a clean build |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
