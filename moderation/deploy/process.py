"""Run a deploy step's child process: no shell, a timeout, its output logged.

A timed-out command is killed with its whole process group: `rsync` or `git` start `ssh`,
which would otherwise keep the pipes open and the job waiting after the timeout.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

_TAIL_LINES = 20
_TAIL_CHARS = 1500


class CommandFailed(Exception):
    """A command that could not start, did not finish in time, or exited non-zero."""


@dataclass(frozen=True)
class Finished:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def shown(self) -> str:
        return shlex.join(self.argv)


def tail(text: str) -> str:
    """The end of a command's output: where the reason for a failure usually is."""
    lines = text.strip().splitlines()[-_TAIL_LINES:]
    return "\n".join(lines)[-_TAIL_CHARS:]


def run(
    argv: Sequence[str],
    cwd: Path,
    timeout: float,
    *,
    environ: Mapping[str, str] | None = None,
    check: bool = True,
    label: str = "deploy",
    success_level: int = logging.DEBUG,
) -> Finished:
    """Run `argv` in `cwd`; with `check`, a non-zero exit is `CommandFailed` with the stderr tail.

    The output is logged under `label`: at WARNING when the command failed, else at
    `success_level` (a deploy command's report is worth INFO; git's chatter is not).
    """
    started = time.monotonic()
    shown = shlex.join(argv)
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**os.environ, **(environ or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group, killed whole on timeout
        )
    except OSError as error:
        raise CommandFailed(f"`{shown}` could not start: {error}") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        _log(logging.WARNING, label, shown, stdout, stderr)
        raise CommandFailed(f"`{shown}` did not finish in {timeout:g} s and was stopped") from None
    finished = Finished(tuple(argv), process.returncode, stdout, stderr, time.monotonic() - started)
    _log(success_level if finished.ok else logging.WARNING, label, shown, stdout, stderr)
    if check and not finished.ok:
        raise CommandFailed(failure(finished))
    return finished


def failure(finished: Finished) -> str:
    """What a moderator reads about a failed command: its exit and the end of its output."""
    said = tail(finished.stderr) or tail(finished.stdout) or "no output"
    return f"`{finished.shown}` exited {finished.returncode}: {said}"


def _log(level: int, label: str, shown: str, stdout: str, stderr: str) -> None:
    for stream, text in (("stdout", stdout), ("stderr", stderr)):
        if text.strip():
            logger.log(level, "%s: %s %s:\n%s", label, shown, stream, tail(text))
