"""Waiting for an exclusive ``flock`` with a deadline: the store and the team clone both need it."""

from __future__ import annotations

import fcntl
import time


def flock_within(fd: int, timeout: float, poll: float) -> bool:
    """Take an exclusive lock on ``fd``, retrying every ``poll`` seconds; False once ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(poll)
