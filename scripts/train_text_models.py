"""Train the civility and spam text models and write their artefacts, deterministically.

    .venv/bin/python scripts/train_text_models.py --data ../shared/data

The features come from `moderation.policy.textnorm` and `moderation.policy.textmodel` (the
runtime's own code); this script only adds the fitting (scikit-learn's logistic regression on a
sparse matrix) and the choice of the threshold on out-of-fold scores of the training data.
scripts/evaluate_text_models.py reuses `train` inside each cross-validation fold, so the figures
it prints measure this code path.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from text_artefacts import confusion, data_hash, dump, read_csv, rounded  # noqa: E402

from moderation.policy import civility, insults, spamtext  # noqa: E402
from moderation.policy.textmodel import (  # noqa: E402
    FORMAT,
    Features,
    FeatureSettings,
    LinearTextModel,
    block_values,
    extract,
    sigmoid,
)
from moderation.policy.textnorm import Featuriser, normalise  # noqa: E402

SEED = 2012
VERSION = "2026.1"
BLOG_TRAIN = "tests/data/blog-comments/train.csv"  # the blog-domain set's training part


@dataclass(frozen=True)
class Extra:
    """Rows from the project's own data added to every fit (and every cross-validation fold).

    `label` overrides the file's label: blog comments are all ham for the spam model.
    """

    csv: str  # relative to the project folder
    weight: float = 1.0
    label: int | None = None


@dataclass(frozen=True)
class Task:
    """One model to train: its data, features, regularisation and threshold rule."""

    name: str
    csv: str
    featuriser: Featuriser
    artefact: Path
    settings: FeatureSettings = field(default_factory=FeatureSettings)
    c: float = 4.0
    min_df: int = 2
    class_weight: str | None = "balanced"
    # NB-LR (Wang & Manning 2012): fit on features scaled by their log-count ratio.
    nb: bool = False
    # Choose the threshold that maximises F1 while meeting this constraint on OOF scores.
    max_fpr: float | None = None
    min_precision: float | None = None
    # Rules that hold regardless of the model raise the score to at least this.
    rule: Callable[[str], bool] | None = None
    extra: tuple[Extra, ...] = ()


TASKS = {
    "civility": Task(
        "civility",
        "civility/insults_train.csv",
        insults.CIVILITY,
        civility.ARTEFACT,
        FeatureSettings(word_ngrams=2, char_min=2, char_max=5, cue_scale=1.0),
        nb=True,
        # Under the 5 % ceiling: unseen comments vary, and the blog stage holds about half a
        # point more of the shared data (docs/policy-quality.md).
        max_fpr=0.04,
        rule=insults.rule_holds,
        # 2: the blog part (4,729 comments) weighs 2.4 times the shared data (3,928); see
        # docs/policy-quality.md for the weights tried.
        extra=(Extra(BLOG_TRAIN, weight=2.0),),
    ),
    "spam": Task(
        "spam",
        "spam/youtube_train.csv",
        spamtext.SPAM,
        spamtext.ARTEFACT,
        FeatureSettings(word_ngrams=2, char_min=2, char_max=5, cue_scale=1.0),
        nb=True,
        min_precision=0.99,
        extra=(Extra(BLOG_TRAIN, weight=1.0, label=0),),
    ),
}


def with_extra(
    texts: Sequence[str], labels: Sequence[int], task: Task
) -> tuple[list[str], list[int], list[float]]:
    """The rows plus the task's extra rows, with each row's weight in the fit."""
    all_texts, all_labels, weights = list(texts), list(labels), [1.0] * len(texts)
    for extra in task.extra:
        extra_texts, extra_labels = read_csv(ROOT / extra.csv)
        all_texts += extra_texts
        all_labels += [extra.label if extra.label is not None else y for y in extra_labels]
        weights += [extra.weight] * len(extra_texts)
    return all_texts, all_labels, weights


def featurise(texts: Sequence[str], task: Task) -> list[Features]:
    return [extract(normalise(t, task.featuriser), task.settings, task.featuriser) for t in texts]


def fit(
    features: Sequence[Features], labels: Sequence[int], task: Task, weights: Sequence[float]
) -> dict[str, object]:
    """Weights of a logistic regression on the features seen in at least `min_df` comments;
    `weights` are the rows' weights in the fit (the blog's own comments count more)."""
    df: dict[tuple[int, str], int] = {}
    for f in features:
        for block, names in enumerate((f.words, f.chars, f.cues)):
            for name in names:
                df[block, name] = df.get((block, name), 0) + 1
    columns = sorted(k for k, n in df.items() if n >= task.min_df or k[0] == 2)
    index = {k: j for j, k in enumerate(columns)}
    rows, cols, vals = [], [], []
    for i, f in enumerate(features):
        values = block_values(len(f.words), sum(f.chars.values()), task.settings)
        for block, names in enumerate(
            (dict.fromkeys(f.words, 1), f.chars, dict.fromkeys(f.cues, 1))
        ):
            for name, count in names.items():
                j = index.get((block, name))
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(values[block] * count)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(features), len(columns)))
    matrix.sort_indices()  # set order varies with the hash seed; the fit must not
    y = np.asarray(labels)
    w = np.asarray(weights, dtype=float)
    ratio = np.ones(len(columns))
    if task.nb:
        binary = diags(w) @ (matrix > 0).astype(float)
        p = np.asarray(binary[y == 1].sum(axis=0)).ravel() + 1.0
        q = np.asarray(binary[y == 0].sum(axis=0)).ravel() + 1.0
        ratio = np.abs(np.log((p / p.sum()) / (q / q.sum())))
    coef, bias = _logistic(matrix @ diags(ratio), y, w, task)
    coef = coef * ratio  # the runtime multiplies raw feature values: fold the scaling in
    weights: dict[str, dict[str, float]] = {}
    for block, key in enumerate(("words", "chars", "cues")):
        pairs = [(name, float(coef[index[b, name]])) for b, name in columns if b == block]
        weights[key] = rounded(pairs)
    return {
        "format": FORMAT,
        "featuriser": task.featuriser.name,
        "settings": asdict(task.settings),
        "weights": weights,
        "bias": bias,
        "threshold": 0.5,
    }


def _logistic(
    matrix: csr_matrix, y: np.ndarray, w: np.ndarray, task: Task
) -> tuple[np.ndarray, float]:
    model = LogisticRegression(
        C=task.c,
        class_weight=task.class_weight,
        solver="liblinear",
        max_iter=1000,
        random_state=SEED,
    )
    model.fit(matrix, y, sample_weight=w)
    return model.coef_[0], float(model.intercept_[0])


def score(model: LinearTextModel, features: Features, text: str, task: Task) -> float:
    """The runtime's score; a rule hit lifts it to at least RULE_SCORE."""
    value = sigmoid(model.margin_of(features))
    if task.rule is not None and task.rule(text):
        return max(value, civility.RULE_SCORE)
    return value


def oof_scores(
    texts: Sequence[str],
    features: Sequence[Features],
    labels: Sequence[int],
    task: Task,
    weights: Sequence[float],
) -> list[float]:
    """Out-of-fold scores: every comment scored by a model that did not see it."""
    scores = [0.0] * len(texts)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(np.zeros(len(labels)), labels):
        artefact = fit(
            [features[i] for i in train_idx],
            [labels[i] for i in train_idx],
            task,
            [weights[i] for i in train_idx],
        )
        model = LinearTextModel(artefact, task.featuriser)
        for i in test_idx:
            scores[i] = score(model, features[i], texts[i], task)
    return scores


def choose_threshold(
    scores: Sequence[float], labels: Sequence[int], task: Task, weights: Sequence[float]
) -> float:
    """The threshold with the best F1 among those that meet the task's constraint, each row
    counted with its weight. `max_fpr` holds for each source on its own (rows of one weight
    come from one file): the blog's few civil comments must not buy more false holds on the
    shared data, nor the other way round."""
    ranked = sorted(zip(scores, labels, weights, strict=True), reverse=True)
    pos = sum(w for _, y, w in ranked if y)
    negatives = Counter(w for _, y, w in ranked if not y)
    false = Counter[float]()
    best, best_f1, tp, fp = 1.0, -1.0, 0.0, 0.0
    for k, (threshold, label, weight) in enumerate(ranked):
        tp, fp = tp + label * weight, fp + (1 - label) * weight
        false[weight] += 1 - label
        if k + 1 < len(ranked) and ranked[k + 1][0] == threshold:
            continue  # a threshold flags every comment that ties with it
        precision, recall = tp / (tp + fp), tp / pos
        if task.max_fpr is not None and any(
            false[w] / n > task.max_fpr for w, n in negatives.items()
        ):
            break  # the false-positive rate only grows as the threshold falls
        if task.min_precision is not None and precision < task.min_precision:
            continue
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def train(texts: Sequence[str], labels: Sequence[int], task: Task) -> dict[str, object]:
    """Fit on all rows and the task's extra rows; the threshold comes from out-of-fold scores
    of these same rows."""
    texts, labels, weights = with_extra(texts, labels, task)
    features = featurise(texts, task)
    scores = oof_scores(texts, features, labels, task, weights)
    threshold = choose_threshold(scores, labels, task, weights)
    artefact = fit(features, labels, task, weights)
    artefact["threshold"] = threshold
    figures = confusion(scores, labels, threshold) | {"auc": roc_auc_score(labels, scores)}
    artefact["oof"] = {k: round(v, 4) for k, v in figures.items()}
    return artefact


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", choices=sorted(TASKS), help="train one model")
    args = parser.parse_args(argv)
    for name, task in TASKS.items():
        if args.only and name != args.only:
            continue
        path = args.data / task.csv
        texts, labels = read_csv(path)
        artefact = train(texts, labels, task)
        write(artefact, task, {"file": task.csv, "rows": len(texts), "sha256": data_hash(path)})
    return 0


def write(artefact: dict[str, object], task: Task, trained_on: dict[str, object]) -> None:
    """Record what the artefact was fitted on and how, write it, and say so."""
    artefact.update(
        model=task.name,
        version=VERSION,
        trained_on=trained_on,
        fit={
            "c": task.c,
            "min_df": task.min_df,
            "class_weight": task.class_weight,
            "nb": task.nb,
            "rules": task.rule is not None,
            "seed": SEED,
            "extra": [
                {"file": e.csv, "weight": e.weight, "sha256": data_hash(ROOT / e.csv)}
                for e in task.extra
            ],
        },
    )
    task.artefact.parent.mkdir(exist_ok=True)
    dump(artefact, task.artefact)
    print(f"{task.name}: threshold {artefact['threshold']}, out-of-fold {artefact['oof']}")
    print(f"  wrote {task.artefact} ({task.artefact.stat().st_size:,} bytes)")


if __name__ == "__main__":
    raise SystemExit(main())
