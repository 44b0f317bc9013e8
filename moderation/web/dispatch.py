"""Where the service's work runs: on the event loop, or in a thread when it waits on the net."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

T = TypeVar("T")


async def run_service(request: Request, work: Callable[..., T], *args: object) -> T:
    """Run the policy and the commit on the loop when they are pure CPU and a short local
    write (a thread hop costs more than the work, docs/benchmarks.md); in a thread when the
    policy waits on the network (Akismet, the live link check)."""
    if request.app.state.policy_uses_network:
        return await run_in_threadpool(work, *args)
    return work(*args)
