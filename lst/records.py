"""Frozen state records of the issuer, the withdrawal queue and the unstake pool. Every
amount is an int in base units of the native token (wei) unless it says shares."""

from __future__ import annotations

import attrs

from chain import UINT256_MAX, ParamSpec


@attrs.frozen
class Pool:
    """The issuer's accounting (Lido V2 ``BUFFERED_ETHER``, ``DEPOSITED_VALIDATORS``,
    ``CL_VALIDATORS``, ``CL_BALANCE``).

    total pooled = ``buffered + cl_balance + (deposited_validators - cl_validators) * size``.
    """

    buffered: int = 0
    deposited_validators: int = 0
    cl_validators: int = 0
    cl_balance: int = 0
    last_report_time: int = 0
    queue: str | None = None


@attrs.frozen
class IssuerParams:
    """The governable parameters of an issuer (see ``Issuer.param_specs``)."""

    fee_bps: int = 1000
    operators_share_bps: int = 5000
    stake_limit: int = 0
    paused: int = 0
    annual_increase_limit_bps: int = 1000
    one_off_decrease_limit_bps: int = 500
    network_stake: int = 0


@attrs.frozen
class Operator:
    """A node operator: validators funded, slashed and exited, wei lost to penalties."""

    id: int
    name: str
    reward_address: str
    validators: int = 0
    slashed: int = 0
    penalties: int = 0
    exited: int = 0

    @property
    def active(self) -> int:
        """Validators funded and neither slashed nor exited."""
        return self.validators - self.slashed - self.exited


@attrs.frozen
class Concentration:
    """Concentration figures of an issuer's stake.

    ``stakes``: active stake per operator (wei); ``network_share``: the issuer's active stake
    over the network's, wad; ``herfindahl``: sum of squared operator shares, wad (1e18: one
    operator); ``nakamoto``: fewest operators holding more than a third.
    """

    stakes: tuple[int, ...]
    network_share: int
    herfindahl: int
    nakamoto: int


@attrs.frozen
class Registry:
    """How many operators exist (ids are 0..count-1)."""

    count: int = 0


@attrs.frozen
class SlashLog:
    """Slashings still inside the correlation window: ``(time, effective balance)`` pairs."""

    entries: tuple[tuple[int, int], ...] = ()


@attrs.frozen
class Request:
    """A withdrawal request: ``amount`` native value at request time, ``shares`` locked.

    ``paid`` is set at finalization (None before); ``claimed`` once paid out.
    """

    id: int
    owner: str
    amount: int
    shares: int
    timestamp: int
    paid: int | None = None
    claimed: bool = False


@attrs.frozen
class Queue:
    """The queue's counters: ids are 1..last_id; 1..last_finalized are finalized.

    ``locked`` is native wei held for finalized, unclaimed requests; ``pending`` the native
    value (at request time) of unfinalized requests.
    """

    last_id: int = 0
    last_finalized: int = 0
    locked: int = 0
    pending: int = 0
    finalization_delay: int = 0


@attrs.frozen
class UnstakeParams:
    """Liquid unstake pool fee curve (Marinade ``LiqPool``): fee falls linearly from
    ``max_fee_bps`` at no liquidity left to ``min_fee_bps`` at ``liquidity_target``."""

    min_fee_bps: int = 30
    max_fee_bps: int = 300
    liquidity_target: int = 0


@attrs.frozen
class LpBalance:
    """A liquidity provider's pool shares."""

    lp: int = 0


@attrs.frozen
class LpSupply:
    """Total pool shares of the unstake pool."""

    lp: int = 0


ISSUER_PARAM_SPECS = {
    "fee_bps": ParamSpec("fee_bps", 0, 10_000, "bps", "protocol fee on rewards (Lido 10%)"),
    "operators_share_bps": ParamSpec(
        "operators_share_bps", 0, 10_000, "bps", "part of the fee that goes to node operators (Lido 50%)"
    ),
    "stake_limit": ParamSpec("stake_limit", 0, UINT256_MAX, "wei", "cap on total pooled native; 0: none"),
    "paused": ParamSpec("paused", 0, 1, "bool", "1 stops submits, transfers, wraps and requests"),
    "annual_increase_limit_bps": ParamSpec(
        "annual_increase_limit_bps", 0, 2**64, "bps", "max annualised CL increase per report (Lido 1000)"
    ),
    "one_off_decrease_limit_bps": ParamSpec(
        "one_off_decrease_limit_bps", 0, 10_000, "bps", "max CL decrease per report (Lido 500)"
    ),
    "network_stake": ParamSpec("network_stake", 0, UINT256_MAX, "wei", "the whole network's stake"),
}
