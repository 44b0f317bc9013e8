"""`python -m moderation.livebuild --socket PATH SETTINGS CONTENT OUTPUT`: the shared builder.

`server.run` claims the output folder's builder lock (or exits at once when another builder
holds it), leaves the launching process, builds the site and then answers `refresh` requests
on the socket, one JSON line each: `{"ok": …, "mode": …, "written": …, "rendered": …,
"seconds": …, "errors": […]}`, or `{"ok": false, "error": "…"}` when the build raised.
Pelican's own printing and the build's log go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .server import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation.livebuild")
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("settings", type=Path)
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # Pelican prints; the log is stderr
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="livebuild %(levelname)s: %(message)s"
    )
    logging.getLogger("moderation.livebuild").setLevel(logging.INFO)
    return run(args.socket, args.settings, args.content, args.output)


if __name__ == "__main__":
    sys.exit(main())
