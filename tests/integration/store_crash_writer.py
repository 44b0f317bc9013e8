"""The crash test's writer: adds comments until killed, printing each id once `add` returned.

Run as `python store_crash_writer.py DBPATH`. Every printed id is a promise that the comment is
committed; test_store.py kills this process with SIGKILL and checks the promises were kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, from any folder: the project's package must still import.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from moderation.model import PASSED, CheckResult, Outcome, Review, Submission, Verdict
from moderation.store import open_store

# Never runs unattended for long, even if the test that started it died before killing it.
MAX_COMMENTS = 50_000
REVIEW = Review(
    (
        CheckResult("name", PASSED),
        CheckResult(
            "link",
            Outcome(Verdict.PASS, "link.verified", "", "feed: https://ada.example/feed.xml"),
        ),
        CheckResult(
            "links", Outcome(Verdict.HOLD, "spam.too-many-links", "Keep to two links.", "3 links")
        ),
    )
)


def body_for(number: int) -> str:
    """The body of the number-th comment written (from 0), so the test can check each one."""
    return f"Comment {number} written before the crash. " + "Following first, then asking. " * 20


def main(db_path: str) -> None:
    store = open_store(f"sqlite:///{Path(db_path).resolve()}")
    for number in range(MAX_COMMENTS):
        submission = Submission(
            article="coffee-rule",
            name="Ada Lovelace",
            blog_url="https://ada.example/",
            body=body_for(number),
            email="ada@ada.example",
        )
        print(store.add(submission, REVIEW).id, flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
