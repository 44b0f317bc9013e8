"""How the civility check judges writers it has never read: groups of writers left out.

    .venv/bin/python scripts/evaluate_new_writers.py --data ../shared/data

For each group of the blog-domain set's writers, the main model, the blog model and the topic
model are retrained without a single comment of that group (training or evaluation part), and
the whole linear backend (rules, main model, blog stage) judges every comment of the group.
Writers 1-4 are never a group: the attack rules were written while reading their training
comments. This is the figure to expect from commenters whose style nobody has read; the
evaluation part (`evaluate_text_models.py --blog`) shares its writers with the training part.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_blog_stage import BLOG_TASK, topic_model
from train_text_models import ROOT, TASKS, Extra, read_csv, train

from moderation.policy.blogstage import BlogStage
from moderation.policy.civility import LinearCivilityBackend
from moderation.policy.insults import CIVILITY, rule_hit
from moderation.policy.textmodel import LinearTextModel, sigmoid

BLOG = ROOT / "tests" / "data" / "blog-comments"
GROUPS = ((5, 9), (10, 14), (15, 19), (20, 26))
TALLY = ("attacks", "civil", "held", "civil held", "main", "civil main")


def blog_rows() -> list[dict[str, str]]:
    rows = []
    for part in ("train.csv", "eval.csv"):
        with (BLOG / part).open(encoding="utf-8", newline="") as f:
            rows += [row | {"part": part} for row in csv.DictReader(f)]
    return rows


def backend_without(
    rows: Sequence[dict[str, str]], shared: tuple[list[str], list[int]], scratch: Path
) -> LinearCivilityBackend:
    """The linear backend retrained on the shared data and these training-part rows only."""
    with scratch.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "label"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    main_task = TASKS["civility"]
    weight = main_task.extra[0].weight
    main = train(*shared, replace(main_task, extra=(Extra(str(scratch), weight=weight),)))
    texts, labels = [r["text"] for r in rows], [int(r["label"]) for r in rows]
    stage = BlogStage(
        topic_model(shared[0], texts), LinearTextModel(train(texts, labels, BLOG_TASK), CIVILITY)
    )
    return LinearCivilityBackend(model=LinearTextModel(main, CIVILITY), stage=stage)


def judge(backend: LinearCivilityBackend, rows: Sequence[dict[str, str]]) -> dict[str, int]:
    """Attacks and civil comments, and how many of each the backend held; also what the main
    model alone (rules included) held."""
    tally = dict.fromkeys(TALLY, 0)
    for row in rows:
        doc = backend.model.doc(row["text"])
        score = sigmoid(backend.model.margin(doc))
        held = backend.decide(doc, row["text"], score, backend.threshold).uncivil
        main = rule_hit(doc) is not None or score >= backend.threshold
        side = "attacks" if row["label"] == "1" else "civil"
        prefix = "" if side == "attacks" else "civil "
        tally[side] += 1
        tally[f"{prefix}held"] += held
        tally[f"{prefix}main"] += main
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--scratch",
        type=Path,
        default=Path(tempfile.gettempdir()) / "new-writers-train.csv",
        help="where each group's training rows are written for the main model's fit",
    )
    args = parser.parse_args(argv)
    shared = read_csv(args.data / TASKS["civility"].csv)
    rows = blog_rows()
    total = dict.fromkeys(TALLY, 0)
    for first, last in GROUPS:
        group = {str(w) for w in range(first, last + 1)}
        known = [r for r in rows if r["part"] == "train.csv" and r["writer"] not in group]
        backend = backend_without(known, shared, args.scratch)
        tally = judge(backend, [r for r in rows if r["writer"] in group])
        print(f"writers {first}-{last}: {_line(tally)}", flush=True)
        total = {k: total[k] + tally[k] for k in total}
    print(f"all groups: {_line(total)}")
    return 0


def _line(t: dict[str, int]) -> str:
    return (
        f"attacks held {t['held']}/{t['attacks']} ({t['held'] / t['attacks']:.1%}),"
        f" civil held {t['civil held']}/{t['civil']} ({t['civil held'] / t['civil']:.1%});"
        f" main model and rules alone {t['main'] / t['attacks']:.1%}"
        f" / {t['civil main'] / t['civil']:.1%}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
