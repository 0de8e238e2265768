"""One writer per sweep folder: a second is refused in one line; a killed writer's lock is
taken over with a note; a lock naming another host is left to the user."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from lstlab.sim.sweep import ResultStore, SweepError, SweepLocked
from lstlab.sim.sweep.lock import LOCK_NAME, FolderLock
from tests.lstlab.sweep.killpoint import MANIFEST


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_writer_is_refused_until_the_first_closes(tmp_path):
    first = ResultStore(tmp_path / "s")
    first.start(MANIFEST, resume=False)
    second = ResultStore(tmp_path / "s")
    with pytest.raises(SweepLocked) as caught:
        second.start(MANIFEST, resume=True)
    message = caught.value.message
    assert f"pid {os.getpid()} on {socket.gethostname()}" in message and "\n" not in message
    with pytest.raises(SweepError, match="start"):
        second.append([{"run_index": 0}])
    assert first.start(MANIFEST, resume=True) == []  # the holder may start again
    first.close()
    assert second.start(MANIFEST, resume=True) == []  # a clean release leaves nothing to take over
    assert json.loads((tmp_path / "s" / LOCK_NAME).read_text())["pid"] == os.getpid()
    second.close()
    assert (tmp_path / "s" / LOCK_NAME).read_text() == ""


def test_the_lock_of_a_dead_process_is_taken_over_with_a_note(tmp_path):
    tmp_path.joinpath("s").mkdir()
    dead = _dead_pid()
    (tmp_path / "s" / LOCK_NAME).write_text(json.dumps({"pid": dead, "host": socket.gethostname(), "started": 0}))
    lock = FolderLock(tmp_path / "s")
    note = lock.acquire()
    assert note is not None and note.startswith(f"took over the lock left by pid {dead} on ")
    assert json.loads((tmp_path / "s" / LOCK_NAME).read_text())["pid"] == os.getpid()
    lock.release()


def test_a_lock_naming_another_host_is_refused(tmp_path):
    tmp_path.joinpath("s").mkdir()
    (tmp_path / "s" / LOCK_NAME).write_text(json.dumps({"pid": 1, "host": "elsewhere.example", "started": 0}))
    with pytest.raises(SweepLocked, match="cannot check: if that sweep has ended, delete"):
        FolderLock(tmp_path / "s").acquire()
    assert not FolderLock(tmp_path / "s").held


def test_a_lock_held_by_another_process_is_refused(tmp_path):
    """The lock of a live process (another open file) refuses, naming that process."""
    tmp_path.joinpath("s").mkdir()
    script = ("import time\n"
              "from lstlab.sim.sweep.lock import FolderLock\n"
              f"lock = FolderLock({str(tmp_path / 's')!r})\n"
              "lock.acquire()\n"
              "print('held', flush=True)\n"
              "time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(SweepLocked, match=f"is being written by pid {holder.pid} on "):
            ResultStore(tmp_path / "s").start(MANIFEST, resume=True)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    note = FolderLock(tmp_path / "s").acquire()  # the kernel dropped the killed holder's lock
    assert note is not None and f"pid {holder.pid}" in note
