"""The blog-domain data set: its split is the documented one, and its labels are well formed."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "blog-comments"
ATTACK_KINDS = {
    "condescension",
    "you-people",
    "people-like-you",
    "whoever-wrote-this",
    "name-calling",
    "age-or-career",
    "go-away",
    "sarcasm",
    "paralipsis",
    "profanity",
}
CIVIL_KINDS = {"criticism", "insult-discussion", "negation-quotation", "own-blog", "benign"}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", ["train.csv", "eval.csv"])
def test_each_comment_is_on_the_side_its_hash_gives(name: str) -> None:
    for row in _rows(name):
        bucket = int(hashlib.sha256(row["text"].encode()).hexdigest()[:8], 16) % 100
        assert (bucket < 30) == (name == "eval.csv"), row["text"]


def test_the_set_is_large_balanced_and_labelled_by_kind() -> None:
    rows = _rows("train.csv") + _rows("eval.csv")
    texts = [row["text"] for row in rows]
    assert len(rows) >= 400
    assert len(set(texts)) == len(texts)
    attacks = [row for row in rows if row["label"] == "1"]
    assert 0.4 <= len(attacks) / len(rows) <= 0.6
    for row in rows:
        kinds = ATTACK_KINDS if row["label"] == "1" else CIVIL_KINDS
        assert row["kind"] in kinds, row
        assert not row["blog_url"] or row["kind"] == "own-blog", row
