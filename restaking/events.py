"""Typed events of ``restaking`` (frozen records appended to ``state.events``); token
movements also emit ``chain.Transfer`` from the ledger. Amounts are base units of the
strategy's token; ``shares`` are strategy shares; ``units`` are operator-pool units."""

from __future__ import annotations

from chain import Event, Token


class StrategyAdded(Event):
    """A strategy for ``token`` was deployed at ``strategy``."""

    manager: str
    strategy: str
    token: Token


class Deposit(Event):
    """``staker`` deposited ``amount`` into ``strategy`` for ``shares`` new strategy shares."""

    strategy: str
    staker: str
    amount: int
    shares: int


class OperatorRegistered(Event):
    """``operator`` registered (and is delegated to itself)."""

    operator: str


class StakerDelegated(Event):
    """``staker`` delegated every strategy position to ``operator``."""

    staker: str
    operator: str


class StakerUndelegated(Event):
    """``staker`` left ``operator``; every position was queued for withdrawal."""

    staker: str
    operator: str


class WithdrawalQueued(Event):
    """Withdrawal ``withdrawal_id`` of ``shares`` strategy shares (worth them at queue time)."""

    withdrawal_id: int
    staker: str
    strategy: str
    operator: str | None
    shares: int
    withdrawable_at: int


class WithdrawalCompleted(Event):
    """Withdrawal ``withdrawal_id`` paid ``assets`` for ``shares`` strategy shares."""

    withdrawal_id: int
    staker: str
    strategy: str
    shares: int
    assets: int


class ServiceCreated(Event):
    """Service (operator set) ``service`` of ``avs``."""

    service: int
    avs: str
    reward_rate_bps: int
    slash_condition: str


class AllocationUpdated(Event):
    """``operator``'s magnitude for ``service`` in ``strategy`` becomes ``magnitude`` at ``effect_time``."""

    operator: str
    service: int
    strategy: str
    magnitude: int
    effect_time: int


class OperatorSlashed(Event):
    """``service`` slashed ``wad_to_slash`` of ``operator``'s allocation in ``strategy``:
    ``magnitude`` off its max magnitude, ``shares`` burned from its pools, ``assets`` burned."""

    service: int
    avs: str
    operator: str
    strategy: str
    wad_to_slash: int
    magnitude: int
    shares: int
    assets: int
    slash_condition: str


class RewardsSubmitted(Event):
    """``avs`` paid ``assets`` into ``strategy`` for ``service``, minting ``shares`` to pools."""

    service: int
    avs: str
    strategy: str
    assets: int
    shares: int
