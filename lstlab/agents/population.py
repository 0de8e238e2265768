"""Seeded populations: leveraged loop positions, passive stakers and L2 borrowers.

Draws come from ``numpy.random.default_rng(seed)``: the same world, ``n`` and seed give the
same accounts, amounts and positions, to the wei. Leverages are rounded to 1e-4 and amounts
to 0.001 token before they become wei, so nothing depends on float printing.
"""

from __future__ import annotations

import numpy as np

from chain import WAD
from lending.presets import ETH_CORRELATED
from lstlab import strategies
from lstlab.world.build import World

MILLI = WAD // 1000


def _draws(seed: int, n: int, low: float, high: float, decimals: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return [round(float(v), decimals) for v in rng.uniform(low, high, n)]


def _wei(amounts: list[float]) -> list[int]:
    return [max(1, round(a * 1000)) * MILLI for a in amounts]


def loop_population(world: World, n: int, seed: int, *, leverage: tuple[float, float] = (2.0, 10.0),
                    equity: tuple[float, float] = (1.0, 100.0), prefix: str = "loop",
                    mode: int = 2) -> list[str]:
    """Open ``n`` leveraged loops with :func:`lstlab.strategies.open_flash` (flash-loan mode
    ``mode``): leverage uniform in ``leverage``, equity uniform in ``equity`` (whole WETH,
    minted to the account). Accounts are ``{prefix}-{k:05d}``; returns them in order.
    Raises StrategyError (a leverage above the market's maximum) or StrategyFailed."""
    accounts = [f"{prefix}-{k:05d}" for k in range(n)]
    leverages = _draws(seed, n, *leverage, 4)
    equities = _wei(_draws(seed + 1, n, *equity, 3))
    for account, lev, eq in zip(accounts, leverages, equities):
        world.fund(world.weth, account, eq)
        strategies.open_flash(world, account, eq, leverage=lev, mode=mode)
    return accounts


def stakers(world: World, n: int, seed: int, *, amount: tuple[float, float] = (0.1, 50.0),
            prefix: str = "staker") -> list[str]:
    """``n`` passive holders: each stakes an amount uniform in ``amount`` (whole WETH) and
    holds the wstETH. Accounts are ``{prefix}-{k:05d}``; returns them in order."""
    accounts = [f"{prefix}-{k:05d}" for k in range(n)]
    for account, wei in zip(accounts, _wei(_draws(seed, n, *amount, 3))):
        world.fund(world.weth, account, wei)
        world.stake(account, wei)
    return accounts


def l2_borrowers(world: World, n: int, seed: int, *, health: tuple[float, float] = (1.05, 1.5),
                 collateral: tuple[float, float] = (1.0, 50.0), prefix: str = "l2-borrower") -> list[str]:
    """``n`` positions on the L2 market: stake WETH on Ethereum, bridge the wstETH (the clock
    advances by the bridge's deposit latency, once for all), supply it on the L2, enter the
    ETH-correlated eMode and borrow L2 WETH to a health factor uniform in ``health``.
    Accounts are ``{prefix}-{k:05d}``; returns them in order."""
    accounts = [f"{prefix}-{k:05d}" for k in range(n)]
    amounts = _wei(_draws(seed, n, *collateral, 3))
    targets = _draws(seed + 1, n, *health, 4)
    for account, wei in zip(accounts, amounts):
        world.fund(world.weth, account, wei)
        world.bridge.deposit(account, world.stake(account, wei))
    world.state.advance(world.params.bridge.deposit_latency)
    world.bridge.relay()
    m = world.l2_market
    for account, target in zip(accounts, targets):
        m.supply(account, world.l2_wsteth, world.state.balance_of(world.l2_wsteth, account))
        m.set_emode(account, ETH_CORRELATED)
        data = m.account_data(account)
        debt_base = data.total_collateral_base * data.liquidation_threshold // 10_000
        m.borrow(account, world.l2_weth, int(debt_base / target) * WAD // m.price(world.l2_weth))
    return accounts
