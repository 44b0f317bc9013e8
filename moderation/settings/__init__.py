"""Every COMMENTS_* setting in one table: name, default, help (rows in policy.py, service.py).

The author sets them in pelicanconf.py, next to the site's other settings; the environment
overrides any of them (a deployment changes limits without editing the site), and secrets
such as the Akismet key come only from the environment. docs/settings.md is generated from
this table, and a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from .policy import POLICY_SETTINGS
from .service import SERVICE_SETTINGS
from .setting import Setting

__all__ = ["SETTINGS", "Setting", "Settings", "settings_table"]

SETTINGS: tuple[Setting, ...] = POLICY_SETTINGS + SERVICE_SETTINGS
_BY_NAME_BY_NAME = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Resolved settings: defaults, then pelicanconf.py values, then the environment."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @classmethod
    def resolve(cls, site: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        """Merge the site's values and the environment over the defaults, coercing types."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {k: v for k, v in site.items() if k.isupper()}
        for setting in SETTINGS:
            if setting.secret and setting.name in site:
                raise SettingsError(
                    f"{setting.name} is a secret: set it in the environment, not in pelicanconf.py"
                )
            value = site.get(setting.name, setting.default)
            if setting.name in environ:
                value = _coerce(setting, environ[setting.name])
            values[setting.name] = value
        return cls(values)

    @classmethod
    def load(cls, path: str | Path = "pelicanconf.py", environ: Mapping[str, str] | None = None):
        """Read a Pelican settings file as Pelican does: its defaults, paths made absolute."""
        from pelican.settings import read_settings

        path = Path(path)
        if not path.is_file():
            raise SettingsError(f"settings file not found: {path}")
        return cls.resolve(read_settings(str(path)), environ)

    @property
    def site_origin(self) -> str:
        return str(self.get("CANONICAL_SITEURL") or self.get("SITEURL") or "").rstrip("/")

    def permalink(self, article_slug: str) -> str:
        """The public address of an article, as Pelican's ARTICLE_URL writes it."""
        pattern = str(self.get("ARTICLE_URL", "{slug}.html"))
        try:
            path = pattern.format(slug=article_slug)
        except (KeyError, IndexError):
            path = ""  # the pattern needs more than the slug (a date): the site root will do
        return f"{self.site_origin}/{path}"


def _coerce(setting: Setting, raw: str) -> Any:
    default = setting.default
    try:
        if isinstance(default, bool):
            if raw.strip().lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float) or (default is None and "THRESHOLD" in setting.name):
            return float(raw) if raw.strip() else None
        if isinstance(default, list):
            return [item.strip() for item in raw.split(",") if item.strip()]
    except ValueError:
        raise SettingsError(
            f"{setting.name}={raw!r} is not a valid {type(default).__name__}"
        ) from None
    return raw


def settings_table() -> str:
    """The Markdown table of docs/settings.md."""
    rows = ["| Setting | Default | What it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = "environment only" if s.secret else f"`{s.default!r}`"
        rows.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(rows) + "\n"
