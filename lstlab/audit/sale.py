"""Cascades started by a sale: sell an amount into a pool, then rounds of liquidations whose
seized collateral is sold into a venue, until a round liquidates nothing or ``max_rounds``.

Round 0 is the sale: :data:`SELLER` (funded by staking minted WETH: new wstETH, money from
outside the world) sells ``Sale.amount`` of the pool's base token into the pool. After every
round the oracle is updated (:func:`update_oracle`): the stETH/ETH market feed is set to the
venue's mid over the protocol rate, then every aggregator, EMA and TWAP the world has is
poked (``lstlab.world.oracles.poke_all``). There is no arbitrageur: nothing outside the sales
moves the pools (the setting of the Lido risk team's liquidation model).

Rules of each later round:

- ``"every-eligible"``: every position whose exact health factor is below 1 at the round's
  start and that still holds collateral to seize (one without is bad debt, not a
  liquidation), in every market, is liquidated once at the market's close factor by :data:`KEEPER`
  (its largest debt against its LST collateral when it holds one: the pair of
  :func:`lstlab.audit.seizable.seize_one`). The keeper is funded by minting it exactly the
  debt it covers (outside capital: counted in ``keeper_funded_eth``), takes the collateral as
  the underlying and sells LST collateral into the venue at whatever price the pool gives
  (stETH wrapped first); other collateral is kept (``collateral_kept_eth``). A liquidation the
  market refuses (e.g. v3.3's dust rule) is counted in ``refused`` and undone.
- ``"profitable"``: the whole-book :class:`lstlab.agents.Liquidator` sweeps every market,
  liquidating only what pays after gas, selling by best execution over every pool.

A row per round: ``price_before_steth_eth`` / ``price_after_steth_eth`` (the venue's mid over
the protocol rate), ``eligible``, ``liquidations``, ``positions``, ``debt_repaid_eth`` (at each
market's prices), ``collateral_seized_wsteth`` (LST seized, in wstETH), ``collateral_sold_wsteth``
(what the venue received), ``proceeds_eth``, ``keeper_funded_eth``, ``refused``, per market
``{market}_liquidations`` and ``{market}_debt_repaid_eth``, and the system's ``bad_debt_eth``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import attrs
import pandas as pd

import lending
from chain import WAD, InvalidArgument, LstlabError, Token
from lstlab.agents import execution
from lstlab.agents.arbitrageur import protocol_rate
from lstlab.agents.liquidator import Liquidator, cover_amount
from lstlab.audit.seizable import LST_SYMBOLS, seize_one
from lstlab.records.rounds import RoundRecorder
from lstlab.world import book
from lstlab.world.build import World
from lstlab.world.venues import PoolInfo, mid_price

Rule = Literal["profitable", "every-eligible"]
RULES: tuple[Rule, ...] = ("profitable", "every-eligible")
SELLER, KEEPER = "probe:seller", "probe:keeper"
"""The account that makes the initial sale; the account that liquidates every eligible position."""


@attrs.frozen
class Sale:
    """Sell ``amount`` wei of pool ``pool``'s base token (wstETH for the wstETH pools) into it."""

    pool: str
    amount: int

    @classmethod
    def of_steth(cls, world: World, pool: str, steth_wei: int) -> Sale:
        """A sale of the wstETH worth ``steth_wei`` stETH at the protocol rate (floor)."""
        return cls(pool, world.issuer.get_shares_by_pooled(steth_wei))


@attrs.frozen
class Taken:
    """One liquidation of a round (wei of its assets; ``sold``: LST the venue received, in
    wstETH; ``proceeds``: the venue's quote token returned)."""

    market: str
    user: str
    debt_asset: Token
    collateral_asset: Token
    debt: int
    collateral: int
    sold: int
    proceeds: int
    funded: int = 0
    """Debt asset minted to the keeper for this liquidation (0 for the profitable liquidator)."""


@attrs.frozen
class SaleCascade:
    """The rounds' table (module docstring), the world after the cascade (a fork), who was
    liquidated (any market, in order), every liquidation by round, and the keeper's funding
    (wei per debt asset)."""

    rounds: pd.DataFrame
    world: World
    liquidated: tuple[str, ...]
    taken: tuple[tuple[Taken, ...], ...]
    funded: tuple[tuple[Token, int], ...]

    def _repr_html_(self) -> str:
        """The cascade as tables in a notebook (:func:`lstlab.report.notebook.sale_html`)."""
        from lstlab.report.notebook import sale_html

        return sale_html(self)


def venue_of(world: World, key: str) -> PoolInfo:
    """The pool ``key`` of the world; raises InvalidArgument when absent or not a wstETH pool."""
    pools = {p.key: p for p in world.pools()}
    if key not in pools or pools[key].base != world.wsteth:
        wst = [k for k, p in pools.items() if p.base == world.wsteth]
        raise InvalidArgument(f"no Ethereum wstETH pool {key!r} in this world: pick one of {wst}")
    return pools[key]


def venue_price(world: World, venue: PoolInfo) -> int:
    """The venue's mid as stETH/ETH (wad, floor)."""
    return mid_price(world, venue) * WAD // protocol_rate(world)


def update_oracle(world: World, venue: PoolInfo) -> None:
    """The stETH/ETH market feed to the venue's mid, then every aggregator/EMA/TWAP poked."""
    world.feed("steth-eth-market").set(venue_price(world, venue))
    try:
        from lstlab.world.oracles import poke_all
    except ImportError:  # a world without the oracle module has nothing to poke
        return
    poke_all(world)


def sell_into(world: World, account: str, venue: PoolInfo, amount: int) -> int:
    """Sell ``amount`` wei of the venue's base from ``account`` into the venue alone; returns
    the quote received."""
    plan = execution.plan_sale(world, venue.base, venue.quote, amount, pools=[venue])
    execution.execute(world, account, plan)
    return plan.amount_out


def _start_sale(world: World, sale: Sale) -> None:
    venue = venue_of(world, sale.pool)
    if type(sale.amount) is not int or sale.amount <= 0:
        raise InvalidArgument(f"a sale is a positive int of wei, got {sale.amount!r}")
    stake = world.issuer.get_pooled_by_shares_up(sale.amount) + 2  # +2: the floors of submit and wrap
    world.fund(world.weth, SELLER, stake)
    world.stake(SELLER, stake)
    sell_into(world, SELLER, venue, sale.amount)


def _keeper_one(world: World, address: str, m: lending.Market, user: str, venue: PoolInfo,
                funded: dict[Token, int]) -> Taken | None:
    """Liquidate ``user`` once as the keeper (module docstring); None when refused (undone)."""
    state = world.state
    picked = seize_one(world, m, user, {})
    if picked is None:
        return None
    debt, collateral = picked["debt_asset"], picked["collateral_asset"]
    cover, seizure = cover_amount(m, user, collateral, debt)
    snap = state.snapshot()
    try:
        world.fund(debt, KEEPER, seizure.debt)
        s = m.liquidate(KEEPER, user, collateral, debt, cover, receive_a_token=False)
        sold = proceeds = 0
        if collateral.symbol in LST_SYMBOLS:
            sold = s.collateral if collateral == world.wsteth else world.wrapper.wrap(
                KEEPER, world.issuer.balance_of(KEEPER))
            proceeds = sell_into(world, KEEPER, venue, sold) if sold else 0
    except LstlabError:
        state.revert(snap)
        return None
    state.commit(snap)
    funded[debt] = funded.get(debt, 0) + seizure.debt
    return Taken(address, user, debt, collateral, s.debt, s.collateral, sold, proceeds, seizure.debt)


def _keeper_round(world: World, venue: PoolInfo, funded: dict[Token, int]) -> tuple[list[Taken], int, int]:
    """(liquidations, eligible, refused) of one every-eligible round."""
    eligible = [(a, m, u) for a, m in world.markets().items() for u in lending.liquidatable(m)
                if u != KEEPER and seize_one(world, m, u, {}) is not None]
    done = [t for t in (_keeper_one(world, a, m, u, venue, funded) for a, m, u in eligible) if t is not None]
    return done, len(eligible), len(eligible) - len(done)


def _profitable_round(world: World, liquidator: Liquidator) -> tuple[list[Taken], int, int]:
    sweep = liquidator.sweep(world)
    out = []
    for x in sweep.liquidations:
        legs = () if x.plan is None else x.plan.legs
        sold = sum(leg.amount_in for leg in legs if leg.token_in == world.wsteth)
        out.append(Taken(x.market, x.user, x.debt_asset, x.collateral_asset, x.debt_repaid, x.collateral_seized,
                         sold, x.proceeds))
    blocked = sum(n for _, n in sweep.blocked)
    return out, len(out) + blocked, blocked


def _row(world: World, k: int, before: int, taken: list[Taken], eligible: int, refused: int,
         sold: int, proceeds: int) -> dict[str, object]:
    markets = world.markets()
    rate = protocol_rate(world)

    def eth(t: Taken) -> int:
        return book.eth_value(markets[t.market], t.debt_asset, t.debt)

    funded = sum(book.eth_value(markets[t.market], t.debt_asset, t.funded) for t in taken)

    lst = sum(t.collateral if t.collateral_asset == world.wsteth else
              t.collateral * WAD // rate for t in taken if t.collateral_asset.symbol in LST_SYMBOLS)
    row: dict[str, object] = {
        "round": k, "price_before_steth_eth": before / WAD, "eligible": eligible, "liquidations": len(taken),
        "positions": len({(t.market, t.user) for t in taken}), "debt_repaid_eth": sum(map(eth, taken)) / WAD,
        "collateral_seized_wsteth": lst / WAD, "collateral_sold_wsteth": sold / WAD, "proceeds_eth": proceeds / WAD,
        "keeper_funded_eth": funded / WAD, "refused": refused,
    }
    for address in markets:
        mine = [t for t in taken if t.market == address]
        row[f"{address}_liquidations"] = len(mine)
        row[f"{address}_debt_repaid_eth"] = sum(map(eth, mine)) / WAD
    return row


def sale_cascade(world: World, sale: Sale, *, rule: Rule = "profitable", venue: str = "curve",
                 oracle: str | None = None, max_rounds: int = 20, liquidator: Liquidator | None = None,
                 records: str | Path | None = None) -> SaleCascade:
    """Run the cascade of ``sale`` on a fork of ``world`` (module docstring); ``oracle``
    installs a named oracle first (``World.set_oracle``); ``venue``: the pool the seized LST
    is sold into and whose mid the stETH/ETH feed follows (default the Ethereum StableSwap pool,
    the deepest); ``liquidator`` (profitable rule) defaults to ``Liquidator()``; ``max_rounds``
    20 only bounds a cascade that does not settle. Writes nothing to ``world``; raises
    InvalidArgument for an unknown rule, venue or pool. With ``records``, the events and the
    holdings after each round are kept there (:mod:`lstlab.records.rounds`)."""
    if rule not in RULES:
        raise InvalidArgument(f"unknown rule {rule!r}: use one of {', '.join(RULES)}")
    fork = world.fork()
    recorder = RoundRecorder(records)
    recorder.begin(fork)
    pool = venue_of(fork, venue)
    if oracle is not None:
        fork.set_oracle(oracle)
    before = venue_price(fork, pool)
    venue_pool = venue_of(fork, sale.pool)
    held = fork.state.balance_of(venue_pool.base, venue_pool.address)
    _start_sale(fork, sale)
    update_oracle(fork, pool)
    first = _row(fork, 0, before, [], 0, 0, fork.state.balance_of(venue_pool.base, venue_pool.address) - held, 0)
    rows: list[dict[str, object]] = [first]
    rounds: list[tuple[Taken, ...]] = []
    funded: dict[Token, int] = {}
    rows[0]["price_after_steth_eth"] = venue_price(fork, pool) / WAD
    rows[0]["bad_debt_eth"] = book.bad_debt_book(fork).eth / WAD
    recorder.round(fork, 0)
    liquidator = liquidator or Liquidator()
    liquidated: list[str] = []
    for k in range(1, max_rounds + 1):
        before = venue_price(fork, pool)
        if rule == "every-eligible":
            taken, eligible, refused = _keeper_round(fork, pool, funded)
        else:
            taken, eligible, refused = _profitable_round(fork, liquidator)
        if not taken:
            break
        update_oracle(fork, pool)
        row = _row(fork, k, before, taken, eligible, refused, sum(t.sold for t in taken),
                   sum(t.proceeds for t in taken))
        row["price_after_steth_eth"] = venue_price(fork, pool) / WAD
        row["bad_debt_eth"] = book.bad_debt_book(fork).eth / WAD
        rows.append(row)
        rounds.append(tuple(taken))
        liquidated.extend(t.user for t in taken if t.user not in liquidated)
        recorder.round(fork, k)
    recorder.close()
    return SaleCascade(pd.DataFrame(rows), fork, tuple(liquidated), tuple(rounds), tuple(funded.items()))


__all__ = ["KEEPER", "RULES", "SELLER", "Rule", "Sale", "SaleCascade", "Taken", "sale_cascade", "sell_into",
           "update_oracle", "venue_of", "venue_price"]
