"""The comment queue's storage: `open_store(url)` picks the backend from COMMENTS_DATABASE_URL.

`base.Store` is the contract callers use; `sqlite.SQLiteStore` implements it, `migrations` holds
its schema history. A new backend is a new module and a new branch in `open_store`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..errors import SettingsError
from ..ipstorage import IpStorage
from .base import Store
from .sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "open_store"]

SUPPORTED = "sqlite:///relative/path.sqlite3 or sqlite:////absolute/path.sqlite3"


def open_store(
    url: str,
    *,
    clock: Callable[[], datetime] | None = None,
    ip_storage: IpStorage = IpStorage.TRUNCATED,
) -> Store:
    """The store a database URL names, its schema brought up to date and its folder created.

    A relative SQLite path starts from the working directory; the service anchors it at the
    project folder first.
    """
    scheme, separator, _ = url.partition("://")
    if scheme != "sqlite" or not separator:
        problem = f"unsupported scheme {scheme!r}" if separator else "not a database URL"
        raise SettingsError(f"COMMENTS_DATABASE_URL {url!r}: {problem}; supported: {SUPPORTED}")
    # "sqlite:///a/b" is the relative path "a/b"; "sqlite:////a/b" the absolute "/a/b".
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    if not path or path == ":memory:":
        # Each pooled connection would see its own empty in-memory database.
        raise SettingsError(
            f"COMMENTS_DATABASE_URL {url!r}: name a database file, as in {SUPPORTED}"
        )
    timing = {"clock": clock} if clock is not None else {}
    return SQLiteStore(Path(path), ip_storage=ip_storage, **timing)
