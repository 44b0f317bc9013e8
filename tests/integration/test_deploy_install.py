"""The rendered install.sh puts the unit, the nginx site and the secrets where they belong."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from deploytools import SYSTEMD_ANALYZE, render
from servers import make_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.access(SYSTEMD_ANALYZE, os.X_OK),
        reason="systemd-analyze is missing: apt-get install systemd",
    ),
]


def install(rendered: Path, destination: Path) -> str:
    result = subprocess.run(
        [str(rendered / "install.sh")],
        env={**os.environ, "DESTDIR": str(destination)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("install")
    project = make_project(root / "blog")
    rendered = render(project.settings_file, root / "rendered", "--server-name", "blog.example")
    destination = root / "destination"
    output = install(rendered, destination)
    return project.root, destination, output


def test_unit_and_site_are_installed_and_enabled(installed) -> None:
    _, destination, _ = installed
    unit = destination / "etc/systemd/system/moderate.service"
    site = destination / "etc/nginx/sites-available/blog.example.conf"
    enabled = destination / "etc/nginx/sites-enabled/blog.example.conf"
    assert "serve --production" in unit.read_text()
    assert "server_name blog.example;" in site.read_text()
    assert os.readlink(enabled) == "../sites-available/blog.example.conf"


def test_environment_file_holds_a_new_secret_for_root_only(installed) -> None:
    _, destination, _ = installed
    environment = destination / "etc/moderate/environment"
    assert stat.S_IMODE(environment.stat().st_mode) == 0o600
    [secret] = [line for line in environment.read_text().splitlines() if line.startswith("COM")]
    assert secret.startswith("COMMENTS_SECRET=") and len(secret) > len("COMMENTS_SECRET=") + 30


def test_installing_again_keeps_the_secret(installed) -> None:
    project, destination, _ = installed
    environment = destination / "etc/moderate/environment"
    before = environment.read_text()
    install(project.parent / "rendered", destination)
    assert environment.read_text() == before


def test_writable_folders_exist_and_the_live_system_is_left_alone(installed) -> None:
    project, destination, output = installed
    for name in ("var", "content/comments", "output", "cache"):
        assert (destination / str(project / name).lstrip("/")).is_dir()
    assert "skipped under DESTDIR: systemctl enable moderate" in output
    assert "skipped under DESTDIR: nginx -t" in output
