"""What a new user meets first: a busy port, a missing Chromium or nginx, said plainly."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from deploytools import MODERATE
from servers import ROOT, free_socket

REQUIRE = ROOT / "scripts" / "require-debian-package.sh"


def run(*command: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    if user is not None:
        command = ("setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_check_port_names_a_busy_port_and_how_to_choose_another() -> None:
    with free_socket() as busy:
        busy.listen()
        port = busy.getsockname()[1]
        result = run(MODERATE, "check-port", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr


def test_check_port_passes_a_free_port() -> None:
    with free_socket() as sock:
        port = sock.getsockname()[1]
    assert run(MODERATE, "check-port", "--port", str(port)).returncode == 0


@pytest.mark.slow
def test_serve_on_a_busy_port_stops_before_opening_anything(project) -> None:
    with free_socket() as busy:
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = run(
            MODERATE, "--settings", str(project.settings_file), "serve", "--port", str(port)
        )
    assert result.returncode == 2
    assert "already in use" in result.stderr
    assert time.monotonic() - started < 10
    assert not project.database.exists()
    assert not project.output.exists()


def test_make_run_and_preview_check_the_port_before_building() -> None:
    for target in ("run", "preview"):
        dry_run = run("make", "-C", str(ROOT), "-n", target).stdout.splitlines()
        check = next(i for i, line in enumerate(dry_run) if "moderate check-port" in line)
        builds = [i for i, line in enumerate(dry_run) if "publish" in line or "pelican" in line]
        assert builds and check < min(builds), dry_run


def test_make_check_port_stops_on_a_busy_port() -> None:
    with free_socket() as busy:
        busy.listen()
        port = busy.getsockname()[1]
        result = run(
            "make", "-C", str(ROOT), "-o", ".venv/.installed", "check-port", f"PORT={port}"
        )
    assert result.returncode != 0
    assert f"make run PORT={port + 1}" in result.stderr


def test_a_present_program_needs_nothing() -> None:
    result = run(str(REQUIRE), "/bin/sh", "dash", "the tests")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_missing_program_tells_a_non_root_user_what_to_install() -> None:
    user = 65534 if os.geteuid() == 0 else None  # nobody: apt-get is not an option
    with tempfile.TemporaryDirectory() as folder:
        # A copy nobody can read, wherever the checkout lives (a clone in a 0700 folder).
        os.chmod(folder, 0o755)
        script = Path(folder) / REQUIRE.name
        shutil.copy(REQUIRE, script)
        script.chmod(0o755)
        result = run(str(script), "/nonexistent/nginx", "nginx-light", "the proxy tests", user=user)
    assert result.returncode == 1
    assert "/nonexistent/nginx is missing, and the proxy tests need it" in result.stderr
    assert "sudo apt-get install nginx-light" in result.stderr
