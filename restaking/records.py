"""Frozen state records of the restaking contracts. Shares are strategy shares; units are
units of an operator pool (:mod:`restaking.sharemath`); magnitudes are wad (1e18 = all of an
operator's delegated stake in a strategy); times are Unix seconds."""

from __future__ import annotations

import attrs

from chain import ParamSpec
from restaking.params import DEALLOCATION_DELAY, INITIAL_MAX_MAGNITUDE, OPERATOR_SPLIT_BPS, WITHDRAWAL_DELAY


@attrs.frozen
class StrategyBook:
    """A strategy's total shares (``StrategyBase.totalShares``); its assets are its token balance."""

    total_shares: int = 0


@attrs.frozen
class Pool:
    """An operator's pool in one strategy: ``shares`` strategy shares owned by ``units`` units.

    Each operator has two per strategy: ``active`` (its delegated stakers: slashable and
    rewarded) and ``queued`` (withdrawals in their delay: slashable, not rewarded, as EigenLayer's
    queued withdrawals leave ``operatorShares`` but stay slashable)."""

    shares: int = 0
    units: int = 0


@attrs.frozen
class Operator:
    """A registered operator."""

    address: str
    registered_at: int


@attrs.frozen
class Withdrawal:
    """A queued withdrawal: ``units`` of the operator's queued pool (``operator`` set) or plain
    strategy shares (an undelegated staker's, ``operator`` None); ``shares`` at queue time."""

    id: int
    staker: str
    strategy: str
    operator: str | None
    units: int
    shares: int
    start_time: int
    completed: bool = False


@attrs.frozen
class Counter:
    """How many withdrawals or services exist (ids are 0..count-1)."""

    count: int = 0


@attrs.frozen
class DelegationParams:
    """Governable parameters of the delegation manager (seconds)."""

    withdrawal_delay: int = WITHDRAWAL_DELAY


@attrs.frozen
class Service:
    """A service (EigenLayer operator set) of ``avs``: its annual reward rate on allocated
    stake (bps, what its ``due_reward`` pays) and what it slashes for (``slash_condition``:
    recorded in events; the AVS's own logic decides when to slash, as on EigenLayer)."""

    id: int
    avs: str
    reward_rate_bps: int
    slash_condition: str


@attrs.frozen
class Magnitudes:
    """An operator's magnitudes in one strategy: its max magnitude (starts at 1e18, only
    falls with slashes) and the services it has allocations to (in allocation order)."""

    max_magnitude: int = INITIAL_MAX_MAGNITUDE
    services: tuple[int, ...] = ()


@attrs.frozen
class Allocation:
    """An allocation of magnitude to a service: ``current`` is slashable now; a pending
    decrease of ``pending`` frees at ``effect_time`` (slashable until then)."""

    current: int = 0
    pending: int = 0
    effect_time: int = 0


@attrs.frozen
class AllocationParams:
    """Governable parameters of the allocation manager."""

    deallocation_delay: int = DEALLOCATION_DELAY
    operator_split_bps: int = OPERATOR_SPLIT_BPS


DELEGATION_PARAM_SPECS = {
    "withdrawal_delay": ParamSpec("withdrawal_delay", 0, 10 * 365 * 24 * 3600, "s",
                                  "seconds a queued withdrawal waits (mainnet 100800 blocks = 14 days)"),
}
ALLOCATION_PARAM_SPECS = {
    "deallocation_delay": ParamSpec("deallocation_delay", 0, 10 * 365 * 24 * 3600, "s",
                                    "seconds a deallocation stays slashable (mainnet 14 days)"),
    "operator_split_bps": ParamSpec("operator_split_bps", 0, 10_000, "bps",
                                    "operators' share of service rewards (mainnet 1000)"),
}
