"""What a backtest records each step: the user's position apart from the system, oracle
valuation apart from market valuation, the health factor before agents act apart from after.

Every column is named for whose figure it is and how it is valued (see
:data:`lstlab.report.summary.METRICS` for the full list with units):

- ``equity_eth_oracle``: the user's collateral minus debt through the lending market's own feeds;
- ``equity_eth_market``: the same position with the wstETH collateral valued at the data's
  stETH/ETH ratio times the protocol rate (what selling it at the market would fetch, before
  price impact);
- ``hf_pre``: the user's health factor after the step's prices are set and before any agent
  acts (a liquidator sees this one); ``hf_post``: after every agent acted and the strategy
  rebalanced;
- ``loop_*``: liquidations of the user's own position (from the markets' ``LiquidationCall``
  events), ``loop_liquidation_loss_eth`` the equity they cost (collateral taken, protocol fee
  included, less debt repaid, at the market's prices);
- ``system_*``, ``bad_debt_*``: every liquidation of every market, and bad debt over every
  reserve of every market;
- ``price_{pool}`` and ``tracking_bps_{pool}``: each pool's mid price and its signed distance
  from the data's reference, after the agents acted.
"""

from __future__ import annotations

import math

from chain import RAY, WAD
from lending.events import LiquidationCall
from lstlab.agents.base import Step
from lstlab.strategies import figures
from lstlab.world import book
from lstlab.world.build import World
from lstlab.world.venues import PoolInfo, mid_price, protocol_rate, reference_price, tracking_bps


def health_factor(world: World, account: str) -> float:
    """The account's health factor on the Ethereum market (inf without debt)."""
    data = world.market.account_data(account)
    return math.inf if data.total_debt_base == 0 else data.health_factor / WAD


def liquidations_of(world: World, account: str | None = None) -> list[LiquidationCall]:
    """This step's ``LiquidationCall`` events (the backtest drains the log every step), of
    ``account`` only when given."""
    return [e for e in world.state.events if isinstance(e, LiquidationCall) and (account is None or e.user == account)]


def loop_liquidation_figures(world: World, events: list[LiquidationCall]) -> dict[str, float]:
    """Debt repaid (ETH), collateral taken (wstETH, protocol fee included) and equity lost
    (ETH: collateral taken valued at the market's prices minus debt repaid) over ``events``."""
    repaid = taken_wst = lost = 0
    for e in events:
        market = world.state.contract(e.market)
        taken = e.collateral_seized + e.protocol_fee
        repaid_eth = book.eth_value(market, e.debt, e.debt_covered)
        repaid += repaid_eth
        taken_wst += taken if e.collateral == world.wsteth else 0
        lost += book.eth_value(market, e.collateral, taken) - repaid_eth
    return {"loop_debt_repaid_eth": repaid / WAD, "loop_collateral_seized_wsteth": taken_wst / WAD,
            "loop_liquidation_loss_eth": lost / WAD}


def pool_columns(world: World, step: Step, pools: tuple[PoolInfo, ...]) -> dict[str, float]:
    """Each pool's mid price (stETH/ETH for wstETH pools, USD per ETH for the USDC pool) and
    its tracking error against the step's data in bps."""
    rate = protocol_rate(world)
    row = {}
    for pool in pools:
        mid = mid_price(world, pool)
        ref = reference_price(world, pool, step.eth_usd, step.steth_eth, rate)
        row[f"price_{pool.key}"] = mid / rate if pool.base.symbol == "wstETH" else mid / WAD
        row[f"tracking_bps_{pool.key}"] = tracking_bps(mid, ref)
    return row


def position_columns(world: World, step: Step, account: str,
                     st_per_token: int | None = None) -> dict[str, float]:
    """The user's loop: collateral, debt, equity at the oracle and at the market, leverage, HF
    (``st_per_token``: the issuer's rate, wad, when the caller has read it in this state)."""
    f = figures(world, account)
    rate = (world.issuer.st_per_token() if st_per_token is None else st_per_token) / WAD
    market_collateral = f.collateral_wsteth / WAD * rate * step.steth_eth
    equity_market = market_collateral - f.debt_eth
    return {
        "collateral_wsteth": f.collateral_wsteth / WAD, "debt_weth": f.debt_weth / WAD,
        "collateral_eth_oracle": f.collateral_eth, "collateral_eth_market": market_collateral,
        "debt_eth": f.debt_eth, "equity_eth_oracle": f.equity_eth, "equity_eth_market": equity_market,
        "leverage_oracle": f.leverage, "hf_post": f.health_factor,
    }


def system_columns(world: World, events: list[LiquidationCall] | None = None) -> dict[str, float]:
    """Every market's liquidations this step (``events``: :func:`liquidations_of` when the
    caller has them), bad debt over every reserve, bridge backing, the WETH rates and
    utilisation of the Ethereum market, the L2's relayed rate."""
    if events is None:
        events = liquidations_of(world)
    m = world.market
    reserve = m.reserve_state(world.weth)
    borrowed = reserve.scaled_debt * m.borrow_index(world.weth) // RAY
    available = world.state.balance_of(world.weth, m.address)
    bad = book.bad_debt_book(world)
    return {
        "system_liquidations": float(len(events)),
        "system_debt_repaid_eth": sum(book.eth_value(world.state.contract(e.market), e.debt, e.debt_covered)
                                      for e in events) / WAD,
        "bad_debt_eth": bad.eth / WAD, "bad_debt_usd": bad.usd,
        "borrow_apr": reserve.variable_borrow_rate / RAY, "supply_apr": reserve.liquidity_rate / RAY,
        "utilisation": borrowed / (available + borrowed) if borrowed else 0.0,
        "backing_ratio": float(world.bridge.backing().ratio),
        "l2_lst_rate": world.feed("l2:wsteth-steth").latest().rescaled(18) / WAD,
    }


def step_row(world: World, step: Step, account: str, hf_pre: float, pools: tuple[PoolInfo, ...],
             contributed: dict[str, float]) -> dict[str, float]:
    """The whole row of one step (see the module docstring); agents' figures last."""
    events = liquidations_of(world)
    own = [e for e in events if e.user == account]
    rate = world.issuer.st_per_token()
    row = {"eth_usd": step.eth_usd, "steth_eth": step.steth_eth, "staking_apr": step.staking_apr,
           "lst_rate": rate / WAD}
    row.update(position_columns(world, step, account, rate))
    row["hf_pre"] = hf_pre
    row["loop_liquidated"] = float(len(own))
    row.update(loop_liquidation_figures(world, own))
    row.update(system_columns(world, events))
    row.update(pool_columns(world, step, pools))
    row.update(contributed)
    return row


__all__ = ["health_factor", "liquidations_of", "loop_liquidation_figures", "pool_columns", "position_columns",
           "step_row", "system_columns"]
