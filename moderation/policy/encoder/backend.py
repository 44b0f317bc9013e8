"""The encoder civility backend: the linear model's score blended with a sentence-vector head.

score = sigmoid(blend * logit(p_linear) + (1 - blend) * head margin), held at the head's
threshold; rule hits hold first, and the kind and quoted phrase come from the linear backend,
as with the default. The head (scripts/train_encoder_head.py) records the SHA-256 of the
weights it was trained on, and of the linear model whose scores it blends; others are refused,
since its coefficients and threshold would not fit them. Weights and head are read once per
process, only when this backend is chosen.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ...errors import SettingsError
from ..civility import ARTEFACT, CivilityAssessment, LinearCivilityBackend
from ..textmodel import sigmoid
from . import INSTALL, MODULE
from .bert import WEIGHTS, SentenceEncoder
from .safetensors import SafetensorsError

HEAD = Path(__file__).resolve().parent.parent / "models" / "civility-encoder.json.gz"
LOGIT_LIMIT = math.log(1e6)  # probabilities are clipped to [1e-6, 1 - 1e-6] before the logit


def blended(linear_probability: float, encoder_margin: float, blend: float) -> float:
    """The blended score; the training script calls this too, so both decide alike."""
    logit = min(LOGIT_LIMIT, max(-LOGIT_LIMIT, _logit(linear_probability)))
    return sigmoid(blend * logit + (1 - blend) * encoder_margin)


def _logit(p: float) -> float:
    if p <= 0.0:
        return -LOGIT_LIMIT
    if p >= 1.0:
        return LOGIT_LIMIT
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class EncoderHead:
    """The trained head: a logistic regression on the 384-number sentence vector."""

    coef: np.ndarray
    intercept: float
    blend: float
    threshold: float
    sha256: str  # of the model.safetensors the head was trained on
    meta: dict[str, object]

    @classmethod
    def load(cls, path: Path = HEAD) -> EncoderHead:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
        return cls(
            np.asarray(data["coef"], dtype=np.float32),
            float(data["intercept"]),
            float(data["blend"]),
            float(data["threshold"]),
            data["weights"]["sha256"],
            data,
        )

    def margin(self, vector: np.ndarray) -> float:
        return float(vector @ self.coef) + self.intercept


def model_folder(folder: Path | str | None = None) -> Path:
    """The folder holding the weights: `folder`, or the installed weights package's."""
    if folder:
        return Path(folder)
    spec = importlib.util.find_spec(MODULE)
    if spec is None or spec.origin is None:
        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND='encoder': the weights package ({MODULE}) is not"
            f" installed; install it with: {INSTALL}"
        )
    return Path(spec.origin).parent / "model"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def load_encoder(folder: Path, sha256: str) -> SentenceEncoder:
    """The encoder in `folder`, once per process, if its weights are the ones named."""
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND='encoder': no {WEIGHTS} in {folder}; install the"
            f" weights with: {INSTALL}"
        )
    found = file_sha256(weights)
    if found != sha256:
        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND='encoder': {weights} has SHA-256 {found}, but the"
            f" civility head was trained on {sha256}; install the weights it names with:"
            f" {INSTALL}, or retrain it with scripts/train_encoder_head.py"
        )
    try:
        return SentenceEncoder(folder)
    except (OSError, ValueError, KeyError, SafetensorsError) as error:
        raise SettingsError(f"COMMENTS_CIVILITY_BACKEND='encoder': {folder}: {error}") from error


@cache
def linear_sha256() -> str:
    return file_sha256(ARTEFACT)


def check_linear(head: EncoderHead) -> None:
    """Refuse a head whose blend and threshold were fitted to another linear model's scores."""
    expected = head.meta["linear"]["sha256"]  # type: ignore[index]
    if linear_sha256() != expected:
        raise SettingsError(
            f"COMMENTS_CIVILITY_BACKEND='encoder': the civility head was trained with another"
            f" {ARTEFACT.name} (SHA-256 {expected}); retrain it after the linear model:"
            " scripts/train_encoder_head.py"
        )


@cache
def load_head(path: Path = HEAD) -> EncoderHead:
    """The trained head at `path`, read once per process."""
    return EncoderHead.load(path)


class EncoderCivilityBackend:
    """Rules, then the linear model's score blended with the sentence-vector head's."""

    def __init__(
        self,
        threshold: float | None = None,
        folder: Path | str | None = None,
        head: Path = HEAD,
    ) -> None:
        """:param folder: a model folder to use instead of the installed weights package."""
        self.head = load_head(head)
        self.encoder = load_encoder(model_folder(folder), self.head.sha256)
        check_linear(self.head)
        self.linear = LinearCivilityBackend()
        self.threshold = self.head.threshold if threshold is None else threshold

    def assess(self, text: str) -> CivilityAssessment:
        model = self.linear.model
        doc = model.doc(text)
        score = blended(
            sigmoid(model.margin(doc)),
            self.head.margin(self.encoder.embed(text)),
            self.head.blend,
        )
        return self.linear.decide(doc, text, score, self.threshold)
