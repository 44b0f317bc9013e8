"""Train the civility check's blog stage: this blog's own model and the topic model that decides
when it is heard (`moderation.policy.blogstage`), deterministically.

    .venv/bin/python scripts/train_blog_stage.py --data ../shared/data

Both reuse train_text_models' features, fit, out-of-fold scores and threshold rule, with the
main civility model's settings. The blog model is fitted on the blog-domain set's training part
alone; its threshold is the best F1 among those holding at most `BLOG_MAX_FPR` of its civil
comments out of fold. The topic model tells that training part (1) from the shared insult data
(0), whatever their labels; its threshold is its best F1. scripts/evaluate_text_models.py
retrains the topic model inside each cross-validation fold with `topic_model`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from text_artefacts import data_hash, read_csv  # noqa: E402
from train_text_models import BLOG_TRAIN, TASKS, train, write  # noqa: E402

from moderation.policy import blogstage  # noqa: E402
from moderation.policy.insults import CIVILITY  # noqa: E402
from moderation.policy.textmodel import LinearTextModel  # noqa: E402

# Out of fold, within the writers of the training part; comments by new writers are held
# more often (docs/policy-quality.md), hence the margin under the 5 % ceiling.
BLOG_MAX_FPR = 0.025

BLOG_TASK = replace(
    TASKS["civility"],
    name="civility-blog",
    csv=BLOG_TRAIN,
    artefact=blogstage.BLOG_ARTEFACT,
    max_fpr=BLOG_MAX_FPR,
    rule=None,  # the rules run before the stage; the stage is judged on what they leave
    extra=(),
)
TOPIC_TASK = replace(
    TASKS["civility"],
    name="civility-topic",
    artefact=blogstage.TOPIC_ARTEFACT,
    max_fpr=None,
    rule=None,
    extra=(),
)


def topic_rows(shared: Sequence[str], blog: Sequence[str]) -> tuple[list[str], list[int]]:
    """The topic model's rows: the blog's comments are 1, the shared data's are 0."""
    return [*shared, *blog], [0] * len(shared) + [1] * len(blog)


def topic_model(shared: Sequence[str], blog: Sequence[str] | None = None) -> LinearTextModel:
    """A topic model fitted on these shared-data comments and these blog comments (the blog
    training part unless given)."""
    if blog is None:
        blog, _ = read_csv(ROOT / BLOG_TRAIN)
    return LinearTextModel(train(*topic_rows(shared, blog), TOPIC_TASK), CIVILITY)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    blog_path = ROOT / BLOG_TRAIN
    blog, labels = read_csv(blog_path)
    blog_file = {"file": BLOG_TRAIN, "rows": len(blog), "sha256": data_hash(blog_path)}
    write(train(blog, labels, BLOG_TASK), BLOG_TASK, blog_file)
    shared_path = args.data / TASKS["civility"].csv
    shared, _ = read_csv(shared_path)
    shared_file = {"file": TASKS["civility"].csv, "rows": len(shared)}
    write(
        train(*topic_rows(shared, blog), TOPIC_TASK),
        TOPIC_TASK,
        {"files": [shared_file | {"sha256": data_hash(shared_path)}, blog_file]},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
