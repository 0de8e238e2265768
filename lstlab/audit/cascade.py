"""Liquidation cascades: a shock (:mod:`lstlab.audit.shocks`) on a fork, then rounds of the
whole-book liquidator and the arbitrageur until nothing more is liquidated.

Round 0 is the shock with its alignment of the venues. Each later round:

1. the liquidator (:class:`lstlab.agents.Liquidator`) sweeps every market (Ethereum and the
   L2; every debt asset, USDC included), selling seized collateral by best execution over the
   pools of its network;
2. the reference is re-read: the Ethereum StableSwap pool's mid after the round's sales
   (:data:`lstlab.audit.shocks.REFERENCE_POOL`). Best execution has already levelled the
   marginal prices of the Ethereum pools the sales went through, and that pool is the one
   deep enough to set the stETH/ETH price (module docstring of :mod:`lstlab.audit.shocks`);
   the L2 pool's impact is carried off by the arbitrageur's exchange leg at that reference;
3. the arbitrageur brings every other pool to it (:func:`lstlab.audit.shocks.align`, the
   WETH/USDC pair back to the ETH/USD feed), and the stETH/ETH market feed follows the
   reference (:func:`lstlab.audit.shocks.feed_from_pool`).

It stops at the first round without a liquidation (a fixed point) or after ``max_rounds``.
Rounds take no time: the clock does not move, so the bridge relays nothing and the
exchange's L2 inventory is what it holds. The world given is never written: all of it runs
on one fork, returned in :attr:`Cascade.world`.

Each round's row (:attr:`Cascade.rounds`) has: totals; per market ``{market}_liquidations``,
``_debt_repaid_eth``, ``_collateral_seized_eth`` (at the market's prices) and
``_collateral_seized_wsteth``; per pool ``{pool}_sold_eth`` (the WETH side of the
liquidator's trades), ``{pool}_sold_wsteth`` (wstETH pools: what they received) and the mid
after the sales and after the arbitrage (``_price_sales_`` / ``_price_arb_`` + unit:
``steth_eth``, the mid over the Ethereum protocol rate, or ``usd`` per ETH); the reference and
the feed; the arbitrageur's trades, ETH volume and blocked reasons; the candidates left by
reason; the system's bad debt in ETH and USD (:func:`lstlab.world.book.bad_debt_book`).
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pandas as pd

import chain
from chain import WAD
from lstlab.agents.arbitrageur import Arbitrageur, Trades, protocol_rate
from lstlab.agents.liquidator import REASONS, Liquidator, Sweep
from lstlab.audit.sale import Rule, Sale, SaleCascade, sale_cascade
from lstlab.audit.shocks import REFERENCE_POOL, SHOCK_NODES, Shock, align, feed_from_pool, follow, move
from lstlab.errors import StrategyError
from lstlab.records.rounds import RoundRecorder
from lstlab.world.book import bad_debt_book
from lstlab.world.build import World
from lstlab.world.venues import PoolInfo, mid_price

LST = "wstETH"
"""The collateral whose seizure and sale the rows count in its own units."""
MARKET_FIGURES = ("liquidations", "debt_repaid_eth", "collateral_seized_eth", "collateral_seized_wsteth")
"""Per-market figures of a row (``{market}_{figure}``)."""


@attrs.frozen
class Round:
    """One round, exact: the sweep (empty in round 0), the arbitrageur's alignment, each pool's
    mid (wad, quote per base) after the sales and after the alignment, the Ethereum protocol
    rate, the stETH/ETH market feed (wad) and the system's bad debt (ETH wei; USD, float)."""

    number: int
    sweep: Sweep
    arbitrage: Trades
    mids_after_sales: tuple[tuple[str, int], ...]
    mids_after_arbitrage: tuple[tuple[str, int], ...]
    rate: int
    feed: int
    bad_debt_eth: int
    bad_debt_usd: float


def _mids(world: World) -> tuple[tuple[str, int], ...]:
    return tuple((p.key, mid_price(world, p)) for p in world.pools())


def _price(pool: PoolInfo, mid: int, rate: int) -> tuple[str, float]:
    """(unit, value) of a pool's mid in the rows: a wstETH pool's as stETH/ETH (mid over the
    Ethereum protocol rate, floored to a wad as the feed is set), a USDC pool's as USD per
    base (USDC taken at 1 USD), any other's as quote per base."""
    if pool.base.symbol == LST:
        return "steth_eth", (mid * WAD // rate) / WAD
    return ("usd" if pool.quote.symbol == "USDC" else pool.quote.symbol.lower()), mid / WAD


def _close(world: World, number: int, sweep: Sweep, mids: tuple[tuple[str, int], ...], arb: Trades) -> Round:
    book = bad_debt_book(world)
    return Round(number, sweep, arb, mids, _mids(world), protocol_rate(world),
                 world.feed("steth-eth-market").latest().answer, book.eth, book.usd)


def _market_figures(market: str, sweep: Sweep) -> dict[str, float]:
    done = [x for x in sweep.liquidations if x.market == market]
    return {  # in the order of MARKET_FIGURES
        f"{market}_liquidations": len(done),
        f"{market}_debt_repaid_eth": sum(x.debt_repaid_eth for x in done) / WAD,
        f"{market}_collateral_seized_eth": sum(x.collateral_seized_eth for x in done) / WAD,
        f"{market}_collateral_seized_wsteth": sum(x.collateral_seized for x in done
                                                  if x.collateral_asset.symbol == LST) / WAD,
    }


def sold(sweep: Sweep) -> tuple[dict[str, int], dict[str, int]]:
    """``(eth, wsteth)`` wei each pool took from the sweep's sales, by pool key: the WETH side
    of its trades, and the wstETH it received."""
    eth: dict[str, int] = {}
    lst: dict[str, int] = {}
    for x in sweep.liquidations:
        for key, wei in x.sold_eth:
            eth[key] = eth.get(key, 0) + wei
        for leg in () if x.plan is None else x.plan.legs:
            if leg.token_in.symbol == LST:
                lst[leg.pool] = lst.get(leg.pool, 0) + leg.amount_in
    return eth, lst


def _pool_figures(pools: tuple[PoolInfo, ...], r: Round) -> dict[str, float]:
    eth, lst = sold(r.sweep)
    after_sales, after_arb = dict(r.mids_after_sales), dict(r.mids_after_arbitrage)
    row: dict[str, float] = {}
    for p in pools:
        row[f"{p.key}_sold_eth"] = eth.get(p.key, 0) / WAD
        if p.base.symbol == LST:
            row[f"{p.key}_sold_wsteth"] = lst.get(p.key, 0) / WAD
        unit, value = _price(p, after_sales[p.key], r.rate)
        row[f"{p.key}_price_sales_{unit}"] = value
        row[f"{p.key}_price_arb_{unit}"] = _price(p, after_arb[p.key], r.rate)[1]
    return row


def row(r: Round, markets: tuple[str, ...], pools: tuple[PoolInfo, ...]) -> dict[str, object]:
    """The round's row (module docstring), floats in the units their names say."""
    s = r.sweep
    out: dict[str, object] = {
        "round": r.number, "liquidations": s.count, "debt_repaid_eth": s.total("debt_repaid_eth") / WAD,
        "collateral_seized_eth": s.total("collateral_seized_eth") / WAD,
        "liquidator_profit_eth": s.total("profit") / WAD,
    }
    for market in markets:
        out |= _market_figures(market, s)
    out |= _pool_figures(pools, r)
    out |= {
        "reference_steth_eth": dict(r.mids_after_arbitrage)[REFERENCE_POOL] * WAD // r.rate / WAD,
        "feed_steth_eth": r.feed / WAD,
        "arb_trades": r.arbitrage.trades, "arb_volume_eth": r.arbitrage.volume / WAD,
        "arb_blocked": ",".join(r.arbitrage.blocked),
    }
    out |= {f"liquidator_blocked_{reason}": s.blocked_by(reason) for reason in REASONS}
    out |= {"bad_debt_eth": r.bad_debt_eth / WAD, "bad_debt_usd": r.bad_debt_usd}
    return out


@attrs.frozen
class Cascade:
    """A cascade: the exact rounds, their table (one row per round, module docstring), the
    world after it (a fork), the markets and pools of the rows, who was liquidated (in
    order, any market) and the dependency path from the shocked node to each liquidated
    account that it reached when the shock hit (before liquidations closed positions)."""

    records: tuple[Round, ...]
    rounds: pd.DataFrame
    world: World
    markets: tuple[str, ...]
    pools: tuple[str, ...]
    liquidated: tuple[str, ...]
    paths: dict[str, list[str]]

    def by_market(self) -> pd.DataFrame:
        """The rows' per-market figures, one row per (round, market)."""
        out = []
        for rec in self.rounds.to_dict(orient="records"):
            for m in self.markets:
                figures = {k: rec[f"{m}_{k}"] for k in MARKET_FIGURES}
                out.append({"round": rec["round"], "market": m, **figures})
        return pd.DataFrame(out)

    def by_pool(self) -> pd.DataFrame:
        """The rows' per-pool figures, one row per (round, pool); ``unit`` names the prices'."""
        out = []
        for rec in self.rounds.to_dict(orient="records"):
            for p in self.pools:
                prefix = f"{p}_price_sales_"
                unit = next(k for k in rec if k.startswith(prefix)).removeprefix(prefix)
                out.append({"round": rec["round"], "pool": p, "sold_eth": rec[f"{p}_sold_eth"],
                            "sold_wsteth": rec.get(f"{p}_sold_wsteth", 0.0),
                            "price_after_sales": rec[f"{p}_price_sales_{unit}"],
                            "price_after_arb": rec[f"{p}_price_arb_{unit}"], "price_unit": unit})
        return pd.DataFrame(out)

    def _repr_html_(self) -> str:
        """The cascade as tables in a notebook (:func:`lstlab.report.notebook.cascade_html`)."""
        from lstlab.report.notebook import cascade_html

        return cascade_html(self)


def cascade(world: World, shock: Shock | None = None, size: float | None = None, *, sale: Sale | None = None,
            rule: Rule = "profitable", venue: str = "curve", oracle: str | None = None,
            liquidator: Liquidator | None = None, arbitrageur: Arbitrageur | None = None,
            max_rounds: int = 20, records: str | Path | None = None) -> Cascade | SaleCascade:
    """Shock a fork of ``world`` and run rounds to a fixed point (module docstring), or, with
    ``sale``, the cascade of that sale (:func:`lstlab.audit.sale.sale_cascade`, with ``rule``,
    ``venue`` and ``oracle``; a :class:`SaleCascade`). ``liquidator`` defaults to
    ``Liquidator()`` (every market, default gas); ``arbitrageur`` to ``Arbitrageur()`` (the CEX
    arbitrageur, every pool); ``max_rounds`` 20 only bounds a cascade that does not settle (a
    few rounds settle every world tried). Raises StrategyError for an unknown shock, a size
    outside (0, 1), a shock together with a sale, or a shock with a rule other than
    ``profitable`` (a shock cascade runs the profit-seeking liquidator); writes nothing to
    ``world``. With ``records``, the cascade's events and the holdings after each round are
    kept there, round k as step k (:mod:`lstlab.records.rounds`)."""
    if sale is not None:
        if shock is not None or size is not None:
            raise StrategyError("give a shock and its size, or a sale, not both")
        return sale_cascade(world, sale, rule=rule, venue=venue, oracle=oracle, max_rounds=max_rounds,
                            liquidator=liquidator, records=records)
    if shock is None or size is None:
        raise StrategyError("give a shock and its size (e.g. 'steth-depeg', 0.05), or sale=Sale(pool, wei)")
    if rule != "profitable":
        raise StrategyError(f"rule {rule!r} runs only from a sale: a shock cascade uses the profitable liquidator")
    if oracle is not None:
        world = world.fork()
        world.set_oracle(oracle)
    liquidator = liquidator or Liquidator()
    arb = arbitrageur or Arbitrageur()
    fork = world.fork()
    recorder = RoundRecorder(records)
    recorder.begin(fork)
    pools = fork.pools()
    markets = tuple(fork.markets())
    move(fork, shock, size)
    shocked = _mids(fork)
    done = follow(fork, shock, arb)
    rounds = [_close(fork, 0, Sweep(), shocked, done)]
    recorder.round(fork, 0)
    exposed = chain.exposed_to(fork.state, SHOCK_NODES[shock])  # before liquidations close positions
    liquidated: list[str] = []
    for k in range(1, max_rounds + 1):
        sweep = liquidator.sweep(fork)
        if sweep.count == 0:
            break
        liquidated.extend(x.user for x in sweep.liquidations if x.user not in liquidated)
        mids = _mids(fork)
        done = align(fork, arb)
        feed_from_pool(fork)
        rounds.append(_close(fork, k, sweep, mids, done))
        recorder.round(fork, k)
    recorder.close()
    table = pd.DataFrame([row(r, markets, pools) for r in rounds])
    paths = {user: exposed[user] for user in liquidated if user in exposed}
    keys = tuple(p.key for p in pools)
    return Cascade(tuple(rounds), table, fork, markets, keys, tuple(liquidated), paths)


__all__ = ["LST", "MARKET_FIGURES", "Cascade", "Round", "cascade", "row", "sold"]
