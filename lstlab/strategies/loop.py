"""The leveraged staking loop: stake WETH, wrap, supply wstETH, borrow WETH, stake again.

Every operation is one atomic transaction on the world's state: it completes or writes
nothing. Amounts are wei; leverage and health targets are floats (strategy parameters),
turned into exact wei amounts once, at the start of each operation.

- :func:`open_flash`: the whole loop in one transaction through a flash loan (mode 0: borrow
  the loan plus its premium to repay it; mode 2: the loan becomes the debt, no premium);
- :func:`open_iterative`: the same target by repeated supply/borrow/stake rounds;
- :func:`unwind`: repay the debt with a flash loan, withdraw, sell wstETH on a pool;
- :func:`deleverage`, :func:`releverage`, :func:`rebalance`: keep the health factor in a band.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import attrs

from chain import WAD, LstlabError, Revert
from lending.presets import ETH_CORRELATED
from lstlab.errors import StrategyError, StrategyFailed
from lstlab.strategies import closed_form
from lstlab.world.build import World

Venue = Literal["curve", "v2"]

MAX_EQUITY_ETH = 120_000_000.0
"""Largest equity a loop takes, in ETH: about all the ETH in existence (120.4M, Etherscan's
supply figure, 2024)."""


def equity_wei(equity_eth: float) -> int:
    """``equity_eth`` ETH in wei (exact for the decimal the user wrote); StrategyError unless it
    is finite, positive and at most MAX_EQUITY_ETH."""
    if not (isinstance(equity_eth, (int, float)) and math.isfinite(equity_eth) and 0 < equity_eth <= MAX_EQUITY_ETH):
        raise StrategyError(f"equity {equity_eth} ETH: give a positive amount up to {MAX_EQUITY_ETH:,.0f} ETH "
                            "(about all the ETH there is)")
    return int(Decimal(repr(float(equity_eth))) * WAD)


@attrs.frozen
class LoopFigures:
    """A loop position as the market sees it (floats for reports; ints are wei)."""

    collateral_wsteth: int
    debt_weth: int
    collateral_eth: float
    debt_eth: float
    equity_eth: float
    leverage: float
    health_factor: float


def figures(world: World, account: str) -> LoopFigures:
    """The position of ``account``: values in ETH through the market's own feeds."""
    m = world.market
    return LoopFigures(m.supplied(account, world.wsteth), m.debt(account, world.weth), *market_values(world, account))


def market_values(world: World, account: str) -> tuple[float, float, float, float, float]:
    """``(collateral, debt, equity, leverage, health factor)`` of ``account`` on the Ethereum
    market, in ETH through the market's own feeds (leverage and HF inf without equity / debt)."""
    m = world.market
    data = m.account_data(account)
    eth_price = m.price(world.weth)
    collateral = data.total_collateral_base / eth_price
    debt = data.total_debt_base / eth_price
    equity = collateral - debt
    hf = math.inf if data.total_debt_base == 0 else data.health_factor / WAD
    leverage = collateral / equity if equity > 0 else math.inf
    return collateral, debt, equity, leverage, hf


def emode_figures(world: World) -> tuple[float, float]:
    """(LTV, LT) of the ETH-correlated category as fractions."""
    m = world.market
    return (m.get_param(f"emode.{ETH_CORRELATED}.ltv") / 1e4,
            m.get_param(f"emode.{ETH_CORRELATED}.liquidation_threshold") / 1e4)


def target_debt(world: World, equity: int, leverage: float | None, health: float | None) -> int:
    """The WETH debt (wei) that gives ``leverage`` (or ``health``) on ``equity`` wei at par."""
    ltv, lt = emode_figures(world)
    if (leverage is None) == (health is None):
        raise StrategyError("give exactly one of leverage or health")
    if leverage is None:
        leverage = closed_form.leverage_for_health(health, lt)
    closed_form.check_leverage(leverage, ltv)
    return int(Decimal(equity) * (Decimal(repr(leverage)) - 1))


def _run(world: World, account: str, what: str, action) -> None:
    try:
        with world.state.tx(account):
            action()
    except Revert as err:
        raise StrategyFailed(f"{what} reverted and wrote nothing: {err}") from err


def _stake_and_supply(world: World, account: str, amount: int) -> int:
    wrapped = world.stake(account, amount)
    world.market.supply(account, world.wsteth, wrapped)
    return wrapped


def open_flash(world: World, account: str, equity: int, *, leverage: float | None = None,
               health: float | None = None, mode: int = 0) -> LoopFigures:
    """Open the loop in one transaction: flash-borrow the target debt of WETH, stake it with
    the equity, wrap, supply, enter eMode, then borrow to repay the loan (mode 0: loan +
    premium) or let the loan become the debt (mode 2).

    Raises StrategyError when a mode-0 target is at or past the leverage its premium leaves
    under the LTV (:func:`closed_form.max_flash_leverage`), before any write."""
    debt = target_debt(world, equity, leverage, health)
    action = flash_opening(world, account, equity, debt, mode, lambda wei: _stake_and_supply(world, account, wei))
    _run(world, account, "opening the loop", action)
    return figures(world, account)


def flash_opening(world: World, account: str, equity: int, debt: int, mode: int,
                  put: Callable[[int], object]) -> Callable[[], None]:
    """The body of a loop's opening transaction: flash-borrow ``debt`` WETH, ``put(equity +
    loan)`` (turn WETH into collateral supplied for ``account``), enter the ETH-correlated
    eMode, then borrow the loan and its premium (mode 0) or let the loan become the debt (mode
    2); without debt, only ``put(equity)`` and eMode. Raises StrategyError before any write
    when a mode-0 target is past the leverage its premium leaves under the LTV."""
    m, weth = world.market, world.weth
    if mode == 0 and debt:
        _check_flash_leverage(world, equity, debt)

    def callback(_state, _asset, amount, premium):
        put(equity + amount)
        m.set_emode(account, ETH_CORRELATED)
        if mode == 0:
            m.borrow(account, weth, amount + premium)

    def action():
        if debt:
            m.flash_loan(account, weth, debt, callback, mode=mode)
        else:
            put(equity)
            m.set_emode(account, ETH_CORRELATED)

    return action


def _check_flash_leverage(world: World, equity: int, debt: int) -> None:
    """StrategyError, in leverage terms, when the flash premium takes ``debt`` past the LTV."""
    ltv, _ = emode_figures(world)
    premium = world.market.get_param("flash_premium_total") / 1e4
    leverage = 1 + debt / equity
    limit = closed_form.max_flash_leverage(ltv, premium)
    if leverage >= limit:
        raise StrategyError(
            f"leverage {leverage:.6g} is under 1/(1-LTV) = {closed_form.max_leverage(ltv):.4f} but a flash-loan "
            f"open (mode 0) also borrows its {premium:.2%} premium, so the debt passes the {ltv:.0%} LTV from "
            f"{limit:.4f}x: choose a lower leverage"
        )


def open_iterative(world: World, account: str, equity: int, *, leverage: float | None = None,
                   health: float | None = None, max_rounds: int = 200) -> LoopFigures:
    """Reach the same target by rounds of borrow-what-LTV-allows, stake, supply."""
    debt = target_debt(world, equity, leverage, health)
    m, weth = world.market, world.weth

    def action():
        m.set_emode(account, ETH_CORRELATED)
        _stake_and_supply(world, account, equity)
        borrowed = 0
        for _ in range(max_rounds):
            if borrowed >= debt:
                return
            room = m.account_data(account).available_borrows_base * 10**weth.decimals // m.price(weth)
            step = min(debt - borrowed, room * 999 // 1000)
            m.borrow(account, weth, step)
            _stake_and_supply(world, account, step)
            borrowed += step
        raise StrategyError(f"the loop did not reach its target in {max_rounds} rounds")

    _run(world, account, "the iterative loop", action)
    return figures(world, account)


def _sell_wsteth(world: World, account: str, amount: int, venue: Venue) -> int:
    if venue == "curve":
        return world.curve.exchange(account, 1, 0, amount, 0)
    state = world.state
    out = world.router.swap_exact_in(account, amount, 0, [world.wsteth, world.weth], account, state.now)
    return out[-1]


def _repay_with_collateral(world: World, account: str, repay: int, venue: Venue, withdraw_all: bool) -> None:
    """Flash-borrow ``repay`` WETH, repay that much debt, withdraw enough wstETH, sell it for
    the loan and its premium; leftover WETH stays with the account."""
    m, weth, wst = world.market, world.weth, world.wsteth

    def callback(_state, _asset, amount, premium):
        m.repay(account, weth, amount)
        if withdraw_all:
            sold = m.withdraw(account, wst)
        else:
            owed = amount + premium
            sold = _wsteth_for(world, owed, venue)
            m.withdraw(account, wst, sold)
        _sell_wsteth(world, account, sold, venue)

    m.flash_loan(account, weth, repay, callback, mode=0)


def _wsteth_for(world: World, weth_out: int, venue: Venue) -> int:
    """wstETH that sells for at least ``weth_out`` on the venue (bisection on the quote)."""
    quote = (lambda dx: world.curve.get_dy(1, 0, dx)) if venue == "curve" else \
        (lambda dx: world.router.get_amounts_out(dx, [world.wsteth, world.weth])[-1])
    low, high = 0, max(1, weth_out)
    while quote(high) < weth_out:
        high *= 2
    while low + 1 < high:
        mid = (low + high) // 2
        if quote(mid) >= weth_out:
            high = mid
        else:
            low = mid
    return high


def unwind(world: World, account: str, *, venue: Venue = "curve") -> int:
    """Close the loop: repay all debt by flash loan, withdraw all wstETH, sell it; returns the
    WETH the account gained."""
    before = world.state.balance_of(world.weth, account)

    def action():
        debt = world.market.debt(account, world.weth)
        if debt:
            _repay_with_collateral(world, account, debt, venue, withdraw_all=True)
        elif world.market.supplied(account, world.wsteth):
            _sell_wsteth(world, account, world.market.withdraw(account, world.wsteth), venue)

    _run(world, account, "unwinding the loop", action)
    return world.state.balance_of(world.weth, account) - before


def deleverage(world: World, account: str, repay: int, *, venue: Venue = "curve") -> LoopFigures:
    """Repay ``repay`` wei of debt with collateral sold on ``venue`` (one transaction)."""
    _run(world, account, "deleveraging", lambda: _repay_with_collateral(world, account, repay, venue, False))
    return figures(world, account)


def releverage(world: World, account: str, extra_debt: int) -> LoopFigures:
    """Borrow ``extra_debt`` more WETH by flash loan, stake and supply it (one transaction)."""
    m, weth = world.market, world.weth

    def callback(_state, _asset, amount, premium):
        _stake_and_supply(world, account, amount)
        m.borrow(account, weth, amount + premium)

    _run(world, account, "releveraging", lambda: m.flash_loan(account, weth, extra_debt, callback, mode=0))
    return figures(world, account)


@attrs.frozen
class Band:
    """Keep the health factor within [low, high]; when outside, move it to ``target``."""

    low: float = 1.02
    high: float = 1.15
    target: float = 1.06

    def __attrs_post_init__(self) -> None:
        if not 1.0 < self.low <= self.target <= self.high:
            raise StrategyError(f"a band needs 1 < low <= target <= high, got {self}")


def rebalance(world: World, account: str, band: Band, *, venue: Venue = "curve") -> str:
    """Bring the health factor back to ``band.target`` when it left the band; returns what
    was done (``hold``, ``deleverage``, ``releverage``, or ``failed`` when the transaction
    reverted and wrote nothing)."""
    f = figures(world, account)
    if f.debt_eth == 0 or band.low <= f.health_factor <= band.high:
        return "hold"
    lt_eff = f.health_factor * f.debt_eth / f.collateral_eth  # the position's own average LT
    # Solve (C +- x) * LT / (D +- x) = target for the WETH amount x moved on both sides.
    x_eth = abs(band.target * f.debt_eth - f.collateral_eth * lt_eff) / (band.target - lt_eff)
    amount = int(x_eth * 10**world.weth.decimals)
    if amount <= 0:
        return "hold"
    try:
        if f.health_factor < band.low:
            deleverage(world, account, min(amount, f.debt_weth), venue=venue)
            return "deleverage"
        releverage(world, account, amount)
        return "releverage"
    except LstlabError:
        return "failed"
