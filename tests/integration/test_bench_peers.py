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


def load_script(name: str):
    """A benchmark script as a module, importing its neighbours as it does when run."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


bench = load_script("bench_build")
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


@pytest.mark.parametrize(
    ("requests", "ok", "bad", "rows", "says"),
    [
        (0, 0, 0, 0, "0 requests"),
        (100, 0, 0, 100, "0 answered 202"),
        (100, 90, 10, 100, "10 answers other than 202"),
        (100, 100, 0, 0, "0 rows stored for 100 requests"),
        (100, 100, 0, 120, "120 rows stored"),
    ],
    ids=["no-requests", "no-status-line", "errors", "nothing-stored", "too-many-rows"],
)
def test_bench_intake_refuses_a_run_that_did_not_store_its_comments(
    requests, ok, bad, rows, says
) -> None:
    intake = load_script("bench_intake")
    run = intake.RunResult(
        "ours-1", 4, 1.0, requests=requests, status_ok=ok, status_bad=bad, rows_added=rows
    )
    with pytest.raises(intake.PeerDidNotRun, match=says):
        intake.verify_run(run, 202)


def test_bench_intake_reports_a_run_that_stored_each_comment() -> None:
    intake = load_script("bench_intake")
    run = intake.RunResult("ours-1", 4, 1.0, requests=100, status_ok=100, rows_added=102)
    intake.verify_run(run, 202)


@pytest.mark.parametrize(
    ("verdicts", "codes", "says"),
    [
        ({"hold": 10}, {"name.failed": 10}, "checks failed"),
        ({"pass": 10}, {}, "holds both kinds"),
        ({"pass": 4, "hold": 4}, {}, "8 verdicts for 10"),
    ],
    ids=["a-check-raised", "all-pass", "skipped"],
)
def test_bench_policy_refuses_a_pass_that_judged_nothing(verdicts, codes, says) -> None:
    policy = load_script("bench_policy")
    count = sum(verdicts.values())
    result = policy.PassResult(
        1.0, 1.0, [1] * count, policy.Counter(verdicts), policy.Counter(codes)
    )
    with pytest.raises(policy.PeerDidNotRun, match=says):
        policy.verify_pass(result, 10, "pass 1")
