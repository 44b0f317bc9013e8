"""The "deploy" job: run the author's deploy command on the service's finished build.

For hosts that take a folder (S3-style buckets, a CDN's upload tool, a web server reached by
`rsync`). The command is the author's own setting, split like a shell line and run without a
shell; no comment text ever reaches it. It runs only on a build that contains the decision:

* a decision records a deploy job in its own transaction (a crash before the build is done
  loses nothing: the job is still there after a restart);
* the handler waits until the publisher has no rebuild scheduled or running (the first one
  after a start asks for a rebuild first), refuses to ship a build that failed, and holds
  the output lock while the command reads the folder, so no builder (of this process or
  another) writes it meanwhile;
* each successful rebuild records a deploy job again (`after_build`), unless a handler is
  already waiting for that very build. That covers a job another process ran before this
  process's build was done; a job that is already running gets a successor.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SettingsError
from ..jobs.model import QueuedJob
from ..livebuild import output_lock, run_dir
from .process import run

if TYPE_CHECKING:
    from ..publish import Publisher

logger = logging.getLogger(__name__)

KIND = "deploy"
OUTPUT_MARK = "{output}"  # stands for the build folder in COMMENTS_DEPLOY_COMMAND


class BuildNotReady(Exception):
    """The build the deploy must ship is still running, or failed: try again later."""


def command_line(command: str, output: Path) -> list[str]:
    """The command's arguments, with {output} replaced by the build folder."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise SettingsError(f"COMMENTS_DEPLOY_COMMAND {command!r}: {error}") from None
    if not argv:
        raise SettingsError("COMMENTS_DEPLOY_COMMAND is empty")
    return [argument.replace(OUTPUT_MARK, str(output)) for argument in argv]


class DeployCommand:
    def __init__(
        self,
        argv: list[str],
        project: Path,
        output: Path,
        publisher: Publisher,
        record: Callable[[], None],
        timeout: float = 600.0,
    ) -> None:
        """:param record: records a deploy job (the store's enqueue, then waking the runner)."""
        self.argv = argv
        self.project = project
        self.output = output
        self.publisher = publisher
        self.record = record
        self.timeout = timeout
        self._waiting_for_build = False
        self._built = False  # this process has brought the folder up to date at least once

    def __call__(self, job: QueuedJob) -> None:
        if not self._built:
            # The first deploy since the start: the folder may predate a decision made just
            # before a crash or a restart, so bring it up to date first.
            self.publisher.schedule()
        self._waiting_for_build = True
        try:
            built = self.publisher.wait_idle(min(self.timeout, 300.0))
        finally:
            self._waiting_for_build = False
        if not built:
            raise BuildNotReady("the site is still being built: the deploy waits for it")
        if self.publisher.last_error:
            raise BuildNotReady(
                f"the last build of the site failed, so it is not deployed:"
                f" {self.publisher.last_error}"
            )
        with output_lock(self.output, run_dir(self.project)):
            done = run(
                self.argv, self.project, self.timeout, label=KIND, success_level=logging.INFO
            )
        logger.info("deploy: `%s` succeeded in %.1f s", done.shown, done.seconds)

    def after_build(self) -> None:
        """A rebuild succeeded: deploy it, unless a handler is waiting for it already."""
        self._built = True
        if not self._waiting_for_build:
            self.record()
