"""A reader for the safetensors format, so the encoder needs no extra dependency for its weights.

The format is an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
shape and byte range, then the raw little-endian data. The file is memory-mapped: the arrays
are read-only views into it, so only the parts a comment touches (a few rows of the word
embeddings) are paged in. Every range is checked against the file before use, so a truncated
or corrupt download fails here with its name, not later with a shape error.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

DTYPES = {
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
}
MAX_HEADER = 100_000_000  # the format's own limit on the JSON header


class SafetensorsError(ValueError):
    """The file is not a complete, well-formed safetensors file."""


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor in the file at `path`, by name, as read-only arrays of its own dtype."""
    size = path.stat().st_size
    if size < 8:
        raise SafetensorsError(f"{path}: {size} bytes, too short for a safetensors file")
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    (length,) = struct.unpack("<Q", raw[:8].tobytes())
    if length > MAX_HEADER or 8 + length > size:
        raise SafetensorsError(f"{path}: header of {length} bytes does not fit in {size} bytes")
    try:
        header = json.loads(raw[8 : 8 + length].tobytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SafetensorsError(f"{path}: header is not JSON ({error})") from error
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    data = raw[8 + length :]
    return {
        name: _tensor(path, name, meta, data)
        for name, meta in header.items()
        if name != "__metadata__"
    }


def _tensor(path: Path, name: str, meta: object, data: np.ndarray) -> np.ndarray:
    try:
        dtype = DTYPES[meta["dtype"]]  # type: ignore[index]
        shape = [int(n) for n in meta["shape"]]  # type: ignore[index]
        start, end = (int(n) for n in meta["data_offsets"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError) as error:
        raise SafetensorsError(f"{path}: tensor {name!r} has a bad entry ({error!r})") from error
    if not 0 <= start <= end <= len(data):
        raise SafetensorsError(
            f"{path}: tensor {name!r} lies at bytes {start}-{end}, past the end of the data"
            f" ({len(data)} bytes): the file is truncated or corrupt"
        )
    if end - start != math.prod(shape) * dtype.itemsize:
        raise SafetensorsError(
            f"{path}: tensor {name!r} has {end - start} bytes for shape {shape} of {dtype}"
        )
    return data[start:end].view(dtype).reshape(shape)
