"""Settings: defaults, pelicanconf.py values, environment overrides, and their one table."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.errors import SettingsError
from moderation.settings import SETTINGS, Settings, settings_table

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_fill_what_the_site_does_not_set() -> None:
    settings = Settings.resolve({}, environ={})
    assert settings["COMMENTS_MAX_LINKS"] == 2
    assert settings["COMMENTS_VERIFY_LINKS"] is False


def test_environment_overrides_with_the_default_type() -> None:
    environ = {
        "COMMENTS_MAX_LINKS": "5",
        "COMMENTS_VERIFY_LINKS": "yes",
        "COMMENTS_MODERATION_WORDS": "a, b",
    }
    settings = Settings.resolve({"COMMENTS_MAX_LINKS": 3}, environ)
    assert settings["COMMENTS_MAX_LINKS"] == 5
    assert settings["COMMENTS_VERIFY_LINKS"] is True
    assert settings["COMMENTS_MODERATION_WORDS"] == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "raw"), [("COMMENTS_MAX_LINKS", "many"), ("COMMENTS_VERIFY_LINKS", "perhaps")]
)
def test_bad_environment_value_names_the_setting(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.resolve({}, {name: raw})


def test_secret_in_pelicanconf_is_refused() -> None:
    with pytest.raises(SettingsError, match="COMMENTS_AKISMET_KEY"):
        Settings.resolve({"COMMENTS_AKISMET_KEY": "abc"}, {})


def test_project_settings_load_and_give_permalinks() -> None:
    settings = Settings.load(ROOT / "pelicanconf.py", environ={})
    assert settings.permalink("coffee-rule") == f"{settings.site_origin}/posts/coffee-rule/"


def test_every_setting_is_documented_in_docs_settings_md() -> None:
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings_table() in documented
    assert all(f"`{s.name}`" in documented for s in SETTINGS)
