"""The value types of the chain state: networks, tokens, registered contracts."""

from __future__ import annotations

import attrs

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
"""Where Uniswap V2 locks ``MINIMUM_LIQUIDITY``; registered in every state."""

DEAD_ADDRESS = "0x000000000000000000000000000000000000dEaD"
"""Where Lido locks its bootstrap shares; registered in every state."""


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
        """``whole`` tokens in base units, e.g. ``weth.units(5) == 5 * 10**18``.

        A decimal string is exact: ``units("1.5")``.
        """
        from decimal import Decimal

        scaled = Decimal(str(whole)) * (10**self.decimals)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{whole} has more than {self.decimals} decimals for {self.key}")
        return int(scaled)

    def __str__(self) -> str:
        return self.key


@attrs.frozen
class ContractInfo:
    """A contract's registration: where it lives and what it is."""

    address: str
    kind: str
    network: str
