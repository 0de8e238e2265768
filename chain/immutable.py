"""Which values may be stored as contract records: values a fork can share with its parent.

``state.fork()`` copies each contract's record dict but not the records themselves, so a
record must never change in place: a mutable one (a dict, a list, a set, an instance whose
attributes can be reassigned) would be shared by the parent and every fork, and a write
through one would silently change the others and escape the journal.

:func:`check_record` accepts immutable scalars (int, str, bytes, bool, float, None,
Fraction, Decimal, enum members, numpy scalars, tokens...), tuples and frozensets of accepted values,
:class:`chain.Record` records, and frozen attrs classes and frozen dataclasses whose field values are
accepted, recursively.
Each accepted type is classified once and cached; a record of scalar fields costs one lookup and one
``attrgetter`` call.
"""

from __future__ import annotations

import dataclasses
import enum
import operator
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from chain.errors import InvalidArgument
from chain.record import is_tuple_record

_ATOM = 0
_ITEMS = 1
_FIELDS = 2

_ATOMS: tuple[type, ...] = (int, float, complex, str, bytes, bool, type(None), Fraction, Decimal, range,
                            enum.Enum)
SCALAR_TYPES = frozenset({int, str, bool, float, bytes, type(None)})
"""The commonest immutable types, checked without a plan lookup (stores are on hot paths)."""

_Plan = tuple[int, Callable[[Any], tuple[Any, ...]] | None]
_plans: dict[type, _Plan] = {}


def _frozen_attrs(cls: type) -> bool:
    """True for an attrs class whose instances refuse attribute assignment (``attrs.frozen``)."""
    setter: Callable[..., Any] = getattr(cls, "__setattr__", object.__setattr__)
    return getattr(setter, "__name__", "") == "_frozen_setattrs"


def _fields_getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function returning the values of ``names`` as a tuple (attrgetter, one name or many)."""
    if not names:
        return lambda value: ()
    getter = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda value: (getter(value),)
    return getter


def _classify(cls: type) -> _Plan | str:
    """The plan for values of ``cls``: ``(kind, field getter)``, or the reason it is refused."""
    numpy = sys.modules.get("numpy")
    if issubclass(cls, _ATOMS) or cls is object or (numpy is not None and issubclass(cls, numpy.generic)):
        return (_ATOM, None)
    if is_tuple_record(cls):  # a chain.Record or Event: a tuple of its field values
        return (_ITEMS, None)
    if issubclass(cls, (tuple, frozenset)):
        if attrs.has(cls) or dataclasses.is_dataclass(cls):
            return f"{cls.__name__} mixes a tuple with attributes"
        return (_ITEMS, None)
    if attrs.has(cls):
        if not _frozen_attrs(cls):
            return f"{cls.__name__} is an attrs class that is not frozen: declare it with @attrs.frozen"
        return (_FIELDS, _fields_getter([f.name for f in attrs.fields(cls)]))
    if dataclasses.is_dataclass(cls):
        if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            return f"{cls.__name__} is a dataclass that is not frozen: declare it with frozen=True"
        return (_FIELDS, _fields_getter([f.name for f in dataclasses.fields(cls)]))
    return f"{cls.__name__} can change in place: store a frozen attrs record, a tuple or a scalar"


def check_record(value: Any, what: str = "record") -> None:
    """Raise InvalidArgument unless ``value`` is immutable all the way down (module docstring)."""
    cls = type(value)
    if cls in SCALAR_TYPES:
        return
    plan = _plans.get(cls)
    if plan is None:
        found = _classify(cls)
        if isinstance(found, str):  # refusals are not cached: they end in an error anyway
            raise InvalidArgument(f"{what} {value!r:.80} is mutable ({found}): a fork would share it with "
                                  "its parent, so store an immutable value")
        plan = _plans[cls] = found
    kind, getter = plan
    if kind == _ATOM:
        return
    items = value if getter is None else getter(value)
    if SCALAR_TYPES.issuperset(map(type, items)):
        return
    for item in items:
        kind_of_item = type(item)
        if kind_of_item in SCALAR_TYPES or (kind_of_item is tuple and SCALAR_TYPES.issuperset(map(type, item))):
            continue  # a scalar, or a tuple of scalars (balances by reserve): checked without recursing
        check_record(item, what)
