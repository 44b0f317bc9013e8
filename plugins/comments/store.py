"""A versioned pickle under CACHE_PATH, following Pelican's own cache switches.

Read only with LOAD_CONTENT_CACHE (so `pelican --ignore-cache` ignores it), written only with
CACHE_CONTENT, replaced atomically. A file from another version (pickled first, so the rest
is not read), or one that cannot be read, counts as empty: it is only a cache.

The cyclic garbage collector is paused while a cache is read: unpickling makes only new, live
objects, and each collection it would set off walks every object of the build (three quarters
of the reading time, measured).
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection while only live objects are made."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Store:
    def __init__(self, path: Path, version: str, *, load: bool, save: bool) -> None:
        self.path = path
        self.version = version
        self.readable = load
        self.writable = save

    def load(self) -> dict[str, Any]:
        if not self.readable:
            return {}
        try:
            with self.path.open("rb") as handle, paused_collection():
                if pickle.load(handle) != self.version:
                    return {}
                data = pickle.load(handle)
        except FileNotFoundError:
            return {}
        except Exception as error:  # truncated, or written by something else
            logger.info("comments: ignoring the cache %s: %s", self.path, error)
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, data: dict[str, Any]) -> None:
        if not self.writable:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(self.version, handle, pickle.HIGHEST_PROTOCOL)
                pickle.dump(data, handle, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
