"""Pure constant-product math with Uniswap V2's exact integer semantics (``//`` is floor).

Sources: v2-core ``UniswapV2Pair.sol`` (``_update``, ``_mintFee``, the K check) and v2-periphery
``UniswapV2Library.sol`` (``quote``, ``getAmountOut``, ``getAmountIn``). The fee is a number of
basis points on the *input* (30 bps is Uniswap's 997/1000: every formula below is the 1000-based
one scaled by 10, so the results are identical). Amounts are ints in base units (wei).

Rounding always favours the pool: outputs round down, required inputs round up (+1).

Every product and sum is checked against uint256 as Router02's SafeMath does
(``ds-math-mul-overflow``): the checks use the fee fraction in lowest terms (997/1000 for 30
bps), so a quote reverts with MathOverflow exactly where the 1000-based Solidity code reverts.
"""

from __future__ import annotations

from math import gcd, isqrt

from amm.errors import (
    InsufficientAmount,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    MathOverflow,
)
from chain import UINT112_MAX, UINT256_MAX, check_amount, check_bps

BPS = 10_000
BPS_SQUARED = BPS * BPS
MINIMUM_LIQUIDITY = 10**3
Q112 = 2**112
UINT32 = 2**32
UINT256 = 2**256


def _reserves(reserve_a: int, reserve_b: int) -> None:
    check_amount(reserve_a, "reserve")
    check_amount(reserve_b, "reserve")
    if reserve_a == 0 or reserve_b == 0:
        raise InsufficientLiquidity(f"reserves {reserve_a}/{reserve_b}: both must be positive; add liquidity first")


def check_fee_bps(fee_bps: int) -> int:
    """Return ``fee_bps`` if it is an int number of basis points in [0, 9999]."""
    return check_bps(fee_bps, "fee_bps", upper=BPS - 1)


_FEE_FRACTIONS: dict[int, tuple[int, int]] = {}


def fee_fraction(fee_bps: int) -> tuple[int, int]:
    """``(BPS - fee_bps, BPS)`` in lowest terms: ``(997, 1000)`` for 30 bps, ``(1, 1)`` for 0.

    The quotes below use it, so their intermediate products are those of V2's 1000-based code.
    """
    fraction = _FEE_FRACTIONS.get(fee_bps) if type(fee_bps) is int else None
    if fraction is None:
        kept = BPS - check_fee_bps(fee_bps)
        g = gcd(kept, BPS)
        fraction = _FEE_FRACTIONS[fee_bps] = (kept // g, BPS // g)
    return fraction


def _overflow(what: str, value: int) -> MathOverflow:
    return MathOverflow(f"{what} = {value} exceeds uint256, where Router02 reverts (ds-math-mul-overflow "
                        "or ds-math-add-overflow): quote smaller amounts")


def quote(amount_a: int, reserve_a: int, reserve_b: int) -> int:
    """The amount of B worth ``amount_a`` of A at the reserve ratio, floor (no fee).

    Raises InsufficientAmount (zero amount), InsufficientLiquidity (a zero reserve),
    MathOverflow (``amount_a * reserve_b`` past uint256).
    """
    check_amount(amount_a, "amount_a")
    if amount_a == 0:
        raise InsufficientAmount("quote of 0: pass a positive amount")
    _reserves(reserve_a, reserve_b)
    product = amount_a * reserve_b
    if product > UINT256_MAX:
        raise _overflow("amount_a * reserve_b", product)
    return product // reserve_a


def get_amount_out(amount_in: int, reserve_in: int, reserve_out: int, fee_bps: int = 30) -> int:
    """Output for an exact input, fee on the input, rounded down (V2 ``getAmountOut``).

    Raises InsufficientInputAmount (zero input), InsufficientLiquidity (a zero reserve),
    MathOverflow (``amount_in * 997 * reserve_out`` or ``reserve_in * 1000 + amount_in * 997``
    past uint256, for 30 bps).
    """
    if not (  # the common case in one test (| of positive ints: each fits uint256); the checks
        # below name a failure in V2's order
        type(amount_in) is type(reserve_in) is type(reserve_out) is int
        and amount_in > 0 < reserve_in and reserve_out > 0 and amount_in | reserve_in | reserve_out <= UINT256_MAX
    ):
        check_amount(amount_in, "amount_in")
        if amount_in == 0:
            raise InsufficientInputAmount("amount_in is 0: pass a positive input")
        _reserves(reserve_in, reserve_out)
    try:
        kept, whole = _FEE_FRACTIONS[fee_bps]
    except (KeyError, TypeError):  # a fee not seen yet (checked by fee_fraction), or malformed
        kept, whole = fee_fraction(fee_bps)
    with_fee = amount_in * kept
    numerator = with_fee * reserve_out  # >= with_fee: one check covers both products
    denominator = reserve_in * whole + with_fee
    if numerator > UINT256_MAX or denominator > UINT256_MAX:
        raise _overflow("amount_in * fee * reserve_out" if numerator > UINT256_MAX
                        else "reserve_in * whole + amount_in * fee", max(numerator, denominator))
    return numerator // denominator


def get_amount_in(amount_out: int, reserve_in: int, reserve_out: int, fee_bps: int = 30) -> int:
    """Input needed for an exact output, ``floor(...) + 1`` even when exact (V2 ``getAmountIn``).

    Raises InsufficientOutputAmount (zero output), InsufficientLiquidity (a zero reserve or an
    output not below ``reserve_out``), MathOverflow (``reserve_in * amount_out * 1000`` or
    ``(reserve_out - amount_out) * 997`` past uint256, for 30 bps).
    """
    check_amount(amount_out, "amount_out")
    if amount_out == 0:
        raise InsufficientOutputAmount("amount_out is 0: ask for a positive output")
    _reserves(reserve_in, reserve_out)
    if amount_out >= reserve_out:
        raise InsufficientLiquidity(f"amount_out {amount_out} is not below the reserve {reserve_out}")
    kept, whole = fee_fraction(fee_bps)
    numerator = reserve_in * amount_out * whole  # >= reserve_in * amount_out
    denominator = (reserve_out - amount_out) * kept
    if numerator > UINT256_MAX or denominator > UINT256_MAX:
        raise _overflow("reserve_in * amount_out * whole" if numerator > UINT256_MAX
                        else "(reserve_out - amount_out) * fee", max(numerator, denominator))
    return numerator // denominator + 1


def get_amounts_out(amount_in: int, reserves: list[tuple[int, int]], fee_bps: int = 30) -> list[int]:
    """Amounts along a path of ``(reserve_in, reserve_out)`` hops for an exact input."""
    amounts = [amount_in]
    for reserve_in, reserve_out in reserves:
        amounts.append(get_amount_out(amounts[-1], reserve_in, reserve_out, fee_bps))
    return amounts


def get_amounts_in(amount_out: int, reserves: list[tuple[int, int]], fee_bps: int = 30) -> list[int]:
    """Amounts along a path of ``(reserve_in, reserve_out)`` hops for an exact final output."""
    amounts = [amount_out]
    for reserve_in, reserve_out in reversed(reserves):
        amounts.insert(0, get_amount_in(amounts[0], reserve_in, reserve_out, fee_bps))
    return amounts


def first_liquidity(amount0: int, amount1: int) -> int:
    """LP minted to the first depositor: ``isqrt(a0*a1) - MINIMUM_LIQUIDITY`` (may be <= 0)."""
    return isqrt(amount0 * amount1) - MINIMUM_LIQUIDITY


def protocol_fee_liquidity(total_supply: int, reserve0: int, reserve1: int, k_last: int) -> int:
    """LP to mint to ``fee_to``: 1/6 of the growth of sqrt(k) since ``k_last``, floor (V2 ``_mintFee``)."""
    if k_last == 0:
        return 0
    root_k = isqrt(reserve0 * reserve1)
    root_k_last = isqrt(k_last)
    if root_k <= root_k_last:
        return 0
    return total_supply * (root_k - root_k_last) // (root_k * 5 + root_k_last)


def accumulate(price0: int, price1: int, reserve0: int, reserve1: int, elapsed: int) -> tuple[int, int]:
    """Advance the UQ112.112 cumulative prices by ``elapsed`` seconds at the old reserves.

    ``price0 += (r1 * 2**112 // r0) * elapsed`` (mod 2**256), likewise ``price1``; unchanged
    when no time passed or a reserve is zero, as V2's ``_update``.
    """
    if elapsed and reserve0 and reserve1:
        price0 = (price0 + (reserve1 * Q112 // reserve0) * elapsed) % UINT256
        price1 = (price1 + (reserve0 * Q112 // reserve1) * elapsed) % UINT256
    return price0, price1


def fits_uint112(balance0: int, balance1: int) -> bool:
    """True when both balances can be stored as V2 reserves."""
    return balance0 <= UINT112_MAX and balance1 <= UINT112_MAX
