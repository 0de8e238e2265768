"""Exact integer math of the issuer: shares, fees, sanity bounds, slashing penalties,
concentration. Pure functions over ints; every one says how it rounds.

Sources (lidofinance/lido-dao @ fb0681066d59135a76d8833159d6d09f8bc09048):
``contracts/0.4.24/StETH.sol`` (``getSharesByPooledEth``, ``getPooledEthByShares``, floored),
``contracts/0.4.24/Lido.sol`` (``_processRewards``, ``_distributeFee``),
``contracts/0.8.9/sanity_checks/OracleReportSanityChecker.sol``
(``_checkOneOffCLBalanceDecrease``, ``_checkAnnualBalancesIncrease``),
``contracts/0.8.9/WithdrawalQueueBase.sol`` (``E27_PRECISION_BASE`` share rates).
Slashing: ethereum/consensus-specs ``specs/bellatrix/beacon-chain.md`` (``slash_validator``,
``process_slashings``).
"""

from __future__ import annotations

from collections.abc import Sequence

from chain import RAY
from chain.concentration import herfindahl, nakamoto, share_of
from chain.fixedpoint import mul_div_up

FEE_PRECISION_POINTS = 10**20
"""100% in Lido's fee units (``StakingRouter.FEE_PRECISION_POINTS``)."""
BPS_TO_POINTS = FEE_PRECISION_POINTS // 10_000
"""One basis point in fee precision points (1e16)."""
MAX_BASIS_POINTS = 10_000
SECONDS_PER_YEAR = 365 * 24 * 3600
"""The sanity checker's ``365 days``."""
DEFAULT_TIME_ELAPSED = 3600
"""The sanity checker's substitute when a report comes in the same second as the last."""
DEFAULT_CL_BALANCE = 10**9
"""The sanity checker's substitute for a zero pre-report CL balance (1 gwei)."""


def shares_by_pooled(amount: int, total_shares: int, total_pooled: int) -> int:
    """Shares worth ``amount`` native wei: ``amount*S // T`` (floor), 1:1 on an empty pool."""
    if total_pooled == 0:
        return amount
    return amount * total_shares // total_pooled


def pooled_by_shares(shares: int, total_shares: int, total_pooled: int) -> int:
    """Native wei ``shares`` are worth: ``shares*T // S`` (floor), 1:1 with no shares."""
    if total_shares == 0:
        return shares
    return shares * total_pooled // total_shares


def pooled_by_shares_up(shares: int, total_shares: int, total_pooled: int) -> int:
    """As :func:`pooled_by_shares` rounded up (Lido V3 ``getPooledEthBySharesRoundUp``)."""
    if total_shares == 0:
        return shares
    return mul_div_up(shares, total_pooled, total_shares)


def share_rate(total_shares: int, total_pooled: int) -> int:
    """Native wei per share in ray (``T*1e27 // S``, floor), as the withdrawal queue keeps it."""
    if total_shares == 0:
        return RAY
    return total_pooled * RAY // total_shares


def fee_shares(rewards: int, fee_points: int, total_shares: int, total_pooled: int) -> int:
    """Shares to mint so the fee recipients hold ``rewards*fee/P`` after the rebase.

    ``R*fee*S // ((T+R)*P - R*fee)`` with the PRE-report ``T`` and ``S`` and
    ``P = FEE_PRECISION_POINTS``: Lido ``_distributeFee``. Floor: recipients get at most the
    fee, by less than one share's worth.
    """
    denominator = (total_pooled + rewards) * FEE_PRECISION_POINTS - rewards * fee_points
    if fee_points == 0 or rewards == 0 or denominator <= 0:
        return 0
    return rewards * fee_points * total_shares // denominator


def split_fee(
    shares: int, module_points: int, total_points: int, weights: Sequence[int]
) -> tuple[list[int], int]:
    """Split minted fee shares: operators get ``shares*module//total`` (Lido
    ``StakingRouter`` module share) divided pro rata to ``weights`` (active validators),
    each floored; the treasury gets every share left, so nothing is lost."""
    if total_points == 0 or shares == 0:
        return [0] * len(weights), shares
    module = shares * module_points // total_points
    weight = sum(weights)
    parts = [module * w // weight for w in weights] if weight else [0] * len(weights)
    return parts, shares - sum(parts)


def fee_mints(
    rewards: int,
    total_pooled: int,
    total_shares: int,
    fee_bps: int,
    operators_share_bps: int,
    weights: Sequence[int],
) -> tuple[int, list[int], int]:
    """The fee of a report in shares: ``(minted, per operator, treasury)``, from the fee in
    bps (1 bps = 1e16 points) of which ``operators_share_bps`` is the operators' module fee."""
    total_points = fee_bps * BPS_TO_POINTS
    shares = fee_shares(rewards, total_points, total_shares, total_pooled)
    module_points = total_points * operators_share_bps // MAX_BASIS_POINTS
    parts, treasury = split_fee(shares, module_points, total_points, weights)
    return shares, parts, treasury


def cl_decrease_bps(pre_cl: int, post_cl: int, withdrawn: int) -> int:
    """One-off CL decrease in bps, rounded up; 0 on no decrease (``_checkOneOffCLBalanceDecrease``)."""
    if pre_cl <= post_cl + withdrawn:
        return 0
    return mul_div_up(MAX_BASIS_POINTS, pre_cl - post_cl - withdrawn, pre_cl)


def annual_increase_bps(pre_cl: int, post_cl: int, withdrawn: int, elapsed: int) -> int:
    """Annualised CL increase in bps, floored (``_checkAnnualBalancesIncrease``): the gain
    ``post + withdrawn - pre`` over ``pre`` (1 gwei if zero), scaled by a year over ``elapsed``
    (1 hour if zero)."""
    gain = post_cl + withdrawn - pre_cl
    if gain <= 0:
        return 0
    pre = pre_cl or DEFAULT_CL_BALANCE
    elapsed = elapsed or DEFAULT_TIME_ELAPSED
    return SECONDS_PER_YEAR * MAX_BASIS_POINTS * gain // pre // elapsed


def initial_penalty(effective_balance: int, quotient: int) -> int:
    """Penalty at the slashing itself: ``effective_balance // quotient`` (0 if quotient is 0).

    Ethereum ``MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX = 32``: 1 ETH of 32 ETH.
    """
    return effective_balance // quotient if quotient else 0


def correlation_penalty(
    effective_balance: int, slashed_in_window: int, total_balance: int, multiplier: int, increment: int
) -> int:
    """Correlation penalty of one slashed validator (Bellatrix ``process_slashings``).

    ``adjusted = min(slashed_in_window * multiplier, total_balance)``;
    ``penalty = effective_balance // increment * adjusted // total_balance * increment``
    (floored to a whole increment, 1 ETH on Ethereum; PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX = 3).
    """
    if multiplier == 0 or total_balance == 0:
        return 0
    adjusted = min(slashed_in_window * multiplier, total_balance)
    return effective_balance // increment * adjusted // total_balance * increment


__all__ = [  # herfindahl, nakamoto and share_of come from chain.concentration: part of this API too
    "BPS_TO_POINTS", "DEFAULT_CL_BALANCE", "DEFAULT_TIME_ELAPSED", "FEE_PRECISION_POINTS",
    "MAX_BASIS_POINTS", "SECONDS_PER_YEAR", "annual_increase_bps", "cl_decrease_bps",
    "correlation_penalty", "fee_mints", "fee_shares", "herfindahl", "initial_penalty", "nakamoto",
    "pooled_by_shares", "pooled_by_shares_up", "share_of", "share_rate", "shares_by_pooled", "split_fee",
]
