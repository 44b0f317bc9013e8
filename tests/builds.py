"""Real Pelican builds of the blog, or of small test sites, in temporary folders."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@dataclass
class Build:
    """A finished build: where it went and what it logged at WARNING or above."""

    output: Path
    settings: dict
    messages: list[str] = field(default_factory=list)  # warnings and errors
    errors: list[str] = field(default_factory=list)  # errors only

    def page(self, relative: str) -> Path:
        path = self.output / relative
        return path / "index.html" if path.is_dir() else path


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def build_site(
    content: Path, output: Path, settings_file: str = "pelicanconf.py", **override
) -> Build:
    """Build with the project's settings, theme and plugins; only the paths differ."""
    settings = read_settings(
        str(ROOT / settings_file),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / f"{output.name}-cache"),
            **override,
        },
    )
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        Pelican(settings).run()
    finally:
        root.removeHandler(collector)
    return Build(output, settings, collector.messages, collector.errors)
