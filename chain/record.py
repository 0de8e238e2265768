"""Named-tuple records with attrs metadata: the cheap immutable value type of hot paths.

A record class is declared as a subclass of :class:`Record` with annotated fields (defaults
and methods allowed)::

    class PairReserves(Record):
        reserve0: int = 0
        reserve1: int = 0

        def k(self) -> int:
            return self.reserve0 * self.reserve1

Each instance is a tuple of its field values under the fields' names: immutable at the C level
and built by one ``tuple.__new__``. A frozen attrs instance sets its fields one
``object.__setattr__`` at a time, which costs about three times as much, and every swap,
exchange and lending action builds several records and events. The class is also an attrs
class (``attrs.has``, ``attrs.fields``, ``attrs.asdict``, ``attrs.evolve`` and attrs' ``repr``
behave as for ``@attrs.frozen``), so code that reads records and events by their attrs fields
sees no difference. Two records are equal when they are of the same class with equal fields;
a record never equals a plain tuple, and records do not order.

``Cls._make(values)`` builds a record from the tuple of its field values in order, in C,
without the constructor's call: for the few hot paths that build a record or an event per
action (a third cheaper than ``Cls(...)``). It does not check the arity: the caller passes
every field. A record class derives from
:class:`Record` directly (no record derives from another) and its field names are public.

:class:`chain.events.Event` is the same type for event records (fields only).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self, dataclass_transform

import attrs

try:  # CPython's C field accessor of named tuples
    from _collections import _tuplegetter  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other interpreters
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


_tuple_new = tuple.__new__
_MISSING = object()


def define(cls: type, base: type, *, fields_only: bool) -> None:
    """Give a subclass of the record base ``base`` its constructor, field accessors and attrs
    metadata. ``fields_only`` refuses defaults and methods (events). Raises TypeError for a
    class that derives from another record class, a private field name, a refused default or
    method, or a default after a field without one."""
    own = cls.__dict__
    names = tuple(own.get("__annotations__", {}))
    for parent in cls.__mro__[1:]:
        if parent is not base and issubclass(parent, base):
            raise TypeError(f"{cls.__name__} derives from {parent.__name__}: derive from {base.__name__} only")
    defaults: dict[str, Any] = {}
    for name in names:
        if name.startswith("_"):
            raise TypeError(f"field {cls.__name__}.{name} must be a public name")
        value = own.get(name, _MISSING)
        if value is not _MISSING:
            if fields_only:
                raise TypeError(f"field {cls.__name__}.{name} has a default: an event's fields have none")
            defaults[name] = value
        elif defaults:
            raise TypeError(f"field {cls.__name__}.{name} without a default follows one with a default")
    if fields_only:
        for name, value in own.items():
            if callable(value) and not name.startswith("__"):
                raise TypeError(f"{cls.__name__} declares {name!r}: an event class holds fields only")
    params = ", ".join(f"{name}=_d_{name}" if name in defaults else name for name in names)
    values = ", ".join(names) + ("," if len(names) == 1 else "")
    namespace: dict[str, Any] = {"_new": _tuple_new, **{f"_d_{n}": v for n, v in defaults.items()}}
    head = f"def __new__(cls, {params}):" if names else "def __new__(cls):"
    exec(f"{head}\n    return _new(cls, ({values}))\n", namespace)  # noqa: S102 - as namedtuple does
    constructor = namespace["__new__"]
    constructor.__qualname__ = f"{cls.__qualname__}.__new__"
    cls.__new__ = staticmethod(constructor)  # type: ignore[method-assign]
    for index, name in enumerate(names):
        setattr(cls, name, _tuplegetter(index, f"Field {index}: {name}"))
    cls._make = functools.partial(_tuple_new, cls)  # type: ignore[attr-defined]
    these = {name: attrs.field(default=defaults[name]) if name in defaults else attrs.field() for name in names}
    attrs.define(cls, these=these, init=False, slots=False, frozen=True, eq=False, order=False,
                 unsafe_hash=False, repr=True, match_args=True, weakref_slot=False)


class _RecordType(type):
    """Metaclass of the record bases: every subclass gets ``__slots__ = ()`` (no instance dict)
    and is defined by :func:`define` against the nearest base that sets ``_fields_only``."""

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> _RecordType:
        namespace.setdefault("__slots__", ())
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        base = next((b for b in cls.__mro__[1:] if "_fields_only" in b.__dict__), None)
        if base is not None:
            define(cls, base, fields_only=base.__dict__["_fields_only"])
        return cls


class TupleRecord(tuple[Any, ...], metaclass=_RecordType):
    """The tuple base of :class:`Record` and :class:`chain.events.Event`: equality by class and
    fields, the tuple's hash, no ordering, pickling through the constructor."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return type(other) is not type(self) or tuple.__ne__(self, other)

    __hash__ = tuple.__hash__

    def __lt__(self, other: object) -> Any:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)


def record_base(cls: type) -> type:
    """Make ``cls`` (a direct subclass of the shared tuple base) a record base: attrs metadata
    with no fields; its subclasses are records."""
    attrs.define(cls, these={}, init=False, slots=False, frozen=True, eq=False, order=False,
                 unsafe_hash=False, repr=True, match_args=True, weakref_slot=False)
    return cls


if TYPE_CHECKING:

    @dataclass_transform(frozen_default=True)
    class Record:
        """Base of every named-tuple record (module docstring)."""

        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]

        @classmethod
        def _make(cls, values: tuple[Any, ...]) -> Self: ...

        def __iter__(self) -> Iterator[Any]: ...  # a tuple of its fields at run time

else:

    @record_base
    class Record(TupleRecord):
        """Base of every named-tuple record (module docstring)."""

        _fields_only = False


def is_tuple_record(cls: type) -> bool:
    """True for a :class:`Record` or :class:`chain.events.Event` class (immutable fields)."""
    return issubclass(cls, TupleRecord)


__all__ = ["Record", "TupleRecord", "define", "is_tuple_record", "record_base"]
