"""The production set-up in tests: `moderate deploy-config`, nginx, systemd-analyze."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MODERATE = str(Path(sys.executable).with_name("moderate"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"


def moderate(settings_file: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """Run the `moderate` command as an operator would; fail the test with its output."""
    result = subprocess.run(
        [MODERATE, "--settings", str(settings_file), *args],
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"moderate {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def render(settings_file: Path, out: Path, *args: str, **environ: str) -> Path:
    """`moderate deploy-config`, the same command docs/deploy.md gives."""
    moderate(settings_file, "deploy-config", "--out", str(out), *args, **environ)
    return out


def require_nginx() -> str:
    """nginx's path; `make test` installs it (make install-proxy), so it is missing only when
    the suite runs outside make as a non-root user."""
    if not os.access(NGINX, os.X_OK):
        pytest.skip(
            "nginx is missing: run `make install-proxy` as root (apt-get install nginx-light)"
        )
    return NGINX
