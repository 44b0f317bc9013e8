"""The publisher gathers approvals: a burst costs one site update, not one each."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from moderation.publish import Publisher


class CountingBuilder:
    """A builder that takes `seconds` and counts its runs (the real ones are tested with real
    builds in tests/integration/test_livebuild.py)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.runs = 0
        self.running = threading.Event()
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def __call__(self) -> None:
        self.running.set()
        time.sleep(self.seconds)
        self.runs += 1
        self.running.clear()

    def close(self) -> None:
        self.closed = True


def test_approvals_close_together_share_one_update(tmp_path: Path) -> None:
    builder = CountingBuilder()
    publisher = Publisher(tmp_path, builder, delay=0.2)
    for _ in range(5):
        publisher.schedule()
        time.sleep(0.01)
    assert publisher.wait_idle(timeout=10)
    assert builder.runs == 1


def test_approvals_during_an_update_share_the_next_one(tmp_path: Path) -> None:
    builder = CountingBuilder(seconds=0.3)
    publisher = Publisher(tmp_path, builder, delay=0.05)
    publisher.schedule()
    assert builder.running.wait(timeout=10)
    for _ in range(4):
        publisher.schedule()
    assert publisher.wait_idle(timeout=10)
    assert builder.runs == 2


def test_a_failed_update_is_remembered_and_the_next_one_clears_it(tmp_path: Path) -> None:
    outcomes = [RuntimeError("pelican exited 1: boom"), None]

    class Flaky(CountingBuilder):
        def __call__(self) -> None:
            error = outcomes.pop(0)
            if error:
                raise error

    publisher = Publisher(tmp_path, Flaky(), delay=0.01)
    publisher.schedule()
    assert publisher.wait_idle(timeout=10)
    assert publisher.last_error == "pelican exited 1: boom"
    publisher.schedule()
    assert publisher.wait_idle(timeout=10)
    assert publisher.last_error == ""


def test_the_builder_starts_and_stops_with_the_publisher(tmp_path: Path) -> None:
    builder = CountingBuilder()
    publisher = Publisher(tmp_path, builder)
    publisher.start()
    assert builder.started and not builder.closed
    publisher.close()
    assert builder.closed
