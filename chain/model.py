"""The value types of the chain state: networks, tokens, registered contracts."""

from __future__ import annotations

import numbers
from decimal import Context, Decimal, InvalidOperation

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


@attrs.frozen(cache_hash=True)
class Token:
    """A fungible token on one network. Amounts of it are ints in base units."""

    network: str
    symbol: str
    decimals: int = 18

    @property
    def key(self) -> str:
        """``network:symbol``, unique within a state."""
        return f"{self.network}:{self.symbol}"

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
