"""Exact integer share math of restaking, rounding named per function (EigenLayer v1.3.0).

Two layers of shares:

- **strategy shares** (``StrategyBase``): a strategy holding ``balance`` of its token against
  ``total`` shares values ``s`` shares at ``(balance + 1e3) * s // (total + 1e3)``: the
  virtual offsets (``SHARES_OFFSET``, ``BALANCE_OFFSET``) make the rate of an empty strategy 1
  and an inflation attack on the first depositor cost the attacker about 1000 times what it
  takes from the victim. Every conversion floors, in the strategy's favour.
- **pool units**: an operator pool owns strategy shares on behalf of units, as a vault of
  vaults; a slash burns shares out of the pool and every unit loses the same fraction. This is
  EigenLayer's slashing factor (withdrawable = deposit shares x deposit scaling factor x max
  magnitude) kept as units of a pool, so that the books add up to the strategy's total shares
  exactly; conversions out of a pool floor and conversions into it round against the staker.
"""

from __future__ import annotations

from chain.fixedpoint import WAD, mul_div_down, mul_div_up
from restaking.params import BALANCE_OFFSET, SHARES_OFFSET


def shares_on_deposit(amount: int, total_shares: int, balance_after: int) -> int:
    """New strategy shares for ``amount`` already received, ``balance_after`` including it
    (``StrategyBase.deposit``): ``amount * (total + 1e3) // (balance_after - amount + 1e3)``, floored."""
    return amount * (total_shares + SHARES_OFFSET) // (balance_after - amount + BALANCE_OFFSET)


def to_assets(shares: int, total_shares: int, balance: int) -> int:
    """Assets of ``shares`` strategy shares (``sharesToUnderlyingView``), floored."""
    return (balance + BALANCE_OFFSET) * shares // (total_shares + SHARES_OFFSET)


def to_shares(assets: int, total_shares: int, balance: int) -> int:
    """Strategy shares ``assets`` would buy (``underlyingToSharesView``), floored."""
    return assets * (total_shares + SHARES_OFFSET) // (balance + BALANCE_OFFSET)


def units_for(shares: int, pool_shares: int, pool_units: int) -> int:
    """Units minted for ``shares`` paid into a pool, floored (1:1 into an empty pool)."""
    if pool_units == 0:
        return shares
    return mul_div_down(shares, pool_units, pool_shares)


def shares_for(units: int, pool_shares: int, pool_units: int) -> int:
    """Strategy shares owned by ``units`` of a pool, floored (0 for an empty pool)."""
    if pool_units == 0:
        return 0
    return mul_div_down(units, pool_shares, pool_units)


def units_to_cover(shares: int, pool_shares: int, pool_units: int) -> int:
    """Fewest units whose shares are at least ``shares`` (a withdrawal of ``shares``), rounded up."""
    if pool_units == 0:
        return shares
    return mul_div_up(shares, pool_units, pool_shares)


def magnitude_to_slash(current: int, wad_to_slash: int) -> int:
    """Magnitude a slash of ``wad_to_slash`` takes from an allocation of ``current``, rounded up
    (``AllocationManager.slashOperator``: ``currentMagnitude.mulWadRoundUp(wadToSlash)``)."""
    return mul_div_up(current, wad_to_slash, WAD)


def slashed_shares(shares: int, prev_max: int, new_max: int) -> int:
    """Shares burned from a pool of ``shares`` when the max magnitude falls from ``prev_max`` to
    ``new_max`` (``SlashingLib.calcSlashedAmount``: ``shares - shares.mulDiv(new, prev, Up)``,
    rounded so as not to overslash)."""
    return shares - mul_div_up(shares, new_max, prev_max)


def annual_reward(value: int, rate_bps: int, seconds: int, year: int) -> int:
    """Reward on ``value`` at ``rate_bps`` a year over ``seconds`` (simple interest), floored."""
    return value * rate_bps * seconds // (10_000 * year)
