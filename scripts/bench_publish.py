"""Approve → the article page on disk shows the comment, through the real service.

For each site size, in one run: writes a synthetic blog (`bench_build.write_site`: posts of
about 700 words, 10 comments each), builds it once with `pelican`, starts the real service
(`moderate serve`, whose live builder keeps the site in memory), logs in as a moderator and,
for each of N new comments, sends it through the intake, presses Approve on its moderator page
and times from that request until the article page on disk carries the comment's anchor
(polled every 2 ms). Side by side: the way without the live builder (`moderate approve` from a
shell: a whole cached `pelican` rebuild) on the same site. At the end the live output tree is
compared byte for byte with a clean build of the same content.

    .venv/bin/python scripts/bench_publish.py                   # 1,000 and 3,000 posts
    .venv/bin/python scripts/bench_publish.py --posts 100 -n 3  # checks the script works
"""

from __future__ import annotations

import argparse
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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.servers
from bench_build import same_tree, write_comment, write_site  # scripts/ is on sys.path

from moderation.commentfile import PublishedComment
from tests.servers import ROOT, SETTINGS_TEMPLATE

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
    """The tests' settings for a throwaway blog, with no rate limit on the intake."""
    file.write_text(
        SETTINGS_TEMPLATE.format(
            root=str(ROOT), content=str(content), output=str(output), cache=str(cache),
            theme=str(ROOT / "theme"), plugins=str(ROOT / "plugins"), database=f"sqlite:///{db}",
            extra="COMMENTS_RATE_LIMIT = 0",
        ),
        encoding="utf-8",
    )  # fmt: skip


@dataclass(frozen=True)
class Timing:
    cpu: float
    wall: float


def pelican(settings: Path, content: Path, output: Path) -> Timing:
    """One `pelican` build, as the CLI's publisher runs it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(settings), "-o", str(output),
         "-q", "--fatal", "errors"],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
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


@contextmanager
def service(blog: Blog, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`moderate serve` with its live builder, stopped (with its child) at the end."""
    log = (blog.root / "service.log").open("wb")
    process = subprocess.Popen(
        [str(MODERATE), "--settings", str(blog.settings), "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((blog.root / "service.log").read_text())
            time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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


def child_rss_mb(parent: int) -> float:
    """Resident memory of the service's live-builder child process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"moderation.livebuild" in command and re.search(rf"^PPid:\s+{parent}$", status, re.M):
            return int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) / 1024
    return float("nan")


def measure(work: Path, posts: int, per_post: int, approvals: int, port: int) -> str:
    blog = make_blog(work / f"blog-{posts}", posts, per_post)
    print(f"{posts} posts: first build", file=sys.stderr)
    cold = pelican(blog.settings, blog.content, blog.output)
    subprocess.run(
        [str(MODERATE), "--settings", str(blog.settings), "set-password", "robin",
         "--password-stdin"],
        input=PASSWORD.encode(), check=True, capture_output=True,
    )  # fmt: skip
    # New comments get ids after the synthetic ones, as on a blog whose queue holds them all.
    with sqlite3.connect(blog.root / "db.sqlite3") as db:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('comments', ?)", (10**6,))
    targets = [blog.slugs[0], blog.slugs[len(blog.slugs) // 2], blog.slugs[-1]]
    with service(blog, port) as process:
        url = f"http://127.0.0.1:{port}"
        client = moderator(url)
        try:
            # The service's child starts with a full build. The first approval may be read by
            # that build, or wait for its end; the second is sure to come after it.
            ready = time.perf_counter()
            for slug in targets[:2]:
                approve_and_wait(client, blog, slug, submit(client, slug, 0))
            first = time.perf_counter() - ready
            print(f"  two approvals behind the child's start: {first:.2f} s", file=sys.stderr)
            times = []
            for number in range(1, approvals + 1):
                slug = targets[number % len(targets)]
                times.append(approve_and_wait(client, blog, slug, submit(client, slug, number)))
                print(f"  approval {number}: {times[-1] * 1000:.0f} ms", file=sys.stderr)
        finally:
            client.close()
        rss = child_rss_mb(process.pid)
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
    cached = pelican(blog.settings, blog.content, blog.output)
    # The live output (before that last rebuild it already had every approved comment) against
    # a clean build: rebuild the reference from a copy, compare the two trees.
    reference = work / f"reference-{posts}"
    shutil.copytree(blog.content, reference / "content")
    write_settings(
        reference / "settings.py", reference / "content", reference / "output",
        reference / "cache", reference / "db.sqlite3",
    )  # fmt: skip
    pelican(reference / "settings.py", reference / "content", reference / "output")
    differ = same_tree(blog.output, reference / "output")
    verdict = "yes" if not differ else f"no: {len(differ)} files, e.g. {differ[:3]}"
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return (
        f"| {posts:,} | {cold.cpu:.1f} / {cold.wall:.1f} | {cached.wall:.2f} | {first:.1f} | "
        f"{statistics.median(ms):.0f} | {p90:.0f} | {ms[-1]:.0f} | {rss:.0f} | {verdict} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="1000,3000", help="site sizes, comma-separated")
    parser.add_argument("--comments", type=int, default=10, help="comments per post")
    parser.add_argument("-n", "--approvals", type=int, default=10, help="approvals timed per size")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    rows = []
    try:
        for posts in (int(p) for p in args.posts.split(",")):
            rows.append(measure(work, posts, args.comments, args.approvals, args.port))
            print(rows[-1], file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{args.comments} comments a post; {args.approvals} approvals timed per size, one at a"
        " time, on the first, middle and last post in turn.\n\n"
        "| posts | first `pelican` build, CPU / wall s | cached `pelican` rebuild after one"
        " comment, wall s | first two approvals after the service starts, s | approve → page"
        " median ms | p90 ms | max ms | live builder RSS MB | same files as a clean build |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
