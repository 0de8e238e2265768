"""Probes for auditors: liquidation thresholds per risk factor, liquidation cascades, and the
dependency paths from a shocked feed or contract to the positions it reaches.

Nothing here mutates the world it is given: every trial and every cascade runs on forks.

Risk factors (values are the raw answers of the contracts; tables show them as floats):

- ``eth-usd``: the ETH/USD feed (8 decimals; the L2 feed follows it);
- ``steth-eth``: the stETH/ETH market feed (wad); it matters only while the market prices
  wstETH with the market feed (``world.set_oracle("market")``);
- ``lst-rate``: the protocol rate, stETH per wstETH (wad), lowered by a loss report of the
  issuer (a slashing-sized CL loss; the one-off decrease limit is lifted on the fork);
- ``bridge-backing`` (L2 positions): the bridge's backing ratio (wad), lowered by draining the
  escrow. The default L2 feeds ignore the backing, so the probe installs on each trial fork a
  what-if oracle pricing bridged wstETH at rate x backing (:func:`install_backing_oracle`).
  L2 positions are probed for ``eth-usd`` and ``bridge-backing`` (:data:`L2_FACTORS`): the L2
  reads the protocol rate through the bridge's relayed feed, which a loss report on Ethereum
  reaches only after a relay.

:func:`thresholds` bisects each factor over its integer values (resolution: one unit of the
feed's answer, so the boundary is exact: at the threshold the position is liquidatable, one
unit above it is not) and sets beside it the closed form: :func:`lending.liquidation_price`
of wstETH scaled to the factor (the wstETH price is linear in the stETH/ETH ratio and in the
rate), or, for ETH/USD, the root of the linear collateral-vs-debt model through two prices
(none for positions whose every asset is priced in ETH: ETH/USD moves both sides alike).
The two agree to the feeds' rounding (composite feeds floor to 8 decimals: about 1e-10
relative).

:func:`cascade` applies a shock to a fork and runs rounds of liquidations: the liquidator takes
every profitable liquidation, sells the seized wstETH on the pools, then the stETH/ETH market
feed is set from the StableSwap pool's new mid price; it stops at the first round without a
liquidation (a fixed point) or after ``max_rounds``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Literal

import attrs
import pandas as pd

import chain
from chain import WAD, CompositeFeed
from lending import health_factors, liquidation_price
from lstlab.world import names
from lstlab.agents.arbitrageur import WETH_I, WSTETH_I, curve_mid, protocol_rate
from lstlab.agents.liquidator import Liquidator, Sweep, bad_debt
from lstlab.errors import StrategyError
from lstlab.world.build import World

Factor = Literal["eth-usd", "steth-eth", "lst-rate", "bridge-backing"]
Shock = Literal["steth-depeg", "eth-price", "slashing", "bridge-exploit"]
FACTORS: tuple[Factor, ...] = ("eth-usd", "steth-eth", "lst-rate")
L2_FACTORS: tuple[Factor, ...] = ("eth-usd", "bridge-backing")
SHOCKS: tuple[Shock, ...] = ("steth-depeg", "eth-price", "slashing", "bridge-exploit")
SHOCK_NODES = {"steth-depeg": "steth-eth-market", "eth-price": "eth-usd", "slashing": names.ISSUER,
               "bridge-exploit": names.BRIDGE}
"""The graph node each shock starts from."""
SHOCKER = "probe:shock"
BACKING_FEED, BACKED_L2_FEED = "probe:backing", "probe:l2:wsteth-usd-backed"


# --- moving one factor on a fork -----------------------------------------------------------


def set_rate(world: World, rate: int) -> None:
    """Lower the protocol rate to ``rate`` (wad, at most the current one) by an oracle report
    of a CL loss, lifting the issuer's one-off decrease limit first. The feed then reads
    exactly ``rate``. Raises StrategyError when the loss exceeds the CL balance."""
    issuer = world.issuer
    issuer.deposit()
    pool, shares = issuer.pool(), issuer.total_shares()
    target = -(-rate * shares // WAD)
    pre_cl = pool.cl_balance + (pool.deposited_validators - pool.cl_validators) * issuer.size
    new_cl = target - pool.buffered
    if new_cl < 0 or new_cl > pre_cl:
        raise StrategyError(f"rate {rate} is out of reach of a loss report (CL balance {pre_cl} wei)")
    issuer.set_param("one_off_decrease_limit_bps", 10_000, caller=issuer.param_admin())
    issuer.report(new_cl)


class BackingFeed(chain.Contract):
    """The bridge's backing ratio (escrowed assets / wrapped claims) as a feed (wad): canonical
    wstETH behind one bridged wstETH."""

    kind = "lstlab.backing-feed"
    base, quote, decimals = "wstETH", "wstETH", 18

    @classmethod
    def deploy(cls, state: chain.State, address: str, network: str) -> BackingFeed:
        feed = cls(state, address, network)
        state.register_contract(feed)
        state.depend(address, names.BRIDGE, "reads-backing")
        return feed

    def latest(self) -> chain.PriceReading:
        return chain.PriceReading(_backing_wad(self.state.contract(names.BRIDGE)), self.decimals, self.state.now)


def install_backing_oracle(world: World) -> None:
    """Price bridged wstETH in the L2 market at its protocol rate times the bridge's backing
    (a what-if oracle for auditors: the default world's L2 feeds ignore the backing).
    Mutates ``world``: use a fork. Idempotent."""
    state = world.state
    if not state.contracts(BackingFeed.kind):
        BackingFeed.deploy(state, BACKING_FEED, names.L2)
        CompositeFeed.deploy(state, BACKED_L2_FEED, names.L2, first=BACKING_FEED, second="l2:wsteth-usd",
                             decimals=names.FEED_DECIMALS)
    m = world.l2_market
    m.set_feed(world.l2_wsteth, BACKED_L2_FEED, caller=m.param_admin())


def set_backing(world: World, backing: int) -> None:
    """Install the backing oracle and drain the bridge escrow until the backing is ``backing``
    (wad, at most the current one)."""
    install_backing_oracle(world)
    b = world.bridge.backing()
    target = -(-backing * b.claims // WAD)
    if b.assets > target:
        world.fund(world.weth, SHOCKER, 0)
        world.bridge.exploit_drain(SHOCKER, b.assets - target)


def _backing_wad(bridge) -> int:
    """The bridge's backing ratio, wad (floor)."""
    ratio = bridge.backing().ratio
    return ratio.numerator * WAD // ratio.denominator


def _set_eth_usd(world: World, answer: int) -> None:
    world.feed("eth-usd").set(answer)
    world.feed("l2:eth-usd").set(answer)


def _setters() -> dict[str, tuple[Callable[[World], int], Callable[[World, int], None], int]]:
    """factor -> (current raw value, set raw value on a world, raw units per 1.0)."""
    return {
        "eth-usd": (lambda w: w.feed("eth-usd").latest().answer, _set_eth_usd, 10**names.FEED_DECIMALS),
        "steth-eth": (lambda w: w.feed("steth-eth-market").latest().answer,
                      lambda w, v: w.feed("steth-eth-market").set(v), WAD),
        "lst-rate": (protocol_rate, set_rate, WAD),
        "bridge-backing": (lambda w: _backing_wad(w.bridge), set_backing, WAD),
    }


def _market(world: World, l2: bool):
    return world.l2_market if l2 else world.market


def _liquidatable_at(world: World, user: str, setter: Callable[[World, int], None], value: int, l2: bool) -> bool:
    trial = world.fork()
    try:
        setter(trial, value)
    except chain.LstlabError:
        return False
    return _market(trial, l2).health_factor(user) < WAD


def bisect_threshold(world: World, user: str, factor: Factor, *, l2: bool = False) -> int | None:
    """The highest raw value of ``factor`` (at most the current one) at which ``user`` is
    liquidatable in the Ethereum market (``l2``: the L2 market), each trial on a fork; None
    when no value down to 1/10,000 of the current one liquidates it."""
    current, setter, _ = _setters()[factor]
    hi = current(world)
    if _liquidatable_at(world, user, setter, hi, l2):
        return hi
    lo = max(1, hi // 10**4)
    if not _liquidatable_at(world, user, setter, lo, l2):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _liquidatable_at(world, user, setter, mid, l2):
            lo = mid
        else:
            hi = mid
    return lo


def _uses_market_feed(world: World) -> bool:
    return world.market.reserve_config(world.wsteth).feed == "wsteth-usd-market"


def closed_form_threshold(world: World, user: str, factor: Factor, *, l2: bool = False) -> float | None:
    """The factor's threshold (float, in the factor's units) from the closed forms."""
    if factor == "eth-usd":
        return _eth_usd_closed_form(world, user, l2)
    if factor == "steth-eth" and (l2 or not _uses_market_feed(world)):
        return None
    if factor == "bridge-backing":
        if not l2:
            return None
        world = world.fork()
        install_backing_oracle(world)
    m, asset = (world.l2_market, world.l2_wsteth) if l2 else (world.market, world.wsteth)
    p = liquidation_price(m, user, asset)
    if p is None:
        return None
    current, _, unit = _setters()[factor]
    return float(Fraction(p, m.price(asset)) * Fraction(current(world), unit))


def _eth_usd_closed_form(world: World, user: str, l2: bool) -> float | None:
    """Root of (weighted collateral - debt), linear in ETH/USD, through two prices; None when
    the root is not above 1/10,000 of the current price (a position priced all in ETH has its
    root at 0: ETH/USD moves both sides alike)."""
    answer = world.feed("eth-usd").latest().answer
    gaps = []
    for value in (answer, answer // 2):
        trial = world.fork()
        _set_eth_usd(trial, value)
        acct = _market(trial, l2).account_data(user)
        gaps.append(Fraction(acct.total_collateral_base * acct.liquidation_threshold, 10_000) - acct.total_debt_base)
    slope = (gaps[0] - gaps[1]) / (answer - answer // 2)
    if slope == 0:
        return None
    root = answer - gaps[0] / slope
    return float(root) / 10**names.FEED_DECIMALS if root * 10**4 > answer else None


def borrowers(world: World, l2: bool = False) -> list[str]:
    """Every account with debt in the Ethereum market (``l2``: the L2 market)."""
    return list(health_factors(_market(world, l2))[0])


def thresholds(world: World, accounts: Iterable[str] | None = None, factors: Sequence[Factor] | None = None,
               *, l2: bool = False) -> pd.DataFrame:
    """For each account (default: every borrower of the market) and factor (default
    :data:`FACTORS`, or :data:`L2_FACTORS` with ``l2``): the bisected threshold, the closed
    form and the current value, as floats in the factor's units (NaN: no threshold).
    ``l2`` probes positions of the L2 market. Columns: account, factor, threshold_bisection,
    threshold_closed_form, current."""
    rows = []
    setters = _setters()
    factors = (L2_FACTORS if l2 else FACTORS) if factors is None else factors
    unknown = [f for f in factors if f not in setters]
    if unknown:
        raise StrategyError(f"unknown risk factor(s) {unknown}: use {', '.join(setters)}")
    for user in (borrowers(world, l2) if accounts is None else list(accounts)):
        for factor in factors:
            current, _, unit = setters[factor]
            found = bisect_threshold(world, user, factor, l2=l2)
            form = closed_form_threshold(world, user, factor, l2=l2)
            rows.append({
                "account": user, "factor": factor,
                "threshold_bisection": math.nan if found is None else found / unit,
                "threshold_closed_form": math.nan if form is None else form,
                "current": current(world) / unit,
            })
    return pd.DataFrame(rows, columns=["account", "factor", "threshold_bisection", "threshold_closed_form",
                                       "current"])


# --- cascades ----------------------------------------------------------------------------


def pool_steth_eth(world: World) -> int:
    """The StableSwap pool's mid price as a stETH/ETH ratio (wad)."""
    return curve_mid(world) * WAD // protocol_rate(world)


def depeg_pool(world: World, fall: float) -> int:
    """Sell wstETH (staked for the purpose by :data:`SHOCKER`) on the StableSwap pool until its
    mid stETH/ETH price is at most ``(1 - fall)`` times the current one; returns wstETH sold.
    Bisection on the amount (resolution 0.001 wstETH), each trial in a reverted snapshot."""
    state, curve = world.state, world.curve
    target = int(pool_steth_eth(world) * (1 - fall))
    rate = protocol_rate(world)
    weth_held = state.balance_of(world.weth, names.CURVE)
    supply = weth_held * 4
    world.fund(world.weth, SHOCKER, supply * rate // WAD + 1)
    held = world.stake(SHOCKER, supply * rate // WAD + 1)

    def low_enough(x: int) -> bool:
        snap = state.snapshot()
        try:
            curve.exchange(SHOCKER, WSTETH_I, WETH_I, x, 0)
            return pool_steth_eth(world) <= target
        except chain.LstlabError:
            return True
        finally:
            state.revert(snap)

    step = 10**15
    lo, hi = 0, held // step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if low_enough(mid * step):
            hi = mid
        else:
            lo = mid
    curve.exchange(SHOCKER, WSTETH_I, WETH_I, hi * step, 0)
    return hi * step


def feed_from_pool(world: World) -> int:
    """Set the stETH/ETH market feed to the pool's mid price; returns it (wad)."""
    price = pool_steth_eth(world)
    world.feed("steth-eth-market").set(price)
    return price


def apply_shock(world: World, shock: Shock, size: float) -> None:
    """Apply a shock of relative ``size`` (0.05 = 5%) to ``world`` (mutates it: pass a fork).

    ``steth-depeg``: the pool is sold down by ``size`` and the market feed follows it;
    ``eth-price``: ETH/USD falls by ``size``; ``slashing``: the protocol rate falls by
    ``size`` (:func:`set_rate`); ``bridge-exploit``: ``size`` of the bridge escrow is drained
    (backing falls to ``1 - size``; the L2 market's feeds do not read the backing)."""
    if not 0 < size < 1:
        raise StrategyError(f"a shock size is a fraction in (0, 1), got {size}")
    if shock == "steth-depeg":
        depeg_pool(world, size)
        feed_from_pool(world)
    elif shock == "eth-price":
        _set_eth_usd(world, int(world.feed("eth-usd").latest().answer * (1 - size)))
    elif shock == "slashing":
        set_rate(world, int(protocol_rate(world) * (1 - size)))
    elif shock == "bridge-exploit":
        world.fund(world.weth, SHOCKER, 0)
        world.bridge.exploit_drain(SHOCKER, int(world.bridge.escrow() * size))
    else:
        raise StrategyError(f"unknown shock {shock!r}: use one of {', '.join(SHOCKS)}")


@attrs.frozen
class Cascade:
    """A cascade's per-round table, the world after it (a fork), who was liquidated, and the
    dependency path from the shocked node to each liquidated account."""

    rounds: pd.DataFrame
    world: World
    liquidated: tuple[str, ...]
    paths: dict[str, list[str]]


def _row(world: World, k: int, sweep: Sweep) -> dict[str, float]:
    return {
        "round": k, "liquidations": sweep.count, "debt_repaid_eth": sweep.total("debt_repaid") / WAD,
        "collateral_seized_wsteth": sweep.total("collateral_seized") / WAD,
        "collateral_sold_eth": sweep.total("weth_received") / WAD,
        "liquidator_profit_eth": sweep.total("profit") / WAD,
        "pool_price": pool_steth_eth(world) / WAD,
        "feed_price": world.feed("steth-eth-market").latest().answer / WAD,
        "bad_debt_eth": bad_debt(world) / WAD,
    }


def cascade(world: World, shock: Shock, size: float, *, liquidator: Liquidator | None = None,
            max_rounds: int = 20) -> Cascade:
    """Shock a fork of ``world`` and run liquidation rounds to a fixed point (see the module
    docstring). Round 0 is the shock itself. Raises StrategyError for an unknown shock or a
    size outside (0, 1)."""
    liquidator = liquidator or Liquidator()
    fork = world.fork()
    apply_shock(fork, shock, size)
    rows = [_row(fork, 0, Sweep(bad_debt=bad_debt(fork)))]
    exposed = chain.exposed_to(fork.state, SHOCK_NODES[shock])
    liquidated: list[str] = []
    for k in range(1, max_rounds + 1):
        sweep = liquidator.sweep(fork)
        if sweep.count == 0:
            break
        liquidated.extend(x.user for x in sweep.liquidations if x.user not in liquidated)
        feed_from_pool(fork)
        rows.append(_row(fork, k, sweep))
    paths = {user: exposed[user] for user in liquidated if user in exposed}
    return Cascade(pd.DataFrame(rows), fork, tuple(liquidated), paths)


def paths(world: World, node: str, accounts: Iterable[str] | None = None) -> dict[str, list[str]]:
    """``chain.exposed_to`` from ``node`` (a feed, contract or token node) restricted to
    ``accounts`` (default: every borrower): account -> list of nodes from it to ``node``."""
    exposed = chain.exposed_to(world.state, node)
    wanted = borrowers(world) if accounts is None else list(accounts)
    return {a: exposed[a] for a in wanted if a in exposed}
