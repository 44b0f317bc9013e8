"""`python -m moderation.livebuild SETTINGS CONTENT OUTPUT`: the service's site-building child.

It builds the site once at start, then reads one request a line on stdin (`refresh`) and
answers each, and the start, with one JSON line on stdout: `{"ok": …, "mode": …, "written": …,
"rendered": …, "seconds": …, "errors": […]}`, or `{"ok": false, "error": "…"}` when the build
raised. Pelican's own printing and the build's log go to stderr. End of input ends it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from .site import LiveSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation.livebuild")
    parser.add_argument("settings", type=Path)
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    answers = _answers_channel()
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="livebuild %(levelname)s: %(message)s"
    )
    site = LiveSite(args.settings, args.content, args.output)
    _answer(site, answers)
    for line in sys.stdin:
        request = line.strip()
        if request == "refresh":
            _answer(site, answers)
        elif request:
            answers.write(json.dumps({"ok": False, "error": f"unknown request {request!r}"}) + "\n")
    return 0


def _answers_channel() -> TextIO:
    """The real stdout, kept for answers; everything else printed to stdout goes to stderr."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return channel


def _answer(site: LiveSite, answers: TextIO) -> None:
    try:
        report = site.refresh()
    except Exception as error:  # a broken build must not end the process: the next may work
        logging.getLogger(__name__).exception("build failed")
        answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    else:
        answer = {"ok": not report.errors, **report.as_dict()}
    answers.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    sys.exit(main())
