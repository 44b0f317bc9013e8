"""A BERT sentence encoder (all-MiniLM-L6-v2) in plain NumPy: one comment in, one unit vector out.

PyTorch would add gigabytes for six small layers; NumPy's matrix products do the same work.
Everything stays float32, as the weights are. The text is split by the model's own tokenizer
(the `tokenizers` package, the reference implementation), truncated at `MAX_TOKENS` and never
padded: one comment at a time needs no attention mask. The sentence vector is the mean of the
last layer's token vectors, L2-normalised, as sentence-transformers pools this model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from .safetensors import read_safetensors

# The tokenizer.json shipped with the model truncates at 128 tokens; the vectors the head was
# trained on were made the same way (sentence-transformers itself allows 256).
MAX_TOKENS = 128
WEIGHTS = "model.safetensors"
F32 = np.float32


@dataclass(frozen=True)
class BertConfig:
    """The shape of the network, from the model folder's config.json."""

    layers: int
    heads: int
    hidden: int
    eps: float

    @classmethod
    def read(cls, path: Path) -> BertConfig:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: activation {data['hidden_act']!r} is not supported")
        return cls(
            data["num_hidden_layers"],
            data["num_attention_heads"],
            data["hidden_size"],
            float(data.get("layer_norm_eps", 1e-12)),
        )


def erf(x: np.ndarray) -> np.ndarray:
    """The error function (Abramowitz & Stegun 7.1.26; within 5e-7 of SciPy's in float32),
    so BERT's exact GELU needs no SciPy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = F32(1) / (F32(1) + F32(0.3275911) * a)
    poly = t * (
        F32(0.254829592)
        + t
        * (
            F32(-0.284496736)
            + t * (F32(1.421413741) + t * (F32(-1.453152027) + t * F32(1.061405429)))
        )
    )
    return sign * (F32(1) - poly * np.exp(-a * a))


class SentenceEncoder:
    """The network and its tokenizer, loaded from a model folder."""

    def __init__(self, folder: Path) -> None:
        self.config = BertConfig.read(folder / "config.json")
        tensors = read_safetensors(folder / WEIGHTS)
        prefix = "" if "embeddings.word_embeddings.weight" in tensors else "bert."
        self.w = {
            name.removeprefix(prefix): np.asarray(value, dtype=F32)
            for name, value in tensors.items()
        }
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def token_ids(self, text: str) -> list[int]:
        """The model's token ids for `text`, with [CLS] and [SEP], at most MAX_TOKENS."""
        return self.tokenizer.encode(text).ids

    def embed(self, text: str) -> np.ndarray:
        """The comment's sentence vector: 384 float32 numbers of norm 1."""
        w, ids = self.w, self.token_ids(text)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        for i in range(self.config.layers):
            x = self._layer(x, f"encoder.layer.{i}.")
        pooled = x.mean(axis=0)
        return pooled / np.linalg.norm(pooled)

    def _layer(self, x: np.ndarray, at: str) -> np.ndarray:
        n, heads = len(x), self.config.heads
        size = self.config.hidden // heads

        def split(name: str) -> np.ndarray:
            return self._dense(x, at + name).reshape(n, heads, size).transpose(1, 0, 2)

        q, k, v = (
            split("attention.self.query"),
            split("attention.self.key"),
            split("attention.self.value"),
        )
        scores = q @ k.transpose(0, 2, 1) * F32(1 / np.sqrt(size))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        attended = (scores @ v).transpose(1, 0, 2).reshape(n, heads * size)
        x = self._norm(
            x + self._dense(attended, at + "attention.output.dense"),
            at + "attention.output.LayerNorm",
        )
        h = self._dense(x, at + "intermediate.dense")
        h = F32(0.5) * h * (F32(1) + erf(h * F32(0.70710678)))
        return self._norm(x + self._dense(h, at + "output.dense"), at + "output.LayerNorm")

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        scaled = (x - mean) / np.sqrt(var + F32(self.config.eps))
        return scaled * self.w[name + ".weight"] + self.w[name + ".bias"]
