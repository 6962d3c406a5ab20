"""Time limits for tool calls that run on the main thread, where a thread cannot be abandoned.

`deadline(seconds)` arms a real-time timer (SIGALRM); when it fires while the block is still
running, `DeadlineExceeded` is raised inside it: between two bytecodes, or out of a blocking call
such as `time.sleep`, which the signal interrupts. It derives from BaseException so that tool
code's own `except Exception` cannot swallow it. Off the main thread (signals are delivered only
there) the block simply runs without a limit, and `available()` says so.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class DeadlineExceeded(BaseException):
    """The block ran past its deadline and was interrupted."""


_armed = False


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _swallows_exceptions(frame: FrameType | None) -> bool:
    """Whether an exception raised in `frame` would be printed and dropped by Python rather than
    propagate: finalizers and weakref callbacks that garbage collection runs."""
    if frame is None:
        return False
    code = frame.f_code
    return code.co_name == "__del__" or code.co_filename.endswith(("weakref.py", "_weakrefset.py"))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    global _armed
    if not _armed:
        return
    if _swallows_exceptions(frame):
        signal.setitimer(signal.ITIMER_REAL, 0.001)  # try again once the collector is done
        return
    _armed = False
    raise DeadlineExceeded


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (main thread only; elsewhere no limit)."""
    global _armed
    if not available() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # off the main thread, or inside another deadline: no (nested) limit
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _armed = False
        signal.signal(signal.SIGALRM, previous)
