"""Which settings built an output folder, so a dev build never lands on a production build.

After each build a small JSON record sits in the project's `var/` (never in the output folder:
a deployment that copies the folder to a static host must not publish the settings file's
path): `var/build-settings-<folder>-<hash>.json` with the settings file's path and the SHA-256
of its text. A builder with another settings file refuses to write a folder that holds files
and such a record: `publishconf.py`'s build cannot quietly become `pelicanconf.py`'s, with
localhost links, because the dev service approved a comment. The hash is for people reading
the record; the path decides, so editing the settings file and rebuilding stays allowed.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from . import output_key


class OutputClaimed(RuntimeError):
    """The output folder holds a build made with another settings file."""


def record_path(output: Path, run: Path) -> Path:
    """Where the record of `output` lives; `run` is `livebuild.run_dir(project)`."""
    return run / f"build-settings-{output_key(output)}.json"


def check(output: Path, run: Path, settings_file: Path) -> None:
    """Raise OutputClaimed unless `settings_file` may build into `output`."""
    try:
        recorded = json.loads(record_path(output, run).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return  # never recorded (or unreadable): an older build, or none
    owner = Path(str(recorded.get("settings", "")))
    if owner == settings_file.resolve() or not _holds_files(output):
        return
    raise OutputClaimed(
        f"refusing to build {output} with {settings_file.resolve()}: it holds a build made with"
        f" {owner} on {recorded.get('built_at', '?')}. Dev and production builds keep separate"
        " folders: point OUTPUT_PATH elsewhere, or delete the folder to rebuild it from scratch."
    )


def record(output: Path, run: Path, settings_file: Path) -> None:
    """Note, atomically, that `settings_file` built `output`."""
    settings_file = settings_file.resolve()
    entry = {
        "settings": str(settings_file),
        "sha256": hashlib.sha256(settings_file.read_bytes()).hexdigest(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    run.mkdir(parents=True, exist_ok=True)
    path = record_path(output, run)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.part")
    temporary.write_text(json.dumps(entry, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _holds_files(output: Path) -> bool:
    try:
        with os.scandir(output) as entries:
            return any(True for _ in entries)
    except (FileNotFoundError, NotADirectoryError):
        return False
