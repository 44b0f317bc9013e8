"""Measure the civility and spam text models: cross-validation, or the committed artefacts.

    .venv/bin/python scripts/evaluate_text_models.py --data ../shared/data
    .venv/bin/python scripts/evaluate_text_models.py --artefact-on FILE.csv --model civility
    .venv/bin/python scripts/evaluate_text_models.py --blog tests/data/blog-comments/eval.csv
    .venv/bin/python scripts/evaluate_text_models.py --blog FILE.csv --backend encoder

Cross-validation is stratified 5-fold with a fixed seed. Each fold retrains with
`train_text_models.train` (which picks its threshold on out-of-fold scores of the training
part only), then scores the held-out part with the runtime backends in plain Python, timing
each comment. The held-out folds never influence a weight or a threshold. The task's extra
rows (the training part of the blog-domain set) join every fold's training part, never its
held-out part. For civility, the blog stage's topic model is retrained in each fold too (on the
fold's training part and the blog training part); the blog model never sees the shared data.

`--blog FILE` judges the blog-domain evaluation part with both committed artefacts: personal
attacks held and civil comments held, per kind, and the share of comments (all of them ham)
that the spam-text model flags, each with its commenter's blog address. `--backend encoder`
judges civility with the optional encoder backend instead (docs/policy-encoder.md).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_artefacts import TYPICAL_COMMENT
from train_blog_stage import topic_model
from train_text_models import ROOT, TASKS, Task, read_csv, train

from moderation.policy.blogstage import BlogStage, load_stage
from moderation.policy.civility import CivilityBackend, LinearCivilityBackend, load_backend
from moderation.policy.spamtext import SpamTextModel
from moderation.policy.textmodel import LinearTextModel

EVAL_SEED = 20120918  # differs from the training seed, so inner and outer folds differ
Judge = Callable[[str], tuple[float, bool]]


@dataclass
class Tally:
    """Held-out scores, decisions and per-comment times, pooled over folds."""

    labels: list[int]
    scores: list[float]
    flagged: list[bool]
    seconds: list[float]
    thresholds: list[float]

    def report(self, name: str) -> str:
        y, flagged = np.array(self.labels), np.array(self.flagged)
        tp = int((flagged & (y == 1)).sum())
        fp = int((flagged & (y == 0)).sum())
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / int(y.sum())
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        fpr = fp / int((y == 0).sum())
        ms = np.array(self.seconds) * 1000
        lines = [
            f"{name}: {len(y)} comments, {int(y.sum())} positive",
            f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
            f"  negatives flagged (FPR) {fpr:.3f}  AUC {roc_auc_score(y, self.scores):.3f}",
            f"  ms per comment: mean {ms.mean():.3f}  median {np.median(ms):.3f}"
            f"  p99 {np.percentile(ms, 99):.3f}",
        ]
        if self.thresholds:
            shown = ", ".join(f"{t:.3f}" for t in self.thresholds)
            label = "threshold" if len(self.thresholds) == 1 else "thresholds per fold"
            lines.append(f"  {label}: {shown}")
        return "\n".join(lines)


def judge_for(task: Task, model: LinearTextModel, stage: BlogStage | None = None) -> Judge:
    """The runtime decision for one comment: the civility backend or the spam model."""
    if task.name == "civility":
        backend = LinearCivilityBackend(model=model, stage=stage)

        def civility(text: str) -> tuple[float, bool]:
            assessment = backend.assess(text)
            return assessment.score, assessment.uncivil

        return civility
    spam = SpamTextModel(model)

    def spam_text(text: str) -> tuple[float, bool]:
        score = spam.score(text)
        return score, score >= spam.threshold

    return spam_text


def apply(judge: Judge, texts: Sequence[str], labels: Sequence[int], tally: Tally) -> None:
    for text, label in zip(texts, labels, strict=True):
        start = time.perf_counter()
        score, flagged = judge(text)
        tally.seconds.append(time.perf_counter() - start)
        tally.labels.append(label)
        tally.scores.append(score)
        tally.flagged.append(flagged)


def cross_validate(task: Task, data: Path, folds: int) -> Tally:
    texts, labels = read_csv(data / task.csv)
    tally = Tally([], [], [], [], [])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=EVAL_SEED)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        artefact = train([texts[i] for i in train_idx], [labels[i] for i in train_idx], task)
        model = LinearTextModel(artefact, task.featuriser)
        tally.thresholds.append(model.threshold)
        stage = None
        if task.name == "civility":
            stage = BlogStage(topic_model([texts[i] for i in train_idx]), load_stage().model)
        judge = judge_for(task, model, stage)
        apply(judge, [texts[i] for i in test_idx], [labels[i] for i in test_idx], tally)
    return tally


def on_artefact(task: Task, csv: Path) -> Tally:
    texts, labels = read_csv(csv)
    model = LinearTextModel.load(task.artefact, task.featuriser)
    tally = Tally([], [], [], [], [model.threshold])
    apply(judge_for(task, model), texts, labels, tally)
    return tally


def blog_report(path: Path, civility: CivilityBackend | None = None) -> str:
    """Civility (the linear backend unless another is given) and spam-text verdicts of the
    committed artefacts on a blog-domain CSV."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    civility = civility or LinearCivilityBackend()
    spam = SpamTextModel.load()
    held: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    kinds = Counter(row["kind"] for row in rows)
    misjudged = []
    by_writer: dict[str, Counter[str]] = {}
    for row in rows:
        uncivil = civility.assess(row["text"]).uncivil
        held[row["kind"]] += uncivil
        tally = by_writer.setdefault(row.get("writer") or "?", Counter())
        side = "attacks" if row["label"] == "1" else "civil"
        tally[side] += 1
        tally[f"{side} held"] += uncivil
        flagged[row["kind"]] += spam.is_spam(row["text"], row["blog_url"])
        if uncivil != (row["label"] == "1"):
            misjudged.append(f"    {row['label']} {row['kind']}: {row['text'][:90]}")
    attacks = [k for k in kinds if any(r["kind"] == k and r["label"] == "1" for r in rows)]
    n_attacks = sum(kinds[k] for k in attacks)
    caught = sum(held[k] for k in attacks)
    n_civil = len(rows) - n_attacks
    civil_held = sum(held.values()) - caught
    lines = [
        f"blog-domain set {path}: {len(rows)} comments, {n_attacks} personal attacks",
        f"  civility ({type(civility).__name__}): attacks held {caught}/{n_attacks}"
        f" ({caught / n_attacks:.1%}),"
        f" civil held {civil_held}/{n_civil} ({civil_held / n_civil:.1%})",
        "  per writer (attacks held, civil held): "
        + ", ".join(
            f"{w} {t['attacks held']}/{t['attacks']}, {t['civil held']}/{t['civil']}"
            for w, t in sorted(by_writer.items())
        ),
        "  per kind (held / comments): "
        + ", ".join(f"{k} {held[k]}/{kinds[k]}" for k in sorted(kinds)),
        f"  spam-text: flagged {sum(flagged.values())}/{len(rows)}"
        f" ({sum(flagged.values()) / len(rows):.1%}), of which own-blog"
        f" {flagged['own-blog']}/{kinds['own-blog']}",
        "  misjudged by civility:",
        *misjudged,
    ]
    return "\n".join(lines)


def typical_comment_ms(task: Task) -> float:
    """Time of the committed model on a 60-word comment, best of five runs of 200 calls."""
    model = LinearTextModel.load(task.artefact, task.featuriser)
    judge = judge_for(task, model)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            judge(TYPICAL_COMMENT)
        best = min(best, (time.perf_counter() - start) / 200)
    return best * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", "--model", dest="only", choices=sorted(TASKS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--artefact-on", type=Path, metavar="FILE", help="CSV with text,label")
    parser.add_argument("--blog", type=Path, metavar="FILE", help="blog-domain CSV to judge")
    parser.add_argument(
        "--backend", choices=["linear", "encoder"], default="linear", help="civility, for --blog"
    )
    args = parser.parse_args(argv)
    if args.blog:
        print(blog_report(args.blog, load_backend(args.backend)))
        return 0
    if args.artefact_on and not args.only:
        parser.error("--artefact-on needs --model civility or --model spam")
    for name, task in TASKS.items():
        if args.only and name != args.only:
            continue
        if args.artefact_on:
            tally = on_artefact(task, args.artefact_on)
            print(tally.report(f"{name} artefact on {args.artefact_on}"))
        else:
            tally = cross_validate(task, args.data, args.folds)
            print(tally.report(f"{name} {args.folds}-fold CV (seed {EVAL_SEED})"))
        print(f"  typical 60-word comment: {typical_comment_ms(task):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
