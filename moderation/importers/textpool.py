"""Today's text checks on an import's comments, in other processes while this one reads on.

The spam-text and civility checks are most of an import's time (a linear model each over
every comment's words; docs/benchmarks.md) and read nothing but the comment's text and blog
link: no store, nothing remembered between comments. So a big import sends each batch of
comments to a pool of processes and reads, maps, stores and publishes the previous batch
meanwhile. The pool's processes are spawned, not forked: the service's threads and database
connections are not copied into them; each gets the checks, models loaded, once.

In the policy this process runs, each text check is replaced by a stand-in (`Answered`) that
gives the answer the pool computed, so the review has the same checks in the same order as
`Policy.run` gives, and a check that raises is held the same way (`policy._ask`).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from ..model import Check, Outcome, Submission
from ..policy import Policy

TEXT_CHECKS = frozenset({"content", "civility"})  # SpamTextCheck, CivilityCheck
Key = tuple[str, str]  # (body, blog link): all the text checks read


def key(submission: Submission) -> Key:
    return submission.body, submission.blog_url


class Answered:
    """A text check's place in the local policy: the answer the pool gave for the batch."""

    def __init__(self, check: Check) -> None:
        self.name = check.name
        self.costly = getattr(check, "costly", False)
        self.answers: dict[Key, Outcome] = {}

    def __call__(self, submission: Submission) -> Outcome:
        return self.answers[key(submission)]


class TextChecks:
    """Runs the text checks of a batch of submissions: in `workers` processes, or here when
    `workers` is 0 (a small import: starting processes would cost more than it saves)."""

    def __init__(self, checks: Sequence[Check], workers: int) -> None:
        self.names = [check.name for check in checks]
        self._here = Policy(checks)
        self._pool = (
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load,
                initargs=(tuple(checks),),
            )
            if workers and checks
            else None
        )

    def submit(self, submissions: Sequence[Submission]) -> Future[dict[Key, tuple[Outcome, ...]]]:
        """Each distinct (body, blog link)'s outcomes, one per check, in `names` order."""
        keys = list(dict.fromkeys(key(s) for s in submissions))
        if self._pool is None:
            done: Future[dict[Key, tuple[Outcome, ...]]] = Future()
            done.set_result(dict(zip(keys, _answers(self._here, keys), strict=True)))
            return done
        return self._pool.submit(_answer_in_worker, keys)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def split(checks: Sequence[Check]) -> tuple[list[Check], list[Answered]]:
    """(the checks with text checks replaced by stand-ins, the stand-ins)."""
    stand_ins = {c.name: Answered(c) for c in checks if c.name in TEXT_CHECKS}
    return [stand_ins.get(c.name, c) for c in checks], list(stand_ins.values())


_WORKER_POLICY: Policy | None = None


def _load(checks: tuple[Check, ...]) -> None:
    global _WORKER_POLICY
    _WORKER_POLICY = Policy(checks)


def _answer_in_worker(keys: list[Key]) -> dict[Key, tuple[Outcome, ...]]:
    assert _WORKER_POLICY is not None, "the pool's initializer loads the checks"
    return dict(zip(keys, _answers(_WORKER_POLICY, keys), strict=True))


def _answers(policy: Policy, keys: list[Key]) -> list[tuple[Outcome, ...]]:
    """`Policy.run` over the text checks alone: a check that raises is held, as there."""
    return [
        tuple(r.outcome for r in policy.run(Submission("", "", blog_url, body)).results)
        for body, blog_url in keys
    ]
