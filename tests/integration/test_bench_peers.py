"""scripts/bench_build.py refuses to time a plugin that did not run (issue 13, finding 10).

Pelican skips a plugin it cannot import and builds without it, so a benchmark that only
timed the build reported pelican-comment-system as "ran" at about 0 % when it was not even
installed. These run the script's own check on a two-post site: no full benchmark.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "scripts/bench_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_build", module)
    spec.loader.exec_module(module)
    return module


bench = load_bench_build()
PER_POST = 3


@pytest.fixture
def tiny_site(tmp_path: Path):
    return bench.write_site(tmp_path / "site", posts=2, per_post=PER_POST)


@pytest.mark.slow
def test_a_peer_that_cannot_load_is_refused(tiny_site, tmp_path: Path) -> None:
    missing = bench.Variant("a peer that is not installed", ["embeds", "no_such_plugin"], {})
    with pytest.raises(bench.PeerDidNotRun, match="did not load"):
        bench.checked_build(tiny_site, tmp_path / "out", missing, PER_POST)


@pytest.mark.slow
def test_a_peer_that_renders_no_comments_is_refused(tiny_site, tmp_path: Path) -> None:
    silent = bench.Variant("a peer that shows nothing", ["embeds", "chronology"], {})
    with pytest.raises(bench.PeerDidNotRun, match=f"do not show {PER_POST} comments"):
        bench.checked_build(tiny_site, tmp_path / "out", silent, PER_POST)


@pytest.mark.slow
def test_a_plugin_that_ran_is_timed(tiny_site, tmp_path: Path) -> None:
    timing = bench.checked_build(tiny_site, tmp_path / "out", bench.OURS, PER_POST)
    assert timing.cpu > 0 and timing.wall > 0


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("pelican_comment_system") is not None,
    reason="pelican-comment-system is installed here, so it can load",
)
def test_benchmark_without_the_old_plugin_installed_reports_nothing(tmp_path: Path) -> None:
    with pytest.raises(bench.PeerDidNotRun, match="pelican-comment-system"):
        bench.full_builds(tmp_path, posts=2, per_post=PER_POST, repeat=1, old=True)
