"""Background lending flows: the passive lender and the background borrower move the
Ethereum market's WETH utilisation along a seeded mean-reverting process, so the borrow rate
moves through the market's own rate model (past the kink included).

Two targets evolve each step, both Ornstein-Uhlenbeck processes sampled exactly over the
step's elapsed time ``dt`` (stationary standard deviation ``sd``, half-life ``h``,
``a = 2**(-dt / h)``)::

    x' = mean + (x - mean) * a + sd * sqrt(1 - a**2) * z

- ``x = logit(u)``: the reserve's utilisation ``u = debt / (cash + debt)``;
- ``x = log(L)``: the reserve's total liquidity ``L = cash + debt`` (wei).

``z`` are the step's two standard normal draws from a counter-based generator keyed by
``(seed, step.index)`` (:func:`draws`), so a rerun or a fork gets the same draws. The targets
are stored in the world (:class:`FlowState`, in the market's records under
``("background", asset symbol)``); the agent keeps no Python state.

Each step the flows that reach the targets are ``supply = L' - L`` (the lender supplies, or
withdraws when negative) and ``borrow = floor(L' u' / RAY) - debt`` (the borrower borrows, or
repays when negative), made through the market's public calls in the order supply, repay,
withdraw, borrow (what brings cash in goes first). The targets are for the whole reserve: the
background absorbs what other users borrow or supply, so a strategy under test takes the rate
as given. A flow is cut, and the cut counted, where it would leave the borrower's health factor
below ``health_floor`` (``background_blocked_health``; a borrower found below the floor, as
interest or a price move can leave it between steps, repays back up to it), take more cash than
the reserve holds (``_cash``), repay more than the borrower owes (``_debt``), withdraw more
than the lender supplied (``_supply``), or where the market reverts (``_revert``).

WETH the lender supplies or the borrower repays comes from its wallet first; the shortfall is
minted to it (money from outside the world: the lender's other holdings, the borrower's
income), counted in ``background_minted_eth`` and, exactly, in :attr:`FlowState.minted`.
WETH withdrawn or borrowed stays in the wallet.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from functools import partial

import attrs
import numpy as np

from chain import RAY, WAD, LstlabError, Token
from chain.errors import InvalidArgument
from chain.fixedpoint import ray_mul
from lstlab.agents.base import Funded, Step
from lstlab.world.build import World
from lstlab.world.names import BORROWER, LENDER

DAY = 86_400
_LOGIT_BOUND = 30.0
"""|logit(u)| is clipped here (u within 1e-13 of 0 or 1) so the process stays finite."""
REASONS = ("health", "cash", "debt", "supply", "revert")


def _check_unit_interval(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not 0.0 < value < 1.0:
        raise InvalidArgument(f"{attribute.name} must be in (0, 1), got {value!r}")


def _check_non_negative(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 0:
        raise InvalidArgument(f"{attribute.name} must not be negative, got {value!r}")


def _check_positive_int(_instance: object, attribute: attrs.Attribute, value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidArgument(f"{attribute.name} must be a positive int (seconds), got {value!r}")


def _check_floor(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 1.0:
        raise InvalidArgument(f"{attribute.name} must be at least 1 (below 1 is liquidatable), got {value!r}")


def _check_mean_liquidity(_instance: object, attribute: attrs.Attribute, value: float | None) -> None:
    if value is not None and not value > 0:
        raise InvalidArgument(f"{attribute.name} must be positive or None, got {value!r}")


@attrs.frozen
class FlowParams:
    """The two processes and the borrower's safety floor (modelling choices; no public
    multi-year series of Aave WETH utilisation or supply is shipped with lstlab)."""

    mean_utilisation: float = attrs.field(default=0.84, validator=_check_unit_interval)
    """Long-run utilisation (``logit`` of it is the process mean): the centre, on the logit
    scale, of the 75-90% band in which Aave V3 Ethereum's WETH utilisation moved through
    2023-2024 per public dashboards (Aave's app, Dune); the default world starts at 85%."""
    utilisation_sd: float = attrs.field(default=0.33, validator=_check_non_negative)
    """Stationary standard deviation of ``logit(u)``: that band taken as the 5-95% range
    (``(logit 0.90 - logit 0.75) / (2 x 1.645) = 0.33``), so about 5% of days sit past WETH's
    90% kink. Cap-hitting episodes such as September 2022 (borrowing ahead of the Merge
    pushed Aave's WETH utilisation toward its cap, and Aave governance paused ETH borrowing on
    Aave v2 until the Merge, per public reports) lie about 8 sd out: give them as a scheduled
    shock or a larger sd."""
    utilisation_half_life: int = attrs.field(default=7 * DAY, validator=_check_positive_int)
    """Seconds for a deviation of ``logit(u)`` to halve: a week. Past the kink WETH's slope2
    (80%) makes debt costly and supply lucrative, so borrowers repay and lenders arrive within
    days (a modelling choice: the 2022-09 episode lasted until the Merge, about two weeks)."""
    liquidity_sd: float = attrs.field(default=0.10, validator=_check_non_negative)
    """Stationary standard deviation of ``log(L)``: deposits and withdrawals move the reserve's
    size by about 10% either way (a modelling choice, not a fit; set 0 to hold the size at its
    mean)."""
    liquidity_half_life: int = attrs.field(default=30 * DAY, validator=_check_positive_int)
    """Seconds for a deviation of ``log(L)`` to halve: a month (supply moves slower than
    utilisation: lenders are passive holders; a modelling choice)."""
    mean_liquidity_eth: float | None = attrs.field(default=None, validator=_check_mean_liquidity)
    """Long-run reserve size in ETH (None: the reserve's size when the agent first acts, 2M in
    the default world, ``LendingParams.weth_supplied``)."""
    health_floor: float = attrs.field(default=1.2, validator=_check_floor)
    """The background borrower never borrows below this health factor: 1.2, a margin against
    one day's move of the wstETH feeds so background debt is not what liquidations are made of
    (a modelling choice; the default world starts it at about 1.4)."""

    @property
    def floor_wad(self) -> int:
        """``health_floor`` in WAD (rounded up: the floor is never loosened)."""
        return math.ceil(self.health_floor * WAD)


@attrs.frozen
class FlowState:
    """The agent's record in the world (one per reserve asset)."""

    utilisation: int  # RAY: the utilisation target
    liquidity: int  # wei: the total-liquidity target (cash + debt)
    mean_liquidity: int  # wei: the liquidity process's mean
    updated_at: int  # s: when the targets were last advanced
    minted: int = 0  # wei: WETH minted to the lender and the borrower so far


@attrs.frozen
class Flows:
    """What one :func:`move_to` did: signed wei flows, wei minted, the reasons it was cut."""

    supplied: int
    borrowed: int
    minted: int
    blocked: frozenset[str]


_WORD = 2**64 - 1


class _Philox(threading.local):
    """One Philox generator per thread, re-keyed for each step by setting its whole state
    (what ``Philox(key=..., counter=...)`` would hold), a quarter of the cost of a new one."""

    def __init__(self) -> None:
        self.generator = np.random.Generator(np.random.Philox(0))


_PHILOX = _Philox()


def draws(seed: int, index: int, n: int = 2) -> np.ndarray:
    """The ``n`` standard normal draws of step ``index``: numpy's Philox keyed by ``seed``
    with the counter's second 64-bit word set to ``index``, so every step owns 2**64 blocks and
    no two steps overlap; the same ``(seed, index)`` always gives the same draws, those of
    ``Generator(Philox(key=seed, counter=index << 64))``."""
    if not 0 <= seed < 2**128 or not 0 <= index < 2**192:
        raise InvalidArgument(f"draws take a seed in [0, 2**128) and a step index in [0, 2**192), "
                              f"got {seed}, {index}")
    counter = index << 64
    generator = _PHILOX.generator
    generator.bit_generator.state = {
        "bit_generator": "Philox",
        "state": {"counter": np.array([counter >> (64 * k) & _WORD for k in range(4)], dtype=np.uint64),
                  "key": np.array([seed & _WORD, seed >> 64], dtype=np.uint64)},
        "buffer": np.zeros(4, dtype=np.uint64), "buffer_pos": 4, "has_uint32": 0, "uinteger": 0,
    }
    return generator.standard_normal(n)


def ou_step(x: float, mean: float, sd: float, half_life: int, dt: int, z: float) -> float:
    """The exact Ornstein-Uhlenbeck transition over ``dt`` seconds (module docstring)."""
    a = 2.0 ** (-dt / half_life)
    return mean + (x - mean) * a + sd * math.sqrt(1.0 - a * a) * z


def logit(u: float) -> float:
    """``log(u / (1 - u))``, clipped to +-30."""
    if u <= 0.0:
        return -_LOGIT_BOUND
    if u >= 1.0:
        return _LOGIT_BOUND
    return max(-_LOGIT_BOUND, min(_LOGIT_BOUND, math.log(u / (1.0 - u))))


def expit(x: float) -> float:
    """The inverse of :func:`logit`."""
    return 1.0 / (1.0 + math.exp(-x))


def reserve_totals(world: World, asset: Token) -> tuple[int, int]:
    """``(cash, debt)`` of ``asset``'s reserve now (wei): the market's balance, and the scaled
    debt at the current borrow index (Aave's ``totalDebt``)."""
    market = world.market
    cash = world.state.balance_of(asset, market.address)
    debt = ray_mul(market.reserve_state(asset).scaled_debt, market.borrow_index(asset))
    return cash, debt


def utilisation_of(world: World, asset: Token) -> int:
    """The reserve's borrow usage now (RAY): ``debt / (cash + debt)`` half up, as the rate
    strategy computes it; 0 without debt."""
    cash, debt = reserve_totals(world, asset)
    return (debt * RAY + (cash + debt) // 2) // (cash + debt) if debt else 0


def advance(params: FlowParams, record: FlowState, now: int, z: np.ndarray) -> FlowState:
    """The targets moved from ``record.updated_at`` to ``now`` with the draws ``z``; the
    same record when no time passed."""
    dt = now - record.updated_at
    if dt <= 0:
        return record
    x = ou_step(logit(record.utilisation / RAY), logit(params.mean_utilisation), params.utilisation_sd,
                params.utilisation_half_life, dt, float(z[0]))
    y = ou_step(math.log(record.liquidity), math.log(record.mean_liquidity), params.liquidity_sd,
                params.liquidity_half_life, dt, float(z[1]))
    u = min(max(int(expit(x) * RAY), 1), RAY - 1)
    return FlowState(u, int(math.exp(y)), record.mean_liquidity, now, record.minted)


def _pay_in(world: World, account: str, asset: Token, amount: int) -> int:
    """Make ``account`` hold ``amount`` of ``asset``, minting the shortfall; returns wei minted."""
    short = amount - world.state.balance_of(asset, account)
    if short > 0:
        world.fund(asset, account, short)
        return short
    return 0


def _debt_room(world: World, asset: Token, floor_wad: int) -> int:
    """How much more of ``asset`` (wei) the borrower can owe and keep a health factor of
    ``floor_wad``; negative when it is below the floor (then it must repay that much).
    Conservative: floors, and a margin of 2 base units and 2 wei for the rounding of the
    borrow; :func:`move_to` checks the health factor after a borrow anyway."""
    market = world.market
    data = market.account_data(BORROWER)
    allowed = data.total_collateral_base * data.liquidation_threshold // 10_000 * WAD // floor_wad
    price = market.price(asset)
    if price <= 0:
        return -market.debt(BORROWER, asset)
    return (allowed - data.total_debt_base - 2) * 10**asset.decimals // price - 2


def _atomic(world: World, action: Callable[[], int]) -> int | None:
    """Run ``action`` in a snapshot; its result, or None (writing nothing) if the market
    reverts."""
    try:
        with world.state.atomic():
            return action()
    except LstlabError:
        return None


def _paid(world: World, method: Callable[[str, Token, int], object], account: str, asset: Token,
          amount: int) -> int:
    """Mint ``account``'s shortfall of ``amount`` (see :func:`_pay_in`), then
    ``method(account, asset, amount)`` (the market's supply or repay); returns wei minted."""
    minted = _pay_in(world, account, asset, amount)
    method(account, asset, amount)
    return minted


def move_to(world: World, asset: Token, debt_target: int, liquidity_target: int, floor_wad: int) -> Flows:
    """Move the reserve of ``asset`` toward ``debt_target`` and ``liquidity_target`` (wei)
    by the lender's and the borrower's flows, cut as the module docstring says. Never raises
    on a market revert: the flow is skipped (nothing written) and counted as ``revert``."""
    state, market = world.state, world.market
    cash, debt = reserve_totals(world, asset)
    supply, borrow = liquidity_target - (cash + debt), debt_target - debt
    blocked: set[str] = set()
    done_supply = done_borrow = minted = 0

    def run(action: Callable[[], int]) -> int | None:
        result = _atomic(world, action)
        if result is None:
            blocked.add("revert")
        return result

    if supply > 0:
        paid = run(partial(_paid, world, market.supply, LENDER, asset, supply))
        if paid is not None:
            done_supply, minted = supply, minted + paid
    room = _debt_room(world, asset, floor_wad)
    if borrow > room:
        borrow = room
        blocked.add("health")
    if borrow < 0:
        repay = min(-borrow, market.debt(BORROWER, asset))
        if repay < -borrow:
            blocked.add("debt")
        if repay:
            paid = run(partial(_paid, world, market.repay, BORROWER, asset, repay))
            if paid is not None:
                done_borrow, minted = -repay, minted + paid
    if supply < 0:
        withdraw = min(-supply, market.supplied(LENDER, asset))
        if withdraw < -supply:
            blocked.add("supply")
        if withdraw > state.balance_of(asset, market.address):
            withdraw = state.balance_of(asset, market.address)
            blocked.add("cash")
        if withdraw and run(partial(market.withdraw, LENDER, asset, withdraw)) is not None:
            done_supply = -withdraw
    if borrow > 0:
        amount = borrow
        if amount > state.balance_of(asset, market.address):
            amount = state.balance_of(asset, market.address)
            blocked.add("cash")
        if amount:
            done_borrow = _borrow_checked(world, asset, amount, floor_wad, blocked)
    return Flows(done_supply, done_borrow, minted, frozenset(blocked))


def _borrow_checked(world: World, asset: Token, amount: int, floor_wad: int, blocked: set[str]) -> int:
    """Borrow ``amount`` for the borrower unless it reverts (``revert``) or leaves its health
    factor below ``floor_wad`` (``health``; undone); returns wei borrowed."""
    state, market = world.state, world.market
    snap = state.snapshot()
    try:
        market.borrow(BORROWER, asset, amount)
    except LstlabError:
        state.revert(snap)
        blocked.add("revert")
        return 0
    except BaseException:  # not a revert of the world: undo, and let it propagate
        state.revert(snap)
        raise
    if market.health_factor(BORROWER) < floor_wad:
        state.revert(snap)
        blocked.add("health")
        return 0
    state.commit(snap)
    return amount


@attrs.frozen
class BackgroundFlows(Funded):
    """The background lender and borrower of the Ethereum market's WETH reserve (module
    docstring); an :class:`lstlab.agents.base.Agent` named ``background``."""

    seed: int = attrs.field(default=0)
    """Key of the step draws (:func:`draws`); 0 unless a run picks another (any int in
    [0, 2**128))."""
    params: FlowParams = attrs.field(factory=FlowParams)
    """The processes and the floor (:class:`FlowParams`, every default with its reason)."""
    name: str = "background"
    """Prefix of the metrics."""

    @seed.validator
    def _check_seed(self, _attribute: attrs.Attribute, value: int) -> None:
        if type(value) is not int or not 0 <= value < 2**128:
            raise InvalidArgument(f"seed must be an int in [0, 2**128), got {value!r}")

    def fund(self, world: World) -> None:
        """Nothing to fund: the lender and the borrower are accounts of every default world,
        and what they pay beyond their wallets is minted when they pay it."""
        for account in (LENDER, BORROWER):
            world.state.require_address(account)

    def key(self, world: World) -> tuple[str, str]:
        """Where :class:`FlowState` lives in the market's records."""
        return ("background", world.weth.symbol)

    def record(self, world: World) -> FlowState | None:
        """The stored targets (None before the agent first acted in this world)."""
        return world.state.load(world.market.address, self.key(world), None)

    def _start(self, world: World) -> FlowState:
        cash, debt = reserve_totals(world, world.weth)
        liquidity = cash + debt
        if liquidity <= 0:
            raise InvalidArgument("the WETH reserve is empty: supply WETH before running background flows")
        mean = self.params.mean_liquidity_eth
        anchor = liquidity if mean is None else int(mean * 10**world.weth.decimals)
        u = min(max(utilisation_of(world, world.weth), 1), RAY - 1)
        return FlowState(u, liquidity, anchor, world.state.now)

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Advance the targets to now with step ``step.index``'s draws and make the flows."""
        weth, state = world.weth, world.state
        record = self.record(world) or self._start(world)
        record = advance(self.params, record, state.now, draws(self.seed, step.index))
        debt_target = record.liquidity * record.utilisation // RAY
        flows = move_to(world, weth, debt_target, record.liquidity, self.params.floor_wad)
        record = FlowState(record.utilisation, record.liquidity, record.mean_liquidity, record.updated_at,
                           record.minted + flows.minted)
        state.store(world.market.address, self.key(world), record)
        unit = 10**weth.decimals
        out = {
            f"{self.name}_utilisation": utilisation_of(world, weth) / RAY,
            f"{self.name}_target_utilisation": record.utilisation / RAY,
            f"{self.name}_supply_flow_eth": flows.supplied / unit,
            f"{self.name}_borrow_flow_eth": flows.borrowed / unit,
            f"{self.name}_minted_eth": flows.minted / unit,
        }
        for reason in REASONS:
            out[f"{self.name}_blocked_{reason}"] = float(reason in flows.blocked)
        return out


__all__ = [
    "REASONS", "BackgroundFlows", "FlowParams", "FlowState", "Flows", "advance", "draws", "expit", "logit",
    "move_to", "ou_step", "reserve_totals", "utilisation_of",
]
