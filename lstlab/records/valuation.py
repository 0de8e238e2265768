"""What a holding is worth in ETH at the data's prices: the valuation behind the explorer.

Valued "at the data's prices" means: WETH at 1 ETH, stETH at the table's stETH/ETH ratio,
wstETH as the stETH it unwraps to (the Ethereum wrapper's rate, on every network) at that
ratio, USDC at 1 USD over the table's ETH/USD, a pool's LP token as its share of the pool's
coins valued the same way, aTokens as the asset supplied and debt as minus the asset owed.
A token none of these covers (a votes token, another provider's LST) is not valued: its
value is None and the explorer says so.
"""

from __future__ import annotations

from typing import Any

import attrs

from chain import Token


@attrs.frozen
class Prices:
    """The data's prices at one step."""

    eth_usd: float
    steth_eth: float


class Valuer:
    """Values base units of the world's tokens in ETH (float, for reports) at given prices."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self._eth = {world.weth, world.l2_weth}
        self._wsteth = {world.wsteth, world.l2_wsteth}
        self._lp: dict[Token, Any] = {}
        for pool in world.pools():
            contract = world.state.contract(pool.address)
            self._lp[contract.lp_token] = contract

    def units(self, token: Token, raw: int) -> int:
        """Token units of a ledger balance: stETH's ledger holds shares, shown as stETH wei."""
        if token == self.world.steth:
            return self.world.issuer.get_pooled_by_shares(raw)
        return raw

    def shares(self, token: Token, raw: int) -> int | None:
        """Lido shares behind ``raw`` of ``token`` (stETH shares, or wstETH: one share each),
        None for a token without staking exposure."""
        if token == self.world.steth or token in self._wsteth:
            return raw
        return None

    def unit_prices(self, prices: Prices) -> dict[Token, float | None]:
        """ETH per base unit of every token of the state at ``prices`` (None: not valued):
        computed once per checkpoint, so valuing a row is one multiplication."""
        return {token: self.eth(token, 10**18, prices) for token in self.world.state.tokens}

    def eth(self, token: Token, units: int, prices: Prices) -> float | None:
        """ETH value of ``units`` of ``token`` (None: not valued)."""
        world = self.world
        if token in self._eth:
            return units / 1e18
        if token == world.steth:
            return units / 1e18 * prices.steth_eth
        if token in self._wsteth:
            return units * world.issuer.total_pooled() / world.issuer.total_shares() / 1e18 * prices.steth_eth
        if token == world.usdc:
            return units / 10**token.decimals / prices.eth_usd
        pool = self._lp.get(token)
        if pool is not None:
            supply = world.state.total_supply(token)
            if not supply:
                return 0.0
            total = 0.0
            for coin, reserve in self._coins(pool):
                value = self.eth(coin, reserve, prices)
                if value is None:
                    return None
                total += value
            return total * units / supply
        return None

    @staticmethod
    def _coins(pool: Any) -> list[tuple[Token, int]]:
        if hasattr(pool, "coins"):  # a StableSwap pool
            return list(zip(pool.coins, pool.balances()))
        reserves = pool.reserves
        return [(pool.token0, reserves.reserve0), (pool.token1, reserves.reserve1)]


__all__ = ["Prices", "Valuer"]
