"""The real app under uvicorn with several worker processes, as production may run it.

`serving_workers` starts `uvicorn workers:app_without_builder --factory --workers N` (httptools
and uvloop, as `scripts/bench_intake.py` does: uvicorn's h11 with several workers answers each
request ~44 ms late) in its own process group, waits for /healthz, and stops the group at the
end, printing the server's log when it did not come up. The app is `create_app` over
`build_service` with the project's settings, without a site builder: approvals need none here,
and a live builder per worker would build the whole site for nothing. The access log names
each line's process: `Workers.answered` tells a test whether every worker took part.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from servers import ROOT, Project, free_socket
from starlette.applications import Starlette

TESTS = Path(__file__).resolve().parent


# Every line names the process that wrote it, so a test can tell which worker answered what.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"pid": {"format": "%(process)d %(name)s %(message)s"}},
    "handlers": {"log": {"class": "logging.StreamHandler", "formatter": "pid"}},
    "loggers": {"uvicorn": {"handlers": ["log"], "level": "INFO", "propagate": False}},
}


@dataclass(frozen=True)
class Workers:
    url: str
    log: Path

    def answered(self, request_line: str) -> Counter[int]:
        """How many requests starting with `request_line` ("POST /api") each worker answered."""
        lines = self.log.read_text().splitlines()
        return Counter(
            int(line.split(" ", 1)[0])
            for line in lines
            if " uvicorn.access " in line and f'"{request_line}' in line
        )


def app_without_builder() -> Starlette:
    """For uvicorn's --factory: the app from MODERATE_SETTINGS, publishing without a rebuild."""
    from moderation.settings import Settings
    from moderation.web.app import create_app
    from moderation.wiring import build_service

    settings_file = Path(os.environ["MODERATE_SETTINGS"])
    settings = Settings.load(settings_file)
    return create_app(build_service(settings, settings_file, rebuild=False), settings)


@contextlib.contextmanager
def serving_workers(
    project: Project, workers: int = 2, deadline: float = 60.0, **environ: str
) -> Iterator[Workers]:
    """Serve the project with `workers` processes on a free loopback port, all of them up."""
    with free_socket() as probe:
        port = probe.getsockname()[1]
    log = project.root / "uvicorn.log"
    log_config = project.root / "uvicorn-log.json"
    log_config.write_text(json.dumps(LOG_CONFIG))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
        "MODERATE_SETTINGS": str(project.settings_file),
        # One secret for every worker (each would otherwise race to create var/secret.key).
        "COMMENTS_SECRET": "workers-test-secret",
        "COMMENTS_AKISMET_KEY": "",
        "COMMENTS_VERIFY_LINKS": "false",
        "COMMENTS_SMTP_HOST": "",
        **environ,
    }
    command = [
        str(Path(sys.executable).with_name("uvicorn")),
        "workers:app_without_builder",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--http",
        "httptools",
        "--loop",
        "uvloop",
        "--no-proxy-headers",
        "--log-config",
        str(log_config),
        "--log-level",
        "info",  # each worker logs its start-up (the wait counts them) and its requests
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base, workers, log, deadline)
        yield Workers(base, log)
    finally:
        _stop(process)


def _wait_ready(
    process: subprocess.Popen[bytes], base: str, workers: int, log: Path, deadline: float
) -> None:
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        started = log.read_text().count("Application startup complete")
        with contextlib.suppress(httpx.TransportError):
            if started >= workers and httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn not ready after {deadline} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server's process group (the supervisor and its workers); kill stragglers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
