"""Train the encoder civility backend's head and write its artefact, deterministically.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/train_encoder_head.py --data ../shared/data

Needs the encoder extra and the weights (`make encoder`) and the train extra. The rows are
train_text_models' civility rows: the shared insult data plus the blog-domain training part at
its weight. Every row is embedded by the runtime's own encoder. The linear model's
out-of-fold scores come from train_text_models (its folds, its rule lift); the head, a
logistic regression on the sentence vectors, gets out-of-fold margins on the same folds; the
blend of both picks its threshold with train_text_models' `choose_threshold`, on out-of-fold
scores only. `--grid` prints the out-of-fold figures of other C and blend weights, to check
the defaults (C=1, blend 0.7) against; eval.csv is never read. Run it after every retraining
of the linear model (train_text_models.py): the head records the linear artefact's SHA-256, and
the backend refuses to blend with another.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_artefacts import confusion, data_hash, dump, read_csv
from train_text_models import (
    ROOT,
    SEED,
    TASKS,
    choose_threshold,
    featurise,
    oof_scores,
    with_extra,
)

from moderation.policy import civility
from moderation.policy.civility import RULE_SCORE
from moderation.policy.encoder import PACKAGE
from moderation.policy.encoder.backend import HEAD, blended, file_sha256, model_folder
from moderation.policy.encoder.bert import MAX_TOKENS, WEIGHTS, SentenceEncoder

TASK = TASKS["civility"]


def embed_all(texts: Sequence[str], encoder: SentenceEncoder) -> np.ndarray:
    start, vectors = time.perf_counter(), []
    for i, text in enumerate(texts):
        vectors.append(encoder.embed(text))
        if (i + 1) % 1000 == 0:
            print(f"  embedded {i + 1}/{len(texts)} ({time.perf_counter() - start:.0f} s)")
    return np.vstack(vectors)


def head(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)


def head_oof(vectors: np.ndarray, labels: np.ndarray, weights: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold head margins, on train_text_models' folds (same splitter, same seed)."""
    margins = np.zeros(len(labels))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(np.zeros(len(labels)), labels):
        model = head(c).fit(vectors[train_idx], labels[train_idx], sample_weight=weights[train_idx])
        margins[test_idx] = model.decision_function(vectors[test_idx])
    return margins


def blend_scores(
    linear: Sequence[float], margins: np.ndarray, rules: Sequence[bool], blend: float
) -> list[float]:
    """The runtime's score for each row: the blend, lifted to RULE_SCORE on a rule hit."""
    return [
        max(s, RULE_SCORE) if rule else s
        for s, rule in zip(
            (blended(p, float(m), blend) for p, m in zip(linear, margins, strict=True)),
            rules,
            strict=True,
        )
    ]


def figures(
    scores: list[float], labels: list[int], weights: list[float], n_shared: int
) -> dict[str, object]:
    """Threshold from out-of-fold scores, and the figures at it: all rows, shared, blog part."""
    threshold = choose_threshold(scores, labels, TASK, weights)
    out: dict[str, object] = {"threshold": round(threshold, 6)}
    for part, rows in (("shared", slice(0, n_shared)), ("blog", slice(n_shared, None))):
        found = confusion(scores[rows], labels[rows], threshold)
        out[part] = {k: round(v, 4) for k, v in found.items()}
    out["auc"] = round(roc_auc_score(labels, scores), 4)
    return out


def line(name: str, found: dict[str, object]) -> str:
    shared, blog = found["shared"], found["blog"]
    return (
        f"{name}: threshold {found['threshold']:.3f}, shared F1 {shared['f1']:.3f}"  # type: ignore[index]
        f" (FPR {shared['fpr']:.3f}), blog recall {blog['recall']:.3f}"  # type: ignore[index]
        f" (FPR {blog['fpr']:.3f}), AUC {found['auc']}"  # type: ignore[index]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, help="model folder; default: the weights package")
    parser.add_argument("--c", type=float, default=1.0, help="the head's regularisation")
    parser.add_argument("--blend", type=float, default=0.7, help="weight of the linear logit")
    parser.add_argument("--grid", action="store_true", help="print other C and blend weights")
    parser.add_argument("--out", type=Path, default=HEAD)
    args = parser.parse_args(argv)
    path = args.data / TASK.csv
    # Hashed before reading, so a file replaced during the run is not credited with this fit.
    trained_on: dict[str, object] = {"file": TASK.csv, "sha256": data_hash(path)}
    extra = [
        {"file": e.csv, "weight": e.weight, "sha256": data_hash(ROOT / e.csv)} for e in TASK.extra
    ]
    linear_model = {"file": civility.ARTEFACT.name, "sha256": data_hash(civility.ARTEFACT)}
    shared_texts, shared_labels = read_csv(path)
    trained_on["rows"] = len(shared_texts)
    texts, labels, weights = with_extra(shared_texts, shared_labels, TASK)
    n_shared = len(shared_texts)
    print(f"linear model: out-of-fold scores of {len(texts)} rows")
    linear = oof_scores(texts, featurise(texts, TASK), labels, TASK, weights)
    rules = [TASK.rule(t) if TASK.rule else False for t in texts]
    folder = model_folder(args.model)
    encoder = SentenceEncoder(folder)
    vectors = embed_all(texts, encoder)
    y, w = np.asarray(labels), np.asarray(weights)
    print(line("linear alone", figures(linear, labels, weights, n_shared)))
    grid = [(c, a) for c in (0.25, 1.0, 4.0) for a in (0.85, 0.7, 0.5)] if args.grid else []
    margins_by_c: dict[float, np.ndarray] = {}
    for c, a in grid:
        if c not in margins_by_c:
            margins_by_c[c] = head_oof(vectors, y, w, c)
        found = figures(blend_scores(linear, margins_by_c[c], rules, a), labels, weights, n_shared)
        print(line(f"C={c} blend {a}", found))
    margins = margins_by_c.get(args.c)
    if margins is None:
        margins = head_oof(vectors, y, w, args.c)
    chosen = figures(blend_scores(linear, margins, rules, args.blend), labels, weights, n_shared)
    print(line(f"chosen: C={args.c} blend {args.blend}", chosen))
    final = head(args.c).fit(vectors, y, sample_weight=w)
    artefact = {
        "model": "civility-encoder",
        "coef": [float(f"{v:.7g}") for v in final.coef_[0]],
        "intercept": float(f"{final.intercept_[0]:.7g}"),
        "blend": args.blend,
        "threshold": chosen["threshold"],
        "oof": chosen,
        "weights": {
            "package": PACKAGE,
            "version": version(PACKAGE),
            "file": WEIGHTS,
            "sha256": file_sha256(folder / WEIGHTS),
            "max_tokens": MAX_TOKENS,
            "pooling": "mean, L2-normalised",
        },
        "trained_on": trained_on,
        "linear": linear_model,  # the linear model trained on these rows, whose scores it blends
        "fit": {
            "c": args.c,
            "class_weight": "balanced",
            "seed": SEED,
            "folds": 5,
            "extra": extra,
        },
    }
    dump(artefact, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
