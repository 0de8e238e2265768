"""The value types of the chain state: networks, tokens, registered contracts."""

from __future__ import annotations

import numbers
import weakref
from decimal import Context, Decimal, InvalidOperation
from typing import Any

import attrs

from chain.errors import InvalidAmount

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
"""Where Uniswap V2 locks ``MINIMUM_LIQUIDITY``; registered in every state."""

DEAD_ADDRESS = "0x000000000000000000000000000000000000dEaD"
"""Where Lido locks its bootstrap shares; registered in every state."""

_EXACT = Context(prec=200)
"""Enough digits for any uint256 amount with its decimals (78 + 77), so scaling never rounds."""


@attrs.frozen
class Network:
    """A chain with its own block time (seconds) and token namespace."""

    name: str
    block_time: int = 12
    genesis_block: int = 0


_TOKENS: weakref.WeakValueDictionary[tuple[Any, Any, Any], Token] = weakref.WeakValueDictionary()
"""Every live token by its fields: equal tokens are one object (:class:`Token`)."""


class _TokenKey:
    """The slot of :attr:`Token.key`, computed once per token (not an attrs field)."""

    __slots__ = ("key",)
    key: str


@attrs.frozen(eq=False)
class Token(_TokenKey):
    """A fungible token on one network. Amounts of it are ints in base units.

    Tokens are interned: constructing, copying or unpickling a token equal to a live one returns
    that one, so equal tokens are the same object, and equality and hashing are by identity (in
    C). Tokens key the ledger's books and many records, and compare at every hop of a swap: a
    Python ``__eq__``/``__hash__`` of the fields would cost a function call each time. ``key``,
    ``network:symbol`` (unique within a state), is computed once.
    """

    network: str
    symbol: str
    decimals: int = 18

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.network}:{self.symbol}")

    def __new__(cls, network: str, symbol: str, decimals: int = 18) -> Token:  # noqa: PYI034  (interned: the shared Token)
        key = (network, symbol, decimals)
        try:
            token = _TOKENS.get(key)
        except TypeError:  # unhashable fields: a malformed token no state accepts, left uninterned
            return super().__new__(cls)
        if token is None:
            token = _TOKENS[key] = super().__new__(cls)
        return token

    def __reduce__(self) -> tuple[type[Token], tuple[str, str, int]]:
        return Token, (self.network, self.symbol, self.decimals)

    def units(self, whole: int | str) -> int:
        """``whole`` tokens in base units, e.g. ``weth.units(5) == 5 * 10**18``, exactly.

        ``whole`` is an int, a decimal string (``units("1.5")``), a ``Decimal`` or a finite
        float, numpy scalars included (a float through its shortest repr: ``0.1`` -> ``"0.1"``).
        Raises InvalidAmount for anything else, a negative or non-finite value, more decimals
        than the token has, or a result past uint256.
        """
        if isinstance(whole, bool):
            raise InvalidAmount(f"{self.key} amounts are ints or decimal strings, got bool {whole!r}")
        if isinstance(whole, numbers.Integral):
            scaled = Decimal(int(whole))
        elif isinstance(whole, (str, numbers.Real, Decimal)):
            try:
                scaled = Decimal(whole.strip() if isinstance(whole, str) else str(whole))
            except InvalidOperation:
                raise InvalidAmount(f"{whole!r:.60} is not a number of {self.key}: pass an int or a "
                                    "decimal string such as '1.5'") from None
        else:
            raise InvalidAmount(f"{self.key} amounts are ints or decimal strings, got "
                                f"{type(whole).__name__} {whole!r:.60}")
        if not scaled.is_finite() or scaled < 0:
            raise InvalidAmount(f"{whole!r:.60} {self.key} is not a finite, non-negative amount")
        if scaled.adjusted() > 80:
            raise InvalidAmount(f"{whole!r:.60} {self.key} exceeds uint256 in base units")
        scaled = scaled.scaleb(self.decimals, _EXACT)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(f"{whole} has more than {self.decimals} decimals for {self.key}: round it")
        result = int(scaled)
        if result > 2**256 - 1:
            raise InvalidAmount(f"{whole} {self.key} is {result} base units, past uint256 (2**256-1)")
        return result

    def __str__(self) -> str:
        return self.key


@attrs.frozen
class ContractInfo:
    """A contract's registration: where it lives and what it is."""

    address: str
    kind: str
    network: str
