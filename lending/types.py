"""The records of the lending market (Aave V3 ``DataTypes.sol``): state only, no behaviour.

Every field says its unit: wei (base units of the reserve's token), scaled (wei divided by an
index, Aave's scaled balances), RAY (1e27), WAD (1e18), bps (1e4 = 100%), base (the market's
base currency with the market's price decimals), s (Unix seconds).
"""

from __future__ import annotations

import attrs

from chain import Record, Token
from chain.fixedpoint import RAY
from lending.rates import RateStrategy


@attrs.frozen
class ReserveConfig:
    """One reserve's configuration (governable; Aave ``ReserveConfigurationMap``)."""

    asset: Token  # the chain ledger token lent and borrowed
    id: int  # listing order, the bit of the reserve in user masks
    feed: str  # address of any chain Feed pricing one token in the base currency
    strategy: RateStrategy  # kinked rate curve
    ltv: int = 0  # bps: borrowing power of one unit of collateral
    liquidation_threshold: int = 0  # bps: collateral weight in the health factor
    liquidation_bonus: int = 10_000  # bps, 10000 + bonus (10500 = 5% bonus)
    liquidation_protocol_fee: int = 0  # bps of the bonus part that goes to the treasury
    reserve_factor: int = 0  # bps of borrow interest that goes to the treasury
    supply_cap: int = 0  # whole tokens, 0 = no cap
    borrow_cap: int = 0  # whole tokens, 0 = no cap
    emode_category: int = 0  # efficiency-mode category id, 0 = none
    borrowing_enabled: bool = True
    flash_loan_enabled: bool = True
    active: bool = True
    frozen: bool = False
    paused: bool = False

    @property
    def unit(self) -> int:
        """10**decimals: one whole token in wei."""
        unit: int = 10**self.asset.decimals
        return unit


class ReserveState(Record):
    """One reserve's accounting (Aave ``ReserveData``), replaced whole at each touch (a
    named-tuple record, :class:`chain.Record`: every action builds one)."""

    liquidity_index: int = RAY  # RAY: aToken balance = scaled * index
    variable_borrow_index: int = RAY  # RAY: debt = scaled debt * index
    liquidity_rate: int = 0  # RAY/yr: current supply rate
    variable_borrow_rate: int = 0  # RAY/yr: current variable borrow rate
    last_update: int = 0  # s: time the indexes were last accrued
    accrued_to_treasury: int = 0  # scaled aToken units owed to the treasury, not yet minted
    scaled_supply: int = 0  # scaled: total aToken supply (users and treasury, minted)
    scaled_debt: int = 0  # scaled: total variable debt
    deficit: int = 0  # wei: debt burned as bad debt (v3.3 rules), owed by nobody
    bad_debt: int = 0  # wei: debt left without collateral under v3.0.2 rules (still owed)

    def replace(self, **changes: int) -> ReserveState:
        """A copy with ``changes`` (``attrs.evolve`` without its per-call introspection: hot path)."""
        get = changes.get
        return ReserveState(
            get("liquidity_index", self.liquidity_index),
            get("variable_borrow_index", self.variable_borrow_index),
            get("liquidity_rate", self.liquidity_rate),
            get("variable_borrow_rate", self.variable_borrow_rate),
            get("last_update", self.last_update), get("accrued_to_treasury", self.accrued_to_treasury),
            get("scaled_supply", self.scaled_supply), get("scaled_debt", self.scaled_debt),
            get("deficit", self.deficit), get("bad_debt", self.bad_debt),
        )


@attrs.frozen
class EModeCategory:
    """An efficiency-mode category: correlated assets with their own risk figures."""

    id: int  # 1..255
    label: str
    ltv: int  # bps
    liquidation_threshold: int  # bps
    liquidation_bonus: int  # bps, 10000 + bonus


class UserPosition(Record):
    """One user's balances in every reserve, indexed by reserve id (Aave ``UserConfigurationMap``
    plus the scaled token balances). Tuples may be shorter than the reserve count: missing = 0."""

    supplied: tuple[int, ...] = ()  # scaled aToken balance per reserve
    borrowed: tuple[int, ...] = ()  # scaled variable debt per reserve
    collateral_mask: int = 0  # bit i set: reserve i counts as collateral
    emode: int = 0  # chosen efficiency-mode category, 0 = none

    def supplied_of(self, i: int) -> int:
        """Scaled aToken balance in reserve ``i``."""
        return self.supplied[i] if i < len(self.supplied) else 0

    def borrowed_of(self, i: int) -> int:
        """Scaled debt in reserve ``i``."""
        return self.borrowed[i] if i < len(self.borrowed) else 0

    def uses_as_collateral(self, i: int) -> bool:
        return bool(self.collateral_mask >> i & 1)

    def is_borrowing_any(self) -> bool:
        return any(self.borrowed)

    def with_supplied(self, i: int, scaled: int) -> UserPosition:
        return UserPosition._make((_put(self.supplied, i, scaled), self.borrowed, self.collateral_mask, self.emode))

    def with_borrowed(self, i: int, scaled: int) -> UserPosition:
        return UserPosition._make((self.supplied, _put(self.borrowed, i, scaled), self.collateral_mask, self.emode))

    def plus_borrowed(self, i: int, scaled: int) -> UserPosition:
        """``with_borrowed(i, borrowed_of(i) + scaled)``."""
        return UserPosition._make((self.supplied, added_at(self.borrowed, i, scaled), self.collateral_mask, self.emode))

    def with_collateral(self, i: int, enabled: bool) -> UserPosition:
        mask = self.collateral_mask | (1 << i) if enabled else self.collateral_mask & ~(1 << i)
        return UserPosition(self.supplied, self.borrowed, mask, self.emode)

    def with_emode(self, category: int) -> UserPosition:
        return UserPosition(self.supplied, self.borrowed, self.collateral_mask, category)


EMPTY_POSITION = UserPosition()
"""The position of an address that never had one."""


def _put(values: tuple[int, ...], i: int, value: int) -> tuple[int, ...]:
    if i >= len(values):
        values = values + (0,) * (i + 1 - len(values))
    return values[:i] + (value,) + values[i + 1 :]


def added_at(values: tuple[int, ...], i: int, amount: int) -> tuple[int, ...]:
    """``_put(values, i, value at i + amount)`` (missing values are 0)."""
    if i < len(values):
        return values[:i] + (values[i] + amount,) + values[i + 1 :]
    return values + (0,) * (i - len(values)) + (amount,)


LIQUIDATION_RULES = ("v2", "v3.0.2", "v3.3")
"""Liquidation rules a market can follow, by their governance code (index): 0 Aave v2, 1 Aave
v3.0.2, 2 Aave v3.3 (see :mod:`lending.logic.liquidation`)."""


@attrs.frozen
class MarketConfig:
    """Market-wide settings (Aave ``PoolAddressesProvider`` and ``Pool`` constants)."""

    treasury: str  # address that receives protocol fees as aTokens
    flash_premium_total: int = 5  # bps of a flash loan's amount charged as premium
    flash_premium_to_protocol: int = 0  # bps of the premium that goes to the treasury
    liquidation_rule: str = "v3.0.2"  # one of LIQUIDATION_RULES
    close_factor_bps: int = 5000  # bps: share of a debt one liquidation may cover (the 50%)
    close_factor_hf_threshold: int = 95 * 10**16  # WAD: at or below, 100% (v3.0.2) / no size cap (v3.3)
    close_factor_threshold_base: int = 2000 * 10**8  # base: v3.3 MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD
    min_leftover_base: int = 1000 * 10**8  # base: v3.3 MIN_LEFTOVER_BASE
    max_age: int | None = None  # s: oldest price a borrow may use, None = any age
    sequencer_feed: str | None = None  # address of an L2 sequencer uptime oracle, None = no sentinel
    grace_period: int = 3600  # s: after the sequencer comes back up, borrows wait this long
    reserve_count: int = 0  # reserves listed so far

    @property
    def liquidation_v33(self) -> bool:
        """True under the Aave v3.3 rules (close factor by size, dust rule, deficit)."""
        return self.liquidation_rule == "v3.3"


class AccountData(Record):
    """A user's account in the base currency (``GenericLogic.calculateUserAccountData``)."""

    total_collateral_base: int  # base: collateral enabled with a non-zero threshold
    total_debt_base: int  # base
    available_borrows_base: int  # base: collateral x avg LTV - debt, floored at 0
    ltv: int  # bps: collateral-weighted average LTV
    liquidation_threshold: int  # bps: collateral-weighted average threshold
    health_factor: int  # WAD: 2**256-1 without debt
    has_zero_ltv_collateral: bool  # some enabled collateral has LTV 0
