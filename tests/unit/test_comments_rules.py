"""The plugin's copy of what the name and link rules depend on, and its light import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from comments.rules import RULE_SOURCES, Policy

from moderation.policy import link_rules, name_rules
from moderation.publishrules import RULE_SETTINGS
from moderation.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class Recording(Settings):
    def __init__(self, values: dict[str, object]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> object:
        self.read.add(name)
        return super().__getitem__(name)


def test_the_fingerprint_covers_every_setting_the_rules_read() -> None:
    settings = Recording(Settings.resolve({"SITEURL": "https://blog.example"}, environ={}))
    name_rules(settings)
    link_rules(settings)
    assert settings.read <= set(RULE_SETTINGS)


def test_the_fingerprint_changes_with_a_rule_setting_only() -> None:
    base = Settings.resolve({}, environ={})
    fingerprint = Policy(base).fingerprint()
    assert fingerprint == Policy(Settings.resolve({}, environ={})).fingerprint()
    stricter = Settings.resolve({"COMMENTS_REQUIRE_HTTPS": True}, environ={})
    assert Policy(stricter).fingerprint() != fingerprint
    other = Settings.resolve({"COMMENTS_MAX_LINKS": 9}, environ={})
    assert Policy(other).fingerprint() == fingerprint


def test_the_rule_sources_exist() -> None:
    for name in RULE_SOURCES:
        assert (ROOT / "moderation" / f"{name}.py").is_file(), name


def test_importing_the_plugin_does_not_import_the_checks_or_the_sanitizer() -> None:
    code = (
        "import sys, pelican.generators, comments; "
        "print(sorted(m for m in ('moderation.policy', 'moderation.sanitize', 'httpx', 'bleach')"
        " if m in sys.modules))"
    )
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'plugins'}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    assert result.stdout.strip() == "[]"
