"""Typed events. A contract emits frozen records into ``state.events``; they revert with the
transaction that emitted them, like every other write."""

from __future__ import annotations

import attrs

from chain.model import Token


@attrs.frozen
class Event:
    """Base of every event record."""


@attrs.frozen
class Transfer(Event):
    """``amount`` base units of ``token`` moved from ``src`` to ``dst``.

    A mint has ``src`` = the zero address, a burn has ``dst`` = the zero address, as ERC-20.
    """

    token: Token
    src: str
    dst: str
    amount: int


@attrs.frozen
class Approval(Event):
    """``owner`` allowed ``spender`` to move ``amount`` of ``token``."""

    token: Token
    owner: str
    spender: str
    amount: int


@attrs.frozen
class ParameterSet(Event):
    """A governable parameter of ``contract`` changed from ``old`` to ``new``."""

    contract: str
    name: str
    old: int
    new: int
