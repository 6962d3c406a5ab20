"""The SIGALRM deadline: interrupts the block, and is not lost when it fires inside a finalizer."""

from __future__ import annotations

import sys
import time

import pytest

from envfactory.environments.deadline import DeadlineExceeded, deadline


class SlowFinalizer:
    def __del__(self) -> None:
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            pass


def test_a_block_past_its_deadline_is_interrupted() -> None:
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded), deadline(0.05):
        while True:
            pass
    assert time.monotonic() - start < 1


def test_a_deadline_that_lands_in_a_finalizer_fires_right_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    dropped: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    obj = SlowFinalizer()
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded), deadline(0.1):
        del obj  # the alarm goes off inside __del__ (0.5 s), where Python would print and drop it
        while time.monotonic() - start < 5:
            pass
    assert dropped == []
    assert time.monotonic() - start < 2
