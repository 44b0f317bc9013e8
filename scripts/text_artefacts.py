"""Reading labelled CSVs and writing model artefacts, for the training and evaluation scripts.

Artefacts are written byte-for-byte reproducibly (sorted keys, gzip mtime 0, weights rounded),
so the same data gives the same committed file.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

TYPICAL_COMMENT = (  # 60 words, for timing one comment (evaluation, bench_encoder)
    "I disagree with the part about cold emails. In my experience recruiters answer a short"
    " note that names the role and one result, and they ignore long letters. Your advice"
    " on following up twice is fair, but the timing matters more than the count, and a"
    " referral from someone on the team still beats everything else I tried this year."
)


def read_csv(path: Path) -> tuple[list[str], list[int]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def confusion(scores: Sequence[float], labels: Sequence[int], threshold: float) -> dict[str, float]:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    pos = sum(labels)
    neg = len(labels) - pos
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / pos if pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fp / neg if neg else 0.0}


def dump(artefact: dict[str, object], path: Path) -> None:
    """Write an artefact byte-for-byte reproducibly (fixed gzip mtime, sorted keys)."""
    data = json.dumps(artefact, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data.encode("utf-8"))


def rounded(weights: Iterable[tuple[str, float]], digits: int = 4) -> dict[str, float]:
    """Weights with few significant digits and no zeros: a smaller artefact, same scores."""
    out = {}
    for name, w in weights:
        r = float(f"{w:.{digits}g}")
        if r:
            out[name] = r
    return out


def data_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
