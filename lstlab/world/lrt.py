"""Restaking in a world: EigenLayer-style contracts, a weETH-like LRT issuer, an LRT/WETH
StableSwap pool and the LRT listed as collateral in the Ethereum market.

:func:`deploy_lrt` adds to a built world (:func:`lstlab.world.build.default_world`):

- the restaking contracts (``restaking``): a strategy manager with strategies for WETH (native
  restaking, EigenLayer's EigenPods stood in for by a WETH strategy) and for wstETH; a
  delegation manager; an allocation manager with one service (:data:`AVS`) to which the
  operator (:data:`OPERATOR`) allocates ``LrtParams.magnitude`` of both strategies;
- the LRT issuer (:data:`LRT`, token ``weETH``), delegated to the operator, holding
  ``LrtParams.restaked_eth`` ETH restaked natively and ``LrtParams.restaked_wsteth_eth`` ETH
  staked with the world's issuer and restaked as wstETH;
- feeds, as the world's wstETH ones: ``weeth-eeth`` (the protocol rate, ETH per weETH),
  ``eeth-eth-peg`` (fixed at 1), ``eeth-eth-market`` (the market price over the rate, settable,
  1 at par), ``weeth-eth-rate`` / ``weeth-eth-market`` (rate x peg or market) and
  ``weeth-usd-rate`` / ``weeth-usd-market`` (x ETH/USD, 8 decimals);
- the pool :data:`LRT_POOL` (coins WETH, weETH; weETH's rate from ``weeth-eeth``, as Curve's
  oracle pools read a rate provider);
- the weETH reserve of ``World.market``, in the ETH-correlated efficiency mode, priced by
  ``weeth-usd-rate`` or ``weeth-usd-market`` (``LrtParams.oracle``; switch with
  :meth:`LrtWorld.set_oracle`).

The world's facades know nothing of these: :class:`LrtWorld` is a view of a world that has
them, found again on a fork by :func:`lrt_world`.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

import amm
import restaking
from chain import WAD, CompositeFeed, InvalidArgument, ManualFeed, Token
from lending.presets import ETH_CORRELATED
from lending.rates import RateStrategy
from lstlab.world.build import World
from lstlab.world.names import ETH, FEED_DECIMALS, LP, TREASURY
from lstlab.world.venues import PoolInfo
from restaking.lrt import DEFAULT_FEE_BPS, LiquidRestakingToken, LrtRateFeed

STRATEGY_MANAGER = "eigenlayer"
DELEGATION, ALLOCATION = f"{STRATEGY_MANAGER}.delegation", f"{STRATEGY_MANAGER}.allocation"
"""The restaking core (``restaking.StrategyManager.deploy`` puts its delegation and allocation
managers at these addresses)."""
LRT, LRT_POOL = "etherfi", "curve:weeth"
OPERATOR, AVS = "restaking-operator", "avs"
RESTAKERS = "restakers"
"""The accounts holding the LRT's deposits (the operator, the service, the depositors)."""
RATE_FEED, PEG_FEED = "weeth-eeth", "eeth-eth-market"
PAR_UNIT = "eETH"
"""The unit of the LRT's rate: ETH restaked at par (ether.fi's eETH; Chainlink publishes a
weETH/eETH exchange-rate feed and an eETH/ETH market one, as the Base listing ARFC t/17691 cites)."""
LRT_SYMBOL = "weETH"

LrtOracle = Literal["exchange-rate", "market"]

WEETH_STRATEGY = RateStrategy.from_percent("35", "0", "7", "300")
"""weETH rate curve: U* 35% (ARFC "Updating weETH Risk Parameters", governance.aave.com/t/17402,
2024-04), base 0, slope1 7%, slope2 300% (the figures of the weETH listing on Aave V3 Base,
ARFC t/17691, 2024-05, which follows the Ethereum listing; the Ethereum curve not re-read)."""
WEETH: dict[str, Any] = {"ltv": 7250, "liquidation_threshold": 7500, "liquidation_bonus": 10750,
                         "liquidation_protocol_fee": 1000, "reserve_factor": 4500, "emode_category": ETH_CORRELATED}
"""weETH on Aave V3 Ethereum: LTV 72.5%, LT 75%, bonus 7.5%, protocol fee 10% (ARFC "Onboard
weETH to Aave v3 on Ethereum", governance.aave.com/t/16758, 2024-02, with Chaos Labs' figures,
the same on the Base listing t/17691); reserve factor 45% (t/17402); in the ETH-correlated
efficiency mode, whose collateral includes weETH (REFERENCE 2.9). That category (93% / 95% / 1%)
is the LRT eMode here: this market follows Aave v3.0 (one category per asset, borrowing only
assets of the user's category), so a category of its own could not lend WETH, which sits in
the ETH-correlated one; the dedicated weETH/WETH "liquid eMode" (ARFC t/21370, 2025-03) needs
v3.2's bitmaps."""


def _non_negative(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _fraction(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{attribute.name} must be a fraction in [0, 1], got {value}")


@attrs.frozen
class LrtParams:
    """The restaking layer of a world: every figure with its source or reason."""

    restaked_eth: int = attrs.field(default=2_000_000, validator=_non_negative)
    """ETH restaked natively through the LRT: ether.fi passed 2M ETH restaked in 2024 (Chaos Labs
    on weETH, Seamless forum PCP-31, 2024-10)."""
    restaked_wsteth_eth: int = attrs.field(default=50_000, validator=_non_negative)
    """ETH staked with the world's LST issuer and restaked as wstETH through the LRT:
    illustrative (ether.fi's Liquifier takes stETH), so the LST path has stake to lose."""
    fee_bps: int = DEFAULT_FEE_BPS
    """The LRT's fee on gains: 10% (ether.fi, EFIP-4)."""
    magnitude: float = attrs.field(default=0.5, validator=_fraction)
    """Share of the operator's delegated stake allocated to the one service (EigenLayer
    magnitude / 1e18): a modelling choice (operators split their stake across operator sets;
    half leaves room for a second service)."""
    service_reward_bps: int = 100
    """The service's annual reward rate on allocated stake: 1%, illustrative (EigenLayer AVS
    rewards are set per AVS; there is no protocol-wide figure)."""
    slash_condition: str = "double-signing on the service"
    """What the service slashes for (recorded in events)."""
    pool_weth: int = attrs.field(default=15_000, validator=_non_negative)
    """WETH side of the LRT/WETH pool: Chaos Labs counted over 15K weETH of on-chain liquidity
    within the liquidation bonus (governance.aave.com/t/17402/4, 2024-04)."""
    pool_lrt_eth: int = attrs.field(default=15_000, validator=_non_negative)
    """ETH value of the weETH side of the pool (balanced at the rate, same source)."""
    oracle: LrtOracle = "exchange-rate"
    """How the market prices weETH: by its exchange rate, Aave's choice for weETH (Chaos Labs,
    t/17402/4: the pricing "maintains a near 1:1 valuation with ETH"), or at market."""


def _require(world: World) -> None:
    if not world.state.has_address(LRT):
        raise InvalidArgument("the world has no LRT: build it with lstlab.world.lrt.deploy_lrt(world)")


@attrs.frozen
class LrtWorld:
    """A world with the restaking layer (see the module docstring)."""

    world: World
    params: LrtParams = LrtParams()

    def fork(self) -> LrtWorld:
        """An independent copy (``World.fork``)."""
        return attrs.evolve(self, world=self.world.fork())

    @property
    def state(self) -> Any:
        return self.world.state

    @property
    def issuer(self) -> LiquidRestakingToken:
        return self.state.contract(LRT)  # type: ignore[return-value]

    @property
    def token(self) -> Token:
        return self.issuer.token

    @property
    def strategy_manager(self) -> restaking.StrategyManager:
        return self.state.contract(STRATEGY_MANAGER)  # type: ignore[return-value]

    @property
    def delegation(self) -> restaking.DelegationManager:
        return self.state.contract(DELEGATION)  # type: ignore[return-value]

    @property
    def allocation(self) -> restaking.AllocationManager:
        return self.state.contract(ALLOCATION)  # type: ignore[return-value]

    def strategy(self, token: Token) -> str:
        """The strategy of ``token`` (WETH or wstETH)."""
        return next(a.strategy for a in self.issuer.assets() if a.token == token)

    @property
    def service(self) -> int:
        """The service's id (the allocation manager's first)."""
        return 0

    @property
    def pool(self) -> amm.StableSwap:
        return self.state.contract(LRT_POOL)  # type: ignore[return-value]

    @property
    def pool_info(self) -> PoolInfo:
        return PoolInfo("lrt_curve", LRT_POOL, ETH, "stableswap", self.token, self.world.weth)

    @property
    def peg_feed(self) -> ManualFeed:
        return self.state.contract(PEG_FEED)  # type: ignore[return-value]

    def set_peg(self, ratio: float) -> None:
        """Set the LRT's market price over its rate (a float from a price model)."""
        self.peg_feed.set(round(ratio * WAD))

    def set_oracle(self, oracle: LrtOracle) -> str:
        """Price weETH in ``World.market`` by ``oracle``; returns the feed it then reads."""
        if oracle not in ("exchange-rate", "market"):
            raise InvalidArgument(f"oracle {oracle!r}: use 'exchange-rate' or 'market'")
        feed = _usd_feed(oracle)
        self.world.market.set_feed(self.token, feed)
        return feed

    def slash(self, fraction: int) -> dict[str, int]:
        """The service (as its AVS) slashes ``fraction`` (wad) of the operator's allocated stake in
        every strategy the LRT uses; returns the assets burned (base units) by token symbol."""
        return {a.token.symbol: self.allocation.slash(AVS, OPERATOR, a.strategy, fraction)
                for a in self.issuer.assets()}


    def pay_service_rewards(self, seconds: int) -> dict[str, int]:
        """The service's AVS pays what it owes for ``seconds`` in each strategy the LRT uses
        (``AllocationManager.due_reward``: its reward rate on the allocated stake), funded from
        outside the world (WETH minted; wstETH staked and wrapped from minted WETH); returns the
        assets paid by token symbol."""
        world, paid = self.world, {}
        for a in self.issuer.assets():
            due = self.allocation.due_reward(self.service, a.strategy, seconds)
            if not due:
                continue
            if a.token == world.weth:
                world.fund(world.weth, AVS, due)
            else:
                native = due * self.issuer.price_of(a) // 10**a.token.decimals + 10**a.token.decimals
                world.fund(world.weth, AVS, native)
                world.stake(AVS, native)
            self.allocation.reward(self.service, a.strategy, due)
            paid[a.token.symbol] = due
        return paid


def _usd_feed(oracle: str) -> str:
    return "weeth-usd-rate" if oracle == "exchange-rate" else "weeth-usd-market"


def lrt_world(world: World, params: LrtParams | None = None) -> LrtWorld:
    """The view of a world that :func:`deploy_lrt` has built on (or a fork of one)."""
    _require(world)
    return LrtWorld(world, params or LrtParams())


def _deploy_restaking(world: World, p: LrtParams) -> tuple[str, str]:
    state = world.state
    sm = restaking.StrategyManager.deploy(state, STRATEGY_MANAGER, ETH)
    native = sm.add_strategy(world.weth)
    lst = sm.add_strategy(world.wsteth)
    am = sm.allocation
    for account in (OPERATOR, AVS, RESTAKERS):
        if not state.has_address(account):
            state.add_account(account)
    sm.delegation.register_operator(OPERATOR)
    service = am.create_service(AVS, p.service_reward_bps, p.slash_condition)
    magnitude = round(p.magnitude * WAD)
    for strategy in (native, lst):
        am.allocate(OPERATOR, service, strategy, magnitude)
    return native, lst


def deploy_lrt(world: World, params: LrtParams | None = None) -> LrtWorld:
    """Add the restaking layer to ``world`` (mutates it; see the module docstring) and return
    its view. Raises InvalidArgument when the world has one already."""
    p = params or LrtParams()
    state = world.state
    if state.has_address(LRT):
        raise InvalidArgument("the world has an LRT already: deploy it once")
    native, lst = _deploy_restaking(world, p)
    world.fund(world.weth, TREASURY, world.weth.units(1))
    lrt = LiquidRestakingToken.deploy(
        state, LRT, ETH, native=world.weth, native_strategy=native, strategy_manager=STRATEGY_MANAGER,
        delegation=DELEGATION, funder=TREASURY, bootstrap=world.weth.units(1), treasury=TREASURY,
        symbol=LRT_SYMBOL, fee_bps=p.fee_bps)
    CompositeFeed.deploy(state, "wsteth-eth-lrt", ETH, first="wsteth-steth", second="steth-eth-peg")
    lrt.add_asset(world.wsteth, lst, "wsteth-eth-lrt")
    lrt.delegate(OPERATOR)
    if p.restaked_eth:
        world.fund(world.weth, RESTAKERS, world.weth.units(p.restaked_eth))
        lrt.deposit(RESTAKERS, world.weth, world.weth.units(p.restaked_eth))
    if p.restaked_wsteth_eth:
        world.fund(world.weth, RESTAKERS, world.weth.units(p.restaked_wsteth_eth))
        wrapped = world.stake(RESTAKERS, world.weth.units(p.restaked_wsteth_eth))
        lrt.deposit(RESTAKERS, world.wsteth, wrapped)
    _deploy_feeds(world)
    _deploy_pool(world, lrt, p)
    world.market.list_reserve(lrt.token, _usd_feed(p.oracle), WEETH_STRATEGY, **WEETH)
    state.drain_events()
    return LrtWorld(world, p)


def _deploy_feeds(world: World) -> None:
    state = world.state
    LrtRateFeed.deploy(state, RATE_FEED, ETH, lrt=LRT, quote=PAR_UNIT)
    ManualFeed.deploy(state, "eeth-eth-peg", ETH, base=PAR_UNIT, quote="WETH", answer=WAD)
    ManualFeed.deploy(state, PEG_FEED, ETH, base=PAR_UNIT, quote="WETH", answer=WAD)
    for mode, ratio in (("rate", "eeth-eth-peg"), ("market", PEG_FEED)):
        CompositeFeed.deploy(state, f"weeth-eth-{mode}", ETH, first=RATE_FEED, second=ratio)
        CompositeFeed.deploy(state, f"weeth-usd-{mode}", ETH, first=f"weeth-eth-{mode}", second="eth-usd",
                             decimals=FEED_DECIMALS)


def _deploy_pool(world: World, lrt: LiquidRestakingToken, p: LrtParams) -> None:
    state, weth = world.state, world.weth
    pools = world.params.pools
    pool = amm.StableSwap.deploy(state, LRT_POOL, ETH, [weth, lrt.token], A=pools.curve_a, fee=pools.curve_fee,
                                 admin_fee=pools.curve_admin_fee, rates=[None, RATE_FEED])
    if not (p.pool_weth and p.pool_lrt_eth):
        return
    world.fund(weth, LP, weth.units(p.pool_weth) + weth.units(p.pool_lrt_eth))
    minted = lrt.deposit(LP, weth, weth.units(p.pool_lrt_eth))
    pool.add_liquidity(LP, [weth.units(p.pool_weth), minted], 0)


__all__ = ["ALLOCATION", "AVS", "DELEGATION", "LRT", "LRT_POOL", "LRT_SYMBOL", "OPERATOR", "PAR_UNIT", "PEG_FEED", "RATE_FEED",
           "RESTAKERS", "STRATEGY_MANAGER", "WEETH", "WEETH_STRATEGY", "LrtOracle", "LrtParams", "LrtWorld",
           "deploy_lrt", "lrt_world"]
