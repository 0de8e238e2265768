"""An append-only undo journal over plain dicts, and an append-only log it truncates.

Every write to journaled state logs ``(container, key, old_value)`` before it changes the
container; a transfer logs both of its balances in one ``(book, src, old_src, dst, old_dst)``. A snapshot is a position in that log; reverting pops entries back to it and
restores each old value, newest first. Values are immutable (ints, frozen records), so the log
keeps references, never copies.

The event log is not journaled append by append: it only grows while a snapshot is open, so
whoever opens a snapshot remembers the log's length then, and undo truncates it back (one
``del`` however many events the snapshot emitted).

Entries are logged only while at least one snapshot is open, so writes outside any
transaction cost one branch and the log never grows without bound.

The journal also counts the writes (:attr:`Journal.version`, the state's version for caches):
``base`` plus the entries logged, so a write inside a transaction costs no counter of its own; a
write outside every snapshot adds one to ``base``, a commit of the outermost snapshot folds the
entries into it, and an undo adds past every version its entries saw (a version never repeats).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from chain.errors import InvalidSnapshot

MISSING: Any = object()
"""Marks a key that did not exist before a write; undo deletes it."""


class Snapshot(NamedTuple):
    """A position in one journal: the depth of the snapshot, the undo log length it marks and
    the event log length then.

    A named tuple (immutable, and cheap to build on every transaction)."""

    journal_id: int
    depth: int
    position: int
    log_position: int = 0


class Journal:
    """Undo log with nested snapshots over dicts and one append-only ``log`` (see module docstring).

    ``marks[d]`` is the length of ``entries`` when the snapshot at depth ``d`` opened. Whoever
    replaces the log list (a drain, outside every snapshot) sets ``log`` to the new one."""

    __slots__ = ("_id", "base", "entries", "log", "marks")

    _next_id = 0

    def __init__(self, log: list[Any] | None = None) -> None:
        self.entries: list[tuple[Any, ...]] = []
        self.marks: list[int] = []
        self.log: list[Any] = [] if log is None else log
        self.base = 0
        Journal._next_id += 1
        self._id = Journal._next_id

    @property
    def version(self) -> int:
        """Writes counted so far (see module docstring): changes with every write and undo."""
        return self.base + len(self.entries)

    def snapshot(self) -> Snapshot:
        """Open a snapshot at the current position."""
        depth = self.open()
        return Snapshot(self._id, depth, self.marks[depth], len(self.log))

    def open(self) -> int:
        """Open an anonymous snapshot; returns its depth (for transactions, which close it and
        keep the log's length at opening themselves)."""
        marks = self.marks
        marks.append(len(self.entries))
        return len(marks) - 1

    def close(self, depth: int, keep: bool, log_position: int = 0) -> None:
        """Close the snapshot at ``depth`` (and later ones), keeping or undoing its writes; undo
        truncates the log to ``log_position`` (its length when that snapshot opened)."""
        marks = self.marks
        if keep:
            if depth:
                del marks[depth:]
            else:
                marks.clear()
                self.base += len(self.entries)
                self.entries.clear()
            return
        entries, position = self.entries, marks[depth]
        self.base += len(entries) - position + 1  # past every version the undone writes saw
        while len(entries) > position:
            entry = entries.pop()
            container = entry[0]
            for at in range(len(entry) - 2, 0, -2):  # (container, key, old[, key, old]): the last key first
                key, old = entry[at], entry[at + 1]
                if old is MISSING:
                    del container[key]
                else:
                    container[key] = old
        del self.log[log_position:]
        del marks[depth:]

    def _check(self, snap: Snapshot) -> None:
        if type(snap) is not Snapshot:
            raise InvalidSnapshot(
                f"{snap!r:.80} is not a snapshot: pass the value state.snapshot() returned"
            )
        if (
            snap.journal_id != self._id
            or snap.depth >= len(self.marks)
            or self.marks[snap.depth] != snap.position
        ):
            raise InvalidSnapshot(
                f"{snap} is not open in this state: it was already reverted or committed, "
                "or it belongs to another state (a fork has its own snapshots)"
            )

    def revert(self, snap: Snapshot) -> None:
        """Undo every write since ``snap`` and close it and every snapshot opened after it."""
        self._check(snap)
        self.close(snap.depth, False, snap.log_position)

    def commit(self, snap: Snapshot) -> None:
        """Keep the writes since ``snap`` and close it (and every snapshot opened after it).

        An outer snapshot can still undo them; when the last snapshot closes the log is
        dropped.
        """
        self._check(snap)
        self.close(snap.depth, keep=True)
