"""LP analytics for constant-product pairs: position value, impermanent loss, fees earned.

Amounts are wei; prices are wads of token1 per token0 unless stated. Values round down.
"""

from __future__ import annotations

from fractions import Fraction
from math import isqrt

from amm.library import protocol_fee_liquidity
from amm.pair import Pair
from chain import WAD, check_amount


def liquidity_value(
    reserve0: int, reserve1: int, total_supply: int, liquidity: int, fee_on: bool = False, k_last: int = 0
) -> tuple[int, int]:
    """Tokens ``liquidity`` LP would redeem, counting the protocol fee not yet minted
    (v2-periphery ``computeLiquidityValue``), floor."""
    check_amount(liquidity, "liquidity")
    if fee_on:
        total_supply += protocol_fee_liquidity(total_supply, reserve0, reserve1, k_last)
    if total_supply == 0:
        return 0, 0
    return reserve0 * liquidity // total_supply, reserve1 * liquidity // total_supply


def position_value(pair: Pair, liquidity: int) -> tuple[int, int]:
    """``(amount0, amount1)`` that ``liquidity`` LP of ``pair`` redeems now (reserves, not balances)."""
    r = pair.reserves
    fee_on = pair.fee_to() is not None
    return liquidity_value(r.reserve0, r.reserve1, pair.total_supply(), liquidity, fee_on, r.k_last if fee_on else 0)


def value_in_token1(amount0: int, amount1: int, price_wad: int) -> int:
    """``amount0 * price + amount1`` in token1 wei, floor (price: token1 per token0, wad)."""
    return amount0 * price_wad // WAD + amount1


def impermanent_loss(
    held0: int, held1: int, position0: int, position1: int, price_wad: int
) -> Fraction:
    """``value(position) / value(held) - 1`` at ``price_wad`` (token1 per token0), exact.

    ``held`` is what was deposited, ``position`` what the LP redeems now. Without fees and at
    a pool moved by a factor r in price, this is ``2*sqrt(r)/(1+r) - 1``.
    """
    hold = held0 * price_wad + held1 * WAD
    if hold == 0:
        return Fraction(0)
    return Fraction(position0 * price_wad + position1 * WAD, hold) - 1


def fees_earned(
    liquidity: int, supply_then: int, reserves_then: tuple[int, int], supply_now: int, reserves_now: tuple[int, int]
) -> tuple[int, int]:
    """Tokens a position earned in fees between two snapshots of a pair, floor.

    The position's share of sqrt(k) then, moved without fees to today's price, is worth
    ``liq*sqrt(k_then*k_now)/(S_then*r1_now)`` of token0 and ``.../(S_then*r0_now)`` of token1;
    the fees are what the position redeems now beyond that (negative only by rounding).
    """
    r0, r1 = reserves_then
    n0, n1 = reserves_now
    root = isqrt(r0 * r1 * n0 * n1)
    feeless0 = liquidity * root // (supply_then * n1)
    feeless1 = liquidity * root // (supply_then * n0)
    return liquidity * n0 // supply_now - feeless0, liquidity * n1 // supply_now - feeless1
