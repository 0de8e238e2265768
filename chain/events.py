"""Typed events. A contract emits immutable records into ``state.events``; they revert with the
transaction that emitted them, like every other write.

An event class is declared as a subclass of :class:`Event` with annotated fields and nothing
else (no defaults, no methods)::

    class Transfer(Event):
        token: Token
        src: str
        dst: str
        amount: int

Events are named-tuple records with attrs metadata (:mod:`chain.record`): immutable, built by
one ``tuple.__new__`` (every action emits several), and read by their attrs fields
(``attrs.fields``, ``attrs.asdict``, ``attrs.evolve``, the attrs ``repr``) as ``@attrs.frozen``
classes are. Two events are equal when they are of the same class with equal fields. Hot
paths build theirs with ``Event._make(values)`` (:mod:`chain.record`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self, dataclass_transform

import attrs

from chain.model import Token
from chain.record import TupleRecord, record_base

if TYPE_CHECKING:

    @dataclass_transform(frozen_default=True)
    class Event:
        """Base of every event record (module docstring)."""

        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]

        @classmethod
        def _make(cls, values: tuple[Any, ...]) -> Self: ...

else:

    @record_base
    class Event(TupleRecord):
        """Base of every event record (module docstring)."""

        _fields_only = True


class Transfer(Event):
    """``amount`` base units of ``token`` moved from ``src`` to ``dst``.

    A mint has ``src`` = the zero address, a burn has ``dst`` = the zero address, as ERC-20.
    """

    token: Token
    src: str
    dst: str
    amount: int


class Approval(Event):
    """``owner`` allowed ``spender`` to move ``amount`` of ``token``."""

    token: Token
    owner: str
    spender: str
    amount: int


class ParameterSet(Event):
    """A governable parameter of ``contract`` changed from ``old`` to ``new``."""

    contract: str
    name: str
    old: int
    new: int
