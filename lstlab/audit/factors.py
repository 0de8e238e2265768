"""Risk factors of the probes and how to move each one on a world (a fork: every setter here
mutates the world it is given).

Factors (values are the raw answers of the contracts; tables show them as floats):

- ``eth-usd``: the ETH/USD feed (8 decimals; the L2 feed follows it);
- ``steth-eth``: the stETH/ETH market feed (wad); it matters only while the market prices
  wstETH with the market feed (``world.set_oracle("market")``);
- ``lst-rate``: the protocol rate, stETH per wstETH (wad), lowered by a loss report of the
  issuer (a slashing-sized CL loss; the one-off decrease limit is lifted on the fork);
- ``bridge-backing`` (L2 positions): the bridge's backing ratio (wad), lowered by draining the
  escrow. The default L2 feeds ignore the backing, so the setter installs a what-if oracle
  pricing bridged wstETH at rate x backing (:func:`install_backing_oracle`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import chain
import lending
from chain import WAD, CompositeFeed
from lending import health_factors
from lstlab.agents.arbitrageur import protocol_rate
from lstlab.errors import StrategyError
from lstlab.world import names
from lstlab.world.build import World

Factor = Literal["eth-usd", "steth-eth", "lst-rate", "bridge-backing"]
FACTORS: tuple[Factor, ...] = ("eth-usd", "steth-eth", "lst-rate")
"""The factors probed for Ethereum positions."""
L2_FACTORS: tuple[Factor, ...] = ("eth-usd", "bridge-backing")
"""The factors probed for L2 positions: the L2 reads the protocol rate through the bridge's
relayed feed, which a loss report on Ethereum reaches only after a relay."""
SHOCKER = "probe:shock"
"""The account that sells, drains or exploits on behalf of a shock."""
BACKING_FEED, BACKED_L2_FEED = "probe:backing", "probe:l2:wsteth-usd-backed"
"""Addresses of the what-if backing oracle's feeds."""


def market_of(world: World, l2: bool = False) -> lending.Market:
    """The Ethereum market, or the L2 market with ``l2``."""
    return world.l2_market if l2 else world.market


def borrowers(world: World, l2: bool = False) -> list[str]:
    """Every account with debt in the Ethereum market (``l2``: the L2 market)."""
    return list(health_factors(market_of(world, l2))[0])


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
        raise StrategyError(f"rate {rate} is out of reach of a loss report (CL balance {pre_cl} wei): "
                            "pick a smaller loss")
    issuer.set_param("one_off_decrease_limit_bps", 10_000, caller=issuer.param_admin())
    issuer.report(new_cl)


def set_eth_usd(world: World, answer: int) -> None:
    """Set the ETH/USD feeds of Ethereum and of the L2 to ``answer`` (8 decimals)."""
    world.feed("eth-usd").set(answer)
    world.feed("l2:eth-usd").set(answer)


def backing_wad(world: World) -> int:
    """The bridge's backing ratio, wad (floor)."""
    ratio = world.bridge.backing().ratio
    return ratio.numerator * WAD // ratio.denominator


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
        ratio = self.state.contract(names.BRIDGE).backing().ratio  # type: ignore[attr-defined]
        return chain.PriceReading(ratio.numerator * WAD // ratio.denominator, self.decimals, self.state.now)


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


Setter = tuple[Callable[[World], int], Callable[[World, int], None], int]
"""(read the factor's raw value, set it on a world, raw units per 1.0)."""


def setters() -> dict[str, Setter]:
    """Every factor's :data:`Setter`, by name."""
    return {
        "eth-usd": (lambda w: w.feed("eth-usd").latest().answer, set_eth_usd, 10**names.FEED_DECIMALS),
        "steth-eth": (lambda w: w.feed("steth-eth-market").latest().answer,
                      lambda w, v: w.feed("steth-eth-market").set(v), WAD),
        "lst-rate": (protocol_rate, set_rate, WAD),
        "bridge-backing": (backing_wad, set_backing, WAD),
    }



DEPEG_STEP = 10**15
"""Resolution of the bisection of a shock's sale (:func:`sell_until`): 0.001 token (wei)."""


def sell_until(world: World, pool, i: int, j: int, held: int, low_enough: Callable[[], bool]) -> int:
    """Sell coin ``i`` of the StableSwap ``pool`` from :data:`SHOCKER` (holding ``held``) for
    coin ``j``: the least multiple of :data:`DEPEG_STEP` after which ``low_enough()`` holds (or
    the pool refuses more), found by bisection with each trial in a reverted snapshot; the sale
    is then made. Returns the amount sold (wei)."""
    state = world.state

    def enough(x: int) -> bool:
        snap = state.snapshot()
        try:
            pool.exchange(SHOCKER, i, j, x, 0)
            return low_enough()
        except chain.LstlabError:
            return True
        finally:
            state.revert(snap)

    lo, hi = 0, held // DEPEG_STEP
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if enough(mid * DEPEG_STEP):
            hi = mid
        else:
            lo = mid
    pool.exchange(SHOCKER, i, j, hi * DEPEG_STEP, 0)
    return hi * DEPEG_STEP


__all__ = [
    "BACKED_L2_FEED",
    "BACKING_FEED",
    "DEPEG_STEP",
    "FACTORS",
    "L2_FACTORS",
    "SHOCKER",
    "BackingFeed",
    "Factor",
    "Setter",
    "backing_wad",
    "borrowers",
    "install_backing_oracle",
    "market_of",
    "sell_until",
    "set_backing",
    "set_eth_usd",
    "set_rate",
    "setters",
]
