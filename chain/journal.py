"""An append-only undo journal over plain dicts and lists.

Every write to journaled state logs ``(container, key, old_value)`` before it changes the
container. A snapshot is a position in that log; reverting pops entries back to it and
restores each old value, newest first. Values are immutable (ints, frozen records), so the log
keeps references, never copies.

Entries are logged only while at least one snapshot is open, so writes outside any
transaction cost one branch and the log never grows without bound.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from chain.errors import InvalidSnapshot

MISSING: Any = object()
"""Marks a key that did not exist before a write; undo deletes it."""

APPENDED: Any = object()
"""Marks a ``list.append``; undo pops the last item."""


class Snapshot(NamedTuple):
    """A position in one journal: the depth of the snapshot and the log length it marks.

    A named tuple (immutable, and cheap to build on every transaction)."""

    journal_id: int
    depth: int
    position: int


class Journal:
    """Undo log with nested snapshots (see module docstring)."""

    __slots__ = ("entries", "marks", "_id")

    _next_id = 0

    def __init__(self) -> None:
        self.entries: list[tuple[Any, Any, Any]] = []
        self.marks: list[int] = []
        Journal._next_id += 1
        self._id = Journal._next_id

    def snapshot(self) -> Snapshot:
        """Open a snapshot at the current position."""
        depth = self.open()
        return Snapshot(self._id, depth, self.marks[depth])

    def open(self) -> int:
        """Open an anonymous snapshot; returns its depth (for transactions, which close it)."""
        marks = self.marks
        marks.append(len(self.entries))
        return len(marks) - 1

    def close(self, depth: int, keep: bool) -> None:
        """Close the snapshot at ``depth`` (and later ones), keeping or undoing its writes."""
        marks = self.marks
        if keep:
            del marks[depth:]
            if not marks:
                self.entries.clear()
            return
        entries, position = self.entries, marks[depth]
        while len(entries) > position:
            container, key, old = entries.pop()
            if key is APPENDED:
                container.pop()
            elif old is MISSING:
                del container[key]
            else:
                container[key] = old
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
        self.close(snap.depth, keep=False)

    def commit(self, snap: Snapshot) -> None:
        """Keep the writes since ``snap`` and close it (and every snapshot opened after it).

        An outer snapshot can still undo them; when the last snapshot closes the log is
        dropped.
        """
        self._check(snap)
        self.close(snap.depth, keep=True)
