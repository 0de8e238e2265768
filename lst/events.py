"""Typed events of ``lst`` (frozen records appended to ``state.events``). Token movements
also emit ``chain.Transfer`` from the ledger; for the rebasing token its amount is in shares."""

from __future__ import annotations

from chain import Event


class Submitted(Event):
    """``sender`` staked ``amount`` native wei and received ``shares``."""

    issuer: str
    sender: str
    amount: int
    shares: int


class TransferShares(Event):
    """``shares`` moved from ``src`` to ``dst`` for a rebasing ``amount`` (Lido's event)."""

    issuer: str
    src: str
    dst: str
    amount: int
    shares: int


class ValidatorsDeposited(Event):
    """``count`` validators of ``size`` wei each funded from the buffer for ``operator``."""

    issuer: str
    operator: int
    count: int
    size: int


class TokenRebased(Event):
    """An oracle report was applied (Lido's ``TokenRebased`` plus the fee split)."""

    issuer: str
    report_time: int
    time_elapsed: int
    pre_total_pooled: int
    pre_total_shares: int
    post_total_pooled: int
    post_total_shares: int
    rewards: int
    shares_minted_as_fees: int
    treasury_shares: int


class ValidatorsSlashed(Event):
    """``count`` validators of ``operator`` slashed; ``penalty`` wei left the pooled native."""

    issuer: str
    operator: int
    count: int
    initial_penalty: int
    correlation_penalty: int


class ValidatorsExited(Event):
    """``count`` validators of ``operator`` left the active set."""

    issuer: str
    operator: int
    count: int


class WithdrawalRequested(Event):
    """Request ``request_id`` locked ``shares`` worth ``amount`` native wei at request."""

    queue: str
    request_id: int
    owner: str
    amount: int
    shares: int


class WithdrawalFinalized(Event):
    """Request ``request_id`` finalized: ``paid`` native wei locked, ``shares`` burned."""

    queue: str
    request_id: int
    paid: int
    shares: int
    share_rate: int


class WithdrawalClaimed(Event):
    """Request ``request_id`` paid ``amount`` native wei to ``recipient``."""

    queue: str
    request_id: int
    owner: str
    recipient: str
    amount: int


class LiquidUnstaked(Event):
    """``user`` sold ``amount`` LST to the pool for ``paid`` native wei, fee ``fee_bps``."""

    pool: str
    user: str
    amount: int
    paid: int
    fee_bps: int


class LiquidityChanged(Event):
    """``provider`` added (positive) or removed (negative) ``lp`` pool shares."""

    pool: str
    provider: str
    lp: int
    native: int
    lst: int
