"""Events of the lending market (Aave ``IPool`` events); amounts in wei of the named asset."""

from __future__ import annotations

from chain import Event, Token


class ReserveListed(Event):
    market: str
    asset: Token
    id: int
    feed: str


class FeedSet(Event):
    market: str
    asset: Token
    old: str
    new: str


class Supply(Event):
    market: str
    asset: Token
    user: str
    on_behalf_of: str
    amount: int


class Withdraw(Event):
    market: str
    asset: Token
    user: str
    amount: int


class Borrow(Event):
    market: str
    asset: Token
    user: str
    amount: int
    rate: int  # RAY/yr: variable borrow rate after the borrow


class Repay(Event):
    market: str
    asset: Token
    user: str
    repayer: str
    amount: int
    with_a_tokens: bool


class CollateralSet(Event):
    """Aave ``ReserveUsedAsCollateralEnabled`` / ``...Disabled``."""

    market: str
    asset: Token
    user: str
    enabled: bool


class UserEModeSet(Event):
    market: str
    user: str
    category: int


class LiquidationCall(Event):
    market: str
    collateral: Token
    debt: Token
    user: str
    debt_covered: int  # wei of the debt asset paid by the liquidator
    collateral_seized: int  # wei of collateral to the liquidator (fee excluded)
    protocol_fee: int  # wei of collateral to the treasury (as aTokens)
    liquidator: str
    receive_a_token: bool


class ScaledBalanceChanged(Event):
    """``user``'s scaled balance of ``asset`` changed by ``delta`` (signed) on one side: "supplied"
    (the aToken's scaled balance) or "borrowed" (the variable debt token's), at ``index`` (RAY:
    the reserve's normalized income or debt then). Aave's AToken and VariableDebtToken emit
    ``Mint``/``Burn``/``BalanceTransfer`` with the index for every such change; this one record
    carries the scaled amount, so a position can be rebuilt from the log exactly, and
    ``rayMul(|delta|, index)`` is the change in wei."""

    market: str
    asset: Token
    user: str
    side: str
    delta: int
    index: int


class DeficitCreated(Event):
    """(v3.3 rules) ``amount`` of debt was burned with no collateral left to back it."""

    market: str
    user: str
    asset: Token
    amount: int


class BadDebtRecorded(Event):
    """(v3.0.2 rules) the user has no collateral left and still owes ``amount``."""

    market: str
    user: str
    asset: Token
    amount: int


class FlashLoan(Event):
    market: str
    receiver: str
    asset: Token
    amount: int
    premium: int
    mode: int


class MintedToTreasury(Event):
    market: str
    asset: Token
    amount: int


class PositionImported(Event):
    """A snapshot position written by ``import_position``: (asset, wei) pairs by reserve id."""

    market: str
    user: str
    supplied: tuple[tuple[Token, int], ...]
    borrowed: tuple[tuple[Token, int], ...]
    emode: int


class OraclePolicySet(Event):
    """The market's price staleness and sequencer policy changed."""

    market: str
    max_age: int | None
    sequencer_feed: str | None
    grace_period: int
