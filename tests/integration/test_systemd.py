"""The shipped systemd unit, rendered for a project, passes `systemd-analyze verify`."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

import pytest
from deploytools import SYSTEMD_ANALYZE, render

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.access(SYSTEMD_ANALYZE, os.X_OK),
        reason="systemd-analyze is missing: apt-get install systemd",
    ),
]


def verify(unit: Path) -> str:
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}".strip()


def service_section(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(unit.read_text())
    return parser["Service"]


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from servers import make_project

    project = make_project(tmp_path_factory.mktemp("systemd") / "blog")
    out = render(project.settings_file, project.root / "deploy", "--service-port", "8011")
    return out / "moderate.service"


def test_rendered_unit_passes_systemd_analyze_verify(unit: Path) -> None:
    assert verify(unit) == "exit 0"


def test_verify_does_catch_a_broken_unit(unit: Path, tmp_path: Path) -> None:
    broken = tmp_path / "moderate.service"
    broken.write_text(unit.read_text().replace("ExecStart=", "ExecStrat="))
    assert "Unknown key" in verify(broken) or "no ExecStart" in verify(broken)


def test_unit_runs_the_production_service_as_its_own_user_on_loopback(unit: Path) -> None:
    service = service_section(unit)
    assert service["User"] == "moderate"
    assert service["ExecStart"].endswith("serve --production --host 127.0.0.1 --port 8011")
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/moderate/environment"
    settings_file = unit.parent.parent / "settings.py"
    assert f"Environment=MODERATE_SETTINGS={settings_file}\n" in unit.read_text()
    assert "Environment=COMMENTS_TRUSTED_PROXIES=127.0.0.1\n" in unit.read_text()


def test_unit_may_write_only_the_database_comments_and_built_site(unit: Path) -> None:
    service = service_section(unit)
    project = unit.parent.parent
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert sorted(service["ReadWritePaths"].split()) == sorted(
        str(project / name) for name in ("cache", "content/comments", "output", "var")
    )
    assert service["WorkingDirectory"] == str(project)
