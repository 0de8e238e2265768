"""The leveraged restaking loop: restake WETH for the LRT (weETH), supply it, borrow WETH in the
ETH-correlated efficiency mode, restake again, all in one transaction through a flash loan.

The LRT counterpart of :mod:`lstlab.strategies.loop` on a world with an LRT
(:func:`lstlab.world.lrt.deploy_lrt`). Amounts are wei; leverage and health targets are floats
(strategy parameters) turned into exact wei once, at the start of each operation. Its closed
forms are the staking loop's (:mod:`lstlab.strategies.closed_form`): the position's health
factor is ``L x LT x ratio / (L - 1)`` and it is liquidatable below the price ratio
``(L - 1) / (L x LT)``, where ``ratio`` is the LRT's price in the market's oracle relative to
the one at which the loop was opened.
"""

from __future__ import annotations

import attrs

from chain import Revert
from lstlab.errors import StrategyFailed
from lstlab.strategies import closed_form
from lstlab.strategies.loop import flash_opening, market_values, target_debt
from lstlab.world.lrt import LrtWorld
from lstlab.world.venues import BASE_I, QUOTE_I


@attrs.frozen
class LrtLoopFigures:
    """An LRT loop as the market sees it (floats for reports; ints are wei)."""

    collateral_lrt: int
    debt_weth: int
    collateral_eth: float
    debt_eth: float
    equity_eth: float
    leverage: float
    health_factor: float

    def liquidation_ratio(self, lt: float) -> float:
        """The closed-form price ratio (LRT oracle price relative to now) at which HF reaches 1."""
        return closed_form.liquidation_ratio(self.leverage, lt)


def lrt_figures(lw: LrtWorld, account: str) -> LrtLoopFigures:
    """The LRT loop of ``account``: values in ETH through the market's own feeds."""
    world = lw.world
    m = world.market
    return LrtLoopFigures(m.supplied(account, lw.token), m.debt(account, world.weth), *market_values(world, account))


def _run(lw: LrtWorld, account: str, what: str, action) -> None:
    try:
        with lw.world.state.tx(account):
            action()
    except Revert as err:
        raise StrategyFailed(f"{what} reverted and wrote nothing: {err}") from err


def _restake_and_supply(lw: LrtWorld, account: str, amount: int) -> int:
    minted = lw.issuer.deposit(account, lw.world.weth, amount)
    lw.world.market.supply(account, lw.token, minted)
    return minted


def open_lrt_loop(lw: LrtWorld, account: str, equity: int, *, leverage: float | None = None,
                  health: float | None = None, mode: int = 0) -> LrtLoopFigures:
    """Open the loop in one transaction: flash-borrow the target debt of WETH, restake it with
    the ``equity`` wei for the LRT, supply it, enter the ETH-correlated eMode, then borrow the
    loan and its premium (mode 0) or let the loan become the debt (mode 2). The target debt is
    ``equity x (leverage - 1)`` at par (:func:`lstlab.strategies.loop.target_debt`: the eMode's
    LTV and LT are the market's, the same category holds the LRT).

    Raises StrategyError for an unreachable target (before any write), StrategyFailed when the
    transaction reverts (nothing written)."""
    world = lw.world
    debt = target_debt(world, equity, leverage, health)
    action = flash_opening(world, account, equity, debt, mode, lambda wei: _restake_and_supply(lw, account, wei))
    _run(lw, account, "opening the LRT loop", action)
    return lrt_figures(lw, account)


def unwind_lrt_loop(lw: LrtWorld, account: str) -> int:
    """Close the loop in one transaction: flash-borrow the debt, repay it, withdraw all the
    LRT, sell it on the LRT/WETH pool for the loan and its premium; returns the WETH the
    account gained. Raises StrategyFailed when the transaction reverts (nothing written)."""
    world = lw.world
    m, weth, token = world.market, world.weth, lw.token
    before = world.state.balance_of(weth, account)

    def callback(_state, _asset, amount, premium):
        m.repay(account, weth, amount)
        lw.pool.exchange(account, BASE_I, QUOTE_I, m.withdraw(account, token), amount + premium)

    def action():
        debt = m.debt(account, weth)
        if debt:
            m.flash_loan(account, weth, debt, callback, mode=0)
        elif m.supplied(account, token):
            lw.pool.exchange(account, BASE_I, QUOTE_I, m.withdraw(account, token), 0)

    _run(lw, account, "unwinding the LRT loop", action)
    return world.state.balance_of(weth, account) - before


__all__ = ["LrtLoopFigures", "lrt_figures", "open_lrt_loop", "unwind_lrt_loop"]
