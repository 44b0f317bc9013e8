"""`moderate import wordpress` at a big blog's size: time and peak memory.

Generates a WXR with N comments on P posts (every fifth a reply, 80 % approved with a blog
link, 15 % pending, 5 % spam), a project whose P articles name their old post in `Old-Id`,
then imports it (policy, store, comment files; no site build) and prints the wall and CPU
time (this process's and the text-check workers'), the summary and the peak resident memory
of this process and of the largest worker. It refuses to report unless every non-spam comment
was stored and every published one has its file.

    .venv/bin/python scripts/bench_import.py --comments 100000 --posts 2000
    .venv/bin/python scripts/bench_import.py --comments 100000 --posts 2000 --workers 0
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from servers import make_project  # noqa: E402

from moderation.importers.articlemap import ArticleMap  # noqa: E402
from moderation.importers.run import Importer, ImportOptions  # noqa: E402
from moderation.settings import Settings  # noqa: E402
from moderation.wiring import build_service  # noqa: E402

START = datetime(2012, 1, 1, 9, 0, tzinfo=UTC)
# 899 regulars: 31 first names × 29 family names.
FIRST = (
    "Ann", "Ben", "Cora", "Dan", "Eva", "Finn", "Gia", "Hal", "Ida", "Jon", "Kim", "Lea", "Max",
    "Nia", "Otto", "Pia", "Quinn", "Rosa", "Sam", "Tia", "Uma", "Vic", "Wes", "Xena", "Yann",
    "Zoe", "Ada", "Bo", "Cy", "Di", "Ed",
)  # fmt: skip
LAST = (
    "Moreau", "Okafor", "Lindqvist", "Tanaka", "Rossi", "Novak", "Silva", "Kowalski", "Haddad",
    "Murphy", "Schmidt", "Dubois", "Costa", "Jensen", "Nakamura", "Ivanova", "Brennan", "Alves",
    "Fischer", "Mensah", "Varga", "Laine", "Petrov", "Quist", "Rahman", "Sato", "Torres", "Ueda",
    "Weber",
)  # fmt: skip
WORDS = [
    "networking",
    "coffee",
    "follow-up",
    "interview",
    "recruiter",
    "thanks",
    "advice",
    "question",
    "answer",
]


def write_wxr(path: Path, comments: int, posts: int) -> None:
    per_post = comments // posts
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
                  ' xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n')  # fmt: skip
        number = 0
        for post in range(1, posts + 1):
            out.write(f"<item><link>https://old.example/?p={post}</link>"
                      f"<wp:post_id>{post}</wp:post_id>\n")  # fmt: skip
            for index in range(per_post):
                number += 1
                parent = number - 1 if index % 5 else 0
                status = "1" if number % 20 < 16 else ("0" if number % 20 < 19 else "spam")
                moment = START + timedelta(minutes=number)
                words = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(30))
                out.write(
                    f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
                    f"<wp:comment_author>{FIRST[number % 31]} {LAST[number % 29]}"
                    "</wp:comment_author>"
                    f"<wp:comment_author_email>r{number}@mail.example</wp:comment_author_email>"
                    f"<wp:comment_author_url>https://reader{number % 899}.example/"
                    "</wp:comment_author_url>"
                    f"<wp:comment_date_gmt>{moment:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(words)} #{number}.</wp:comment_content>"
                    f"<wp:comment_approved>{status}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument(
        "--workers", type=int, help="processes for the text checks (default: the import's own)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder) / "blog")
        for post in range(1, args.posts + 1):
            (project.content / "posts" / f"old-{post}.md").write_text(
                f"Title: Old post {post}\nDate: 2012-01-01\nSlug: old-{post}\nOld-Id: {post}\n\n"
                "Words.\n",
                encoding="utf-8",
            )
        export = Path(folder) / "export.xml"
        write_wxr(export, args.comments, args.posts)
        size = export.stat().st_size / 1e6
        settings = Settings.load(project.settings_file)
        service = build_service(settings, project.settings_file, rebuild=False)
        importer = Importer(
            service.store, service.policy, ArticleMap(service.articles), service.rules,
            service.publisher, date.today(),
        )  # fmt: skip
        started, used, before = time.perf_counter(), time.process_time(), os.times()
        summary = importer.run("wordpress", export, ImportOptions(workers=args.workers))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - used
        after = os.times()  # the workers have exited: their time is the children's
        workers = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        files = sum(1 for _ in project.comments.rglob("*.md"))
        stored = service.store.count()
        service.close()
        service.store.close()
    spam = sum(1 for number in range(1, args.comments + 1) if number % 20 == 19)
    expected = args.comments // args.posts * args.posts - spam
    if (summary.imported, stored, files) != (expected, expected, summary.published):
        print(
            f"refusing to report: imported {summary.imported}, stored {stored}, expected"
            f" {expected}; {files} comment files for {summary.published} published"
        )
        sys.exit(1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.comments} comments on {args.posts} posts ({size:.0f} MB WXR):"
          f" {elapsed:.1f} s ({cpu:.1f} s CPU here + {workers:.1f} s in workers),"
          f" peak RSS {peak:.0f} MB here, {worker_peak:.0f} MB the largest worker")  # fmt: skip
    print(f"imported {summary.imported}, published {summary.published},"
          f" queued {dict(summary.queued)}, skipped {dict(summary.skipped)},"
          f" replies linked {summary.relinked}")  # fmt: skip


if __name__ == "__main__":
    main()
