"""One row of the settings table: a name, its default, what it does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False  # read only from the environment, never from pelicanconf.py
