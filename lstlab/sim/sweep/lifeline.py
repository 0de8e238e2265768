"""Worker processes that end with their parent, even when the parent is killed by SIGKILL.

A spawned worker blocks on a queue whose write end it holds itself, so it never sees its
parent go; and the multiprocessing resource tracker lives as long as any process holding its
pipe. :func:`bind_to_parent`, run first in each worker, makes the worker exit when its parent
does: on Linux the kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon
thread also polls the parent pid. Once the workers are gone the resource tracker reads the end
of its pipe and exits too.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
"""linux/prctl.h: deliver a signal to this process when its parent thread exits."""
POLL_SECONDS = 0.5
"""How often the fallback thread checks the parent: an orphan lingers at most this long, at
a cost of one getppid() call per poll."""


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the polling thread still works
        pass


def _watch(parent: int, poll: float) -> None:
    while os.getppid() == parent:
        time.sleep(poll)
    os._exit(1)


def bind_to_parent(parent: int, poll: float = POLL_SECONDS) -> None:
    """Make this process exit when process ``parent`` (the pid its parent had when it started
    this one, passed in so a parent that already died is seen) is no longer its parent."""
    _parent_death_signal()
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, poll), name="lstlab-lifeline", daemon=True).start()


__all__ = ["POLL_SECONDS", "bind_to_parent"]
