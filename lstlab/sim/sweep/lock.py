"""One writer per sweep folder: an exclusive ``fcntl.flock`` on ``<folder>/.lock``.

The kernel drops the lock when its holder dies (even by SIGKILL), so a lock is never stale on
this host; the file also names its holder (pid, host, start time) for the refusal message. A
file that names a holder whose lock is gone is a leftover of a killed sweep: it is taken over
with a note. A file naming another host is refused, because a network filesystem may not carry
locks between hosts and this host cannot tell whether that process still runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

from lstlab.sim.sweep.errors import SweepLocked

LOCK_NAME = ".lock"
"""Leading dot: pandas and pyarrow dataset discovery skip it."""


def _describe(holder: dict) -> str:
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder.get("started", 0)))
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')} (since {started})"


def _read_holder(fd: int) -> dict | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return {"pid": "?", "host": "?"}
    return holder if isinstance(holder, dict) else {"pid": "?", "host": "?"}


class FolderLock:
    """Held from :meth:`acquire` to :meth:`release` (or the holder's death)."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> str | None:
        """Take the lock; return a note when it takes over the leftover of a killed sweep.

        Raises SweepLocked when another process holds it (or, for a file naming another host,
        may hold it). Acquiring a lock this object holds does nothing.
        """
        if self._fd is not None:
            return None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd) or {}
                raise SweepLocked(
                    f"{self.path.parent} is being written by {_describe(holder)}: wait for that sweep to end "
                    "or stop it (two writers would store runs twice)"
                ) from None
            host = socket.gethostname()
            previous = _read_holder(fd)
            if previous is not None and previous.get("host") not in (host, "?"):
                raise SweepLocked(
                    f"{self.path} names {_describe(previous)}, which this host cannot check: if that sweep "
                    f"has ended, delete {self.path} and run again"
                )
            mine = json.dumps({"pid": os.getpid(), "host": host, "started": time.time()})
            os.ftruncate(fd, 0)
            os.pwrite(fd, mine.encode(), 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        if previous is None or previous.get("pid") == os.getpid():
            return None
        return f"took over the lock left by {_describe(previous)}, which no longer runs"

    def release(self) -> None:
        """Empty the file (a clean end leaves nothing to take over) and drop the lock."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the last descriptor drops the flock

    def __del__(self) -> None:
        if self._fd is not None:
            os.close(self._fd)


__all__ = ["LOCK_NAME", "FolderLock"]
