"""Run one call in a forked child while this process keeps working (POSIX; inline elsewhere).

A fork shares the parent's heap (spec, IR) copy-on-write, so the child starts at once with
no pickling of its inputs; only its result comes back, pickled through a pipe. The child
never reports an error itself: when it fails in any way, the parent runs the call again
in-process, so an exception (a ``SpecError`` naming a schema, a bug's traceback) is
raised exactly as it would be without the fork.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class Job(Generic[T]):
    """A call running in a forked child; ``result()`` waits for it (once)."""

    def __init__(
        self, fn: Callable[..., T], args: tuple[Any, ...], inline: bool = False
    ) -> None:
        self.fn = fn
        self.args = args
        self.pid = 0
        self.fd = -1
        self.done = False
        self.value: T
        if not inline and _can_fork():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        # Buffered output would be written twice, once by each process.
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running any exit hooks
            os.close(read)
            code = 0
            try:
                data = pickle.dumps(self.fn(*self.args), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
            except BaseException:  # the parent re-runs the call and raises it properly
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> T:
        """Return the call's result: the child's, or computed here if it failed."""
        if not self.done:
            self.value = self._collect()
            self.done = True
        return self.value

    def finish(self) -> T | None:
        """Wait for the child and return its result, or None when it failed or none ran
        (the call is never made here: for a call with effects, when giving up)."""
        if not self.done:
            done, value = self._wait()
            if not done:
                return None
            self.value, self.done = value, True
        return self.value

    def _collect(self) -> T:
        done, value = self._wait()
        return value if done else self.fn(*self.args)

    def _wait(self) -> tuple[bool, T]:
        if not self.pid:
            return False, cast(T, None)
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            return False, cast(T, None)
        value: T = pickle.loads(data)
        return True, value

    def cancel(self) -> None:
        """Stop the child, if still running, and reap it."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.close(self.fd)
            os.waitpid(self.pid, 0)
            self.pid = 0

    def __enter__(self) -> Job[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _can_fork() -> bool:
    # Forking while other threads run can deadlock the child on a lock one of them held.
    return hasattr(os, "fork") and threading.active_count() == 1


def call(fn: Callable[..., T], *args: Any, inline: bool = False) -> Job[T]:
    """Start ``fn(*args)`` in a forked child (or defer it to ``result()`` where there is
    no fork, or when ``inline``)."""
    return Job(fn, args, inline)
