"""The default world: Ethereum and an L2 with an LST issuer, a lending market, DEX pools,
price feeds, a bridge with a market on the L2, and a governor, built from
:class:`lstlab.params.WorldParams`.

A :class:`World` is the state plus the names of everything in it. Contracts are looked up in
the world's own state, so ``world.fork()`` is an independent world whose facades read the fork.

Feeds (all ``chain`` feeds; the market prices in USD with 8 decimals, as Aave):

- ``eth-usd`` (WETH/USD), ``usdc-usd``: settable;
- ``wsteth-steth``: the issuer's protocol rate (stETH per wstETH);
- ``steth-eth-peg``: stETH/ETH fixed at 1 (Aave's wstETH adapter assumes the peg);
- ``steth-eth-market``: stETH/ETH at market, set from data or from the pool;
- ``wsteth-usd-rate`` = rate x peg x ETH/USD; ``wsteth-usd-market`` = rate x market x ETH/USD.
  The market's wstETH reserve reads one of the two (``params.lending.oracle``); switch with
  :meth:`World.set_oracle`.

Governance: LDO (all minted to ``dao``, wrapped and self-delegated) is the votes token ``ldo:votes``; the
``governor`` and its ``timelock`` follow OpenZeppelin's rules. Parameters stay settable
directly (scenarios and probes need that) until :meth:`World.hand_parameters_to_governance`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs

import amm
import bridge
import governance
import lending
import lst
from chain import WAD, CompositeFeed, InvalidArgument, ManualFeed, State, Token
from lending import presets as aave
from lending.rates import RateStrategy
from lstlab.world.names import (
    BORROWER,
    BRIDGE,
    BRIDGE_L2,
    CEX,
    CURVE,
    DAO,
    ETH,
    FACTORY,
    FEED_DECIMALS,
    GOVERNOR,
    ISSUER,
    L2,
    L2_CURVE,
    L2_MARKET,
    LENDER,
    LP,
    MARKET,
    QUEUE,
    ROUTER,
    SECONDS_PER_YEAR,
    STAKERS,
    TIMELOCK,
    TREASURY,
    VOTES,
    WRAPPER,
)
from lstlab.world.params import OracleMode, WorldParams
from lstlab.world.venues import PoolInfo

USDC_STRATEGY = RateStrategy.from_percent("92", "0", "6.5", "60")
"""USDC on Aave V3 Ethereum, approximately (U* 92%, slope1 6.5%, slope2 60%): a stand-in so the
market has a stablecoin; not from REFERENCE, re-read on-chain before relying on it."""
USDC: dict[str, Any] = dict(ltv=7500, liquidation_threshold=7800, liquidation_bonus=10450,
                            liquidation_protocol_fee=1000, reserve_factor=1000)
"""USDC risk figures, approximately Aave V3 Ethereum's (same caveat as the strategy)."""


def _usd(value: float) -> int:
    return round(value * 10**FEED_DECIMALS)


def _wad(value: float) -> int:
    return round(value * WAD)


@attrs.frozen
class World:
    """A state and the names of what is in it (see the module docstring)."""

    state: State
    params: WorldParams
    weth: Token
    usdc: Token
    steth: Token
    wsteth: Token
    l2_weth: Token
    l2_wsteth: Token
    _lists: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    """:meth:`pools` and :meth:`markets` as first read (what they list is fixed once the world
    is built: params are frozen, contracts are never unregistered); a fork starts its own."""

    def fork(self) -> World:
        """An independent copy of the world (``state.fork()``)."""
        return attrs.evolve(self, state=self.state.fork())

    @property
    def issuer(self) -> lst.Issuer:
        return self.state.contract(ISSUER)  # type: ignore[return-value]

    @property
    def wrapper(self) -> lst.Wrapper:
        return self.state.contract(WRAPPER)  # type: ignore[return-value]

    @property
    def queue(self) -> lst.WithdrawalQueue:
        return self.state.contract(QUEUE)  # type: ignore[return-value]

    @property
    def market(self) -> lending.Market:
        return self.state.contract(MARKET)  # type: ignore[return-value]

    @property
    def l2_market(self) -> lending.Market:
        return self.state.contract(L2_MARKET)  # type: ignore[return-value]

    @property
    def curve(self) -> amm.StableSwap:
        return self.state.contract(CURVE)  # type: ignore[return-value]

    @property
    def pair(self) -> amm.Pair:
        return self.router.pair_for(self.wsteth, self.weth)

    @property
    def router(self) -> amm.Router:
        return self.state.contract(ROUTER)  # type: ignore[return-value]

    @property
    def usdc_pair(self) -> amm.Pair:
        return self.router.pair_for(self.weth, self.usdc)

    @property
    def l2_curve(self) -> amm.StableSwap:
        return self.state.contract(L2_CURVE)  # type: ignore[return-value]

    def market_addresses(self) -> tuple[str, ...]:
        """Addresses of the Ethereum markets, ``params.markets`` in order (:func:`market_address`)."""
        return tuple(market_address(self.params, name) for name in self.params.markets)

    def markets(self) -> dict[str, lending.Market]:
        """Every lending market of the world by address: the Ethereum ones in the order of
        ``params.markets`` (``World.market`` first), then the L2's (a new dict each call)."""
        found = self._lists.get("markets")
        if found is None:
            found = self._lists["markets"] = {address: self.state.contract(address)
                                              for address in (*self.market_addresses(), L2_MARKET)}
        return dict(found)  # type: ignore[arg-type]

    def pools(self) -> tuple[PoolInfo, ...]:
        """Every pool present in the world, on every network (see :class:`PoolInfo`), in the
        order curve, v2, usdc_v2, l2_curve; a pool switched off in ``params.pools`` is absent."""
        found = self._lists.get("pools")
        if found is None:
            found = self._lists["pools"] = self._find_pools()
        return found  # type: ignore[no-any-return]

    def _find_pools(self) -> tuple[PoolInfo, ...]:
        on = self.params.pools
        out = []
        if on.curve:
            out.append(PoolInfo("curve", CURVE, ETH, "stableswap", self.wsteth, self.weth))
        if on.v2:
            out.append(PoolInfo("v2", self.pair.address, ETH, "v2", self.wsteth, self.weth))
        if on.usdc_v2:
            out.append(PoolInfo("usdc_v2", self.usdc_pair.address, ETH, "v2", self.weth, self.usdc))
        if on.l2_curve:
            out.append(PoolInfo("l2_curve", L2_CURVE, L2, "stableswap", self.l2_wsteth, self.l2_weth))
        return tuple(out)

    @property
    def governor(self) -> governance.Governor:
        return self.state.contract(GOVERNOR)  # type: ignore[return-value]

    @property
    def votes(self) -> governance.VotesToken:
        return self.state.contract(VOTES)  # type: ignore[return-value]

    def hand_parameters_to_governance(self) -> None:
        """Make the timelock the parameter admin of the market, the issuer, the pool and the
        bridge: from then on only executed proposals change their parameters."""
        for contract in (self.market, self.issuer, self.curve, self.bridge):
            contract.set_param_admin(TIMELOCK)

    @property
    def bridge(self) -> bridge.L1TokenBridge:
        return self.state.contract(BRIDGE)  # type: ignore[return-value]

    def feed(self, name: str) -> Any:
        return self.state.contract(name)

    def set_oracle(self, name: OracleMode | str, **options: Any) -> list[str]:
        """Price wstETH in every Ethereum market that lists it with the oracle ``name`` (one of
        ``lstlab.world.oracles.ORACLES``), through :func:`lstlab.world.oracles.install`
        (idempotent; ``options`` pass on to it). The L2 market keeps its relayed-rate feed: the
        named oracles are Ethereum feeds. Returns the feed address each market then reads, in
        ``markets()`` order."""
        from lstlab.world import oracles

        return [oracles.install(self, name, market=address, **options) for address in self.market_addresses()
                if self.wsteth in self.state.contract(address).reserves()]  # type: ignore[attr-defined]

    def set_prices(self, eth_usd: float, steth_eth: float) -> None:
        """Set the ETH/USD and the stETH/ETH market feeds (floats from a price table)."""
        self.feed("eth-usd").set(_usd(eth_usd))
        self.feed("l2:eth-usd").set(_usd(eth_usd))
        self.feed("steth-eth-market").set(_wad(steth_eth))

    def fund(self, token: Token, account: str, amount: int) -> None:
        """Mint ``amount`` of ``token`` to ``account`` (adding the account if new)."""
        if not self.state.has_address(account):
            self.state.add_account(account)
        self.state.mint(token, account, amount)

    def report_rewards(self, staking_apr: float) -> int:
        """An oracle report crediting ``staking_apr`` (what holders earn after the protocol
        fee, as Lido quotes its APR) for the time since the last report; returns the CL gain.

        The consensus-layer balance grows at ``staking_apr / (1 - fee)`` a year, simple over
        the interval; buffered ETH earns nothing, as on chain.
        """
        issuer = self.issuer
        pool = issuer.pool()
        elapsed = self.state.now - pool.last_report_time
        base = pool.cl_balance + (pool.deposited_validators - pool.cl_validators) * issuer.size
        fee = issuer.get_param("fee_bps")
        gross = Decimal(repr(staking_apr)) * 10_000 / (10_000 - fee)
        gain = int(Decimal(base) * gross * elapsed / SECONDS_PER_YEAR)
        issuer.report(base + gain)
        return gain

    def stake(self, account: str, amount: int) -> int:
        """Stake ``amount`` WETH of ``account`` and wrap it all; returns the wstETH minted."""
        self.issuer.submit(account, amount)
        return self.wrapper.wrap(account, self.issuer.balance_of(account))


def _deploy_feeds(state: State, p: WorldParams) -> None:
    ManualFeed.deploy(state, "eth-usd", ETH, base="WETH", quote="USD", decimals=FEED_DECIMALS, answer=_usd(p.eth_usd))
    ManualFeed.deploy(state, "usdc-usd", ETH, base="USDC", quote="USD", decimals=FEED_DECIMALS, answer=_usd(1.0))
    lst.RateFeed.deploy(state, "wsteth-steth", ETH, issuer=ISSUER, base="wstETH", quote="stETH")
    ManualFeed.deploy(state, "steth-eth-peg", ETH, base="stETH", quote="WETH", answer=WAD)
    ManualFeed.deploy(state, "steth-eth-market", ETH, base="stETH", quote="WETH", answer=_wad(p.steth_eth))
    for mode, ratio in (("rate", "steth-eth-peg"), ("market", "steth-eth-market")):
        CompositeFeed.deploy(state, f"wsteth-eth-{mode}", ETH, first="wsteth-steth", second=ratio)
        CompositeFeed.deploy(state, f"wsteth-usd-{mode}", ETH, first=f"wsteth-eth-{mode}", second="eth-usd",
                             decimals=FEED_DECIMALS)


def _deploy_issuer(world: World, p: WorldParams) -> None:
    state, issuer = world.state, world.issuer
    for k in range(p.lst.operators):
        address = state.add_account(f"operator-{k:02d}")
        issuer.add_operator(f"operator {k:02d}", address)
    _set_start_rate(world, p.lst.start_rate)
    issuer.set_param("fee_bps", p.lst.fee_bps)


def _set_start_rate(world: World, rate: float) -> None:
    """Bring the fresh issuer (only its bootstrap staked) to ``rate`` stETH per wstETH: one
    fee-free report crediting execution-layer rewards of ``round(rate * 1e18) * S // 1e18 - T``
    wei (the rewards earned before the world's start), so ``st_per_token`` is ``round(rate *
    1e18)`` to the wei. Later stakes mint shares at that rate (floors favour holders)."""
    issuer = world.issuer
    target = _wad(rate) * issuer.total_shares() // WAD
    extra = target - issuer.total_pooled()
    if extra > 0:
        issuer.set_param("fee_bps", 0)
        issuer.report(0, el_rewards=extra)


def market_address(p: WorldParams, preset: str) -> str:
    """Where the Ethereum market of preset ``preset`` lives: ``names.MARKET`` for the first of
    ``p.markets``, the preset's name for the others."""
    return MARKET if preset == p.markets[0] else preset


def _deploy_preset(world: World, p: WorldParams, preset: str) -> lending.Market:
    """Deploy preset ``preset`` of ``lending.presets.PRESETS`` at :func:`market_address` with the
    world's WETH and wstETH and their USD feeds (the LST as wstETH in every market: the world's
    pools trade wstETH, and Aave v2's stETH reserve takes it with stETH's figures, see
    ``aave_v2_ethereum``). Every market prices in USD with the world's 8 feed decimals, Aave v2
    included (its oracle quoted ETH): health factors are ratios, the numeraire changes only
    the floors, and one base keeps every world oracle usable in every market. Raises
    InvalidArgument for an unknown preset."""
    presets = aave.PRESETS
    if preset not in presets:
        raise InvalidArgument(f"unknown market preset {preset!r}: use one of {sorted(presets)}")
    mode = "rate" if p.lending.oracle == "exchange-rate" else "market"
    kwargs: dict[str, Any] = {"treasury": TREASURY, "weth": world.weth, "weth_feed": "eth-usd",
                              "wsteth": world.wsteth, "wsteth_feed": f"wsteth-usd-{mode}",
                              "base_currency": "USD", "price_decimals": FEED_DECIMALS}
    if p.markets_as_of != "latest":
        kwargs["as_of"] = p.markets_as_of
    first = preset == p.markets[0]
    if first and p.lending.liquidation_v33:
        kwargs["liquidation_v33"] = True
    market = presets[preset](world.state, market_address(p, preset), ETH, **kwargs)
    if first and world.usdc not in market.reserves():
        market.list_reserve(world.usdc, "usdc-usd", USDC_STRATEGY, **USDC)
    return market


def _deploy_market(world: World, p: WorldParams) -> None:
    weth, wst = world.weth, world.wsteth
    for preset in p.markets:
        _deploy_preset(world, p, preset)
    market = world.market
    if p.lending.weth_supplied:
        world.fund(weth, LENDER, weth.units(p.lending.weth_supplied))
        market.supply(LENDER, weth, weth.units(p.lending.weth_supplied))
    if p.lending.usdc_supplied and world.usdc in market.reserves():
        world.fund(world.usdc, LENDER, world.usdc.units(p.lending.usdc_supplied))
        market.supply(LENDER, world.usdc, world.usdc.units(p.lending.usdc_supplied))
    if not p.lending.background:
        return
    world.fund(weth, BORROWER, weth.units(p.lending.background_wsteth))
    collateral = world.stake(BORROWER, weth.units(p.lending.background_wsteth))
    market.supply(BORROWER, wst, collateral)
    market.set_emode(BORROWER, aave.ETH_CORRELATED)
    if p.lending.weth_borrowed:
        market.borrow(BORROWER, weth, weth.units(p.lending.weth_borrowed))


def _deploy_pools(world: World, p: WorldParams) -> None:
    state, weth, wst, on = world.state, world.weth, world.wsteth, p.pools
    if on.curve:
        curve = amm.StableSwap.deploy(state, CURVE, ETH, [weth, wst], A=p.pools.curve_a, fee=p.pools.curve_fee,
                                      admin_fee=p.pools.curve_admin_fee, rates=[None, "wsteth-steth"])
        world.fund(weth, LP, weth.units(p.pools.curve_eth) + weth.units(p.pools.curve_steth))
        wst_amount = world.stake(LP, weth.units(p.pools.curve_steth))
        curve.add_liquidity(LP, [weth.units(p.pools.curve_eth), wst_amount], 0)
    amm.Factory.deploy(state, FACTORY, ETH)
    router = amm.Router.deploy(state, ROUTER, ETH, factory=FACTORY)
    if on.v2:
        world.fund(weth, LP, weth.units(2 * p.pools.v2_weth))
        v2_wst = world.stake(LP, weth.units(p.pools.v2_weth))
        router.add_liquidity(LP, wst, weth, v2_wst, weth.units(p.pools.v2_weth), 0, 0, LP, state.now + 60)
    if on.usdc_v2:
        usdc_side = world.usdc.units(1) * _usd(p.eth_usd) * p.pools.usdc_v2_weth // 10**FEED_DECIMALS
        world.fund(weth, LP, weth.units(p.pools.usdc_v2_weth))
        world.fund(world.usdc, LP, usdc_side)
        router.add_liquidity(LP, weth, world.usdc, weth.units(p.pools.usdc_v2_weth), usdc_side, 0, 0, LP,
                             state.now + 60)


def _deploy_l2(world: World, p: WorldParams) -> None:
    state = world.state
    ManualFeed.deploy(state, "l2:eth-usd", L2, base="WETH", quote="USD", decimals=FEED_DECIMALS,
                      answer=_usd(p.eth_usd))
    b = world.bridge
    b.deploy_rate_feed("l2:wsteth-steth", "wsteth-steth")
    ManualFeed.deploy(state, "l2:steth-eth-peg", L2, base="stETH", quote="WETH", answer=WAD)
    CompositeFeed.deploy(state, "l2:wsteth-eth", L2, first="l2:wsteth-steth", second="l2:steth-eth-peg")
    CompositeFeed.deploy(state, "l2:wsteth-usd", L2, first="l2:wsteth-eth", second="l2:eth-usd",
                         decimals=FEED_DECIMALS)
    market = lending.Market.deploy(state, L2_MARKET, L2, treasury=TREASURY)
    market.list_reserve(world.l2_weth, "l2:eth-usd", aave.WETH_STRATEGY, **aave.WETH)
    market.list_reserve(world.l2_wsteth, "l2:wsteth-usd", aave.WSTETH_STRATEGY, **aave.WSTETH)
    market.set_emode_category(aave.ETH_CORRELATED, **aave.ETH_CORRELATED_FIGURES)
    if p.bridge.l2_weth:
        world.fund(world.l2_weth, LENDER, world.l2_weth.units(p.bridge.l2_weth))
        market.supply(LENDER, world.l2_weth, world.l2_weth.units(p.bridge.l2_weth))
    bridged = {BORROWER: p.bridge.bridged_wsteth, LP: p.pools.l2_curve_wsteth if p.pools.l2_curve else 0,
               CEX: p.bridge.cex_l2_wsteth}
    for account, eth in bridged.items():
        if eth:
            world.fund(world.weth, account, world.weth.units(eth))
            b.deposit(account, world.stake(account, world.weth.units(eth)))
    state.advance(p.bridge.deposit_latency)
    b.relay()
    if p.bridge.bridged_wsteth:
        market.supply(BORROWER, world.l2_wsteth, state.balance_of(world.l2_wsteth, BORROWER))
    if p.pools.l2_curve:
        pool = amm.StableSwap.deploy(state, L2_CURVE, L2, [world.l2_weth, world.l2_wsteth], A=p.pools.curve_a,
                                     fee=p.pools.curve_fee, admin_fee=p.pools.curve_admin_fee,
                                     rates=[None, "l2:wsteth-steth"])
        world.fund(world.l2_weth, LP, world.l2_weth.units(p.pools.l2_curve_weth))
        pool.add_liquidity(LP, [world.l2_weth.units(p.pools.l2_curve_weth),
                                state.balance_of(world.l2_wsteth, LP)], 0)
    b.push_rate("l2:wsteth-steth")
    state.advance(p.bridge.deposit_latency)
    b.relay()


def _deploy_governance(world: World, p: WorldParams) -> None:
    state = world.state
    ldo = state.add_token(ETH, "LDO")
    state.mint(ldo, DAO, ldo.units(p.governance.supply))
    votes = governance.VotesToken.deploy(state, VOTES, ETH, underlying=ldo)
    votes.deposit_for(DAO, DAO, ldo.units(p.governance.supply))
    votes.delegate(DAO, DAO)
    g = p.governance
    governance.Governor.deploy(state, GOVERNOR, ETH, votes=VOTES, timelock=TIMELOCK,
                               voting_delay=g.voting_delay_blocks, voting_period=g.voting_period_blocks,
                               proposal_threshold=ldo.units(g.supply) // 1000, quorum_numerator=g.quorum_percent,
                               timelock_delay=g.timelock_delay)


def staked_at_build(p: WorldParams) -> int:
    """ETH (whole) staked by the positions and pools the world builds, before ``stakers`` top
    the issuer up to ``p.lst.staked_eth``: only those present count."""
    on = p.pools
    return ((p.lending.background_wsteth if p.lending.background else 0) + (p.pools.curve_steth if on.curve else 0)
            + (p.pools.v2_weth if on.v2 else 0) + p.bridge.bridged_wsteth
            + (p.pools.l2_curve_wsteth if on.l2_curve else 0) + p.bridge.cex_l2_wsteth)


def start_time(p: WorldParams) -> int:
    """Unix seconds of ``p.start`` at 00:00 UTC."""
    return int(datetime.fromisoformat(p.start).replace(tzinfo=UTC).timestamp())


def default_world(params: WorldParams | None = None, *, start: int | None = None) -> World:
    """Build the default world (see the module docstring); ``start`` overrides the clock."""
    p = params or WorldParams()
    state = State(start_time=start_time(p) if start is None else start)
    state.add_network(ETH, block_time=12)
    state.add_network(L2, block_time=2)
    for account in (TREASURY, DAO, LENDER, BORROWER, STAKERS, LP, CEX):
        state.add_account(account)
    weth = state.add_token(ETH, "WETH")
    usdc = state.add_token(ETH, "USDC", 6)
    l2_weth = state.add_token(L2, "WETH")
    state.mint(weth, DAO, weth.units(1))
    issuer = lst.Issuer.deploy(state, ISSUER, ETH, native=weth, funder=DAO, bootstrap=weth.units(1), treasury=TREASURY)
    lst.Wrapper.deploy(state, WRAPPER, ETH, issuer=ISSUER)
    lst.WithdrawalQueue.deploy(state, QUEUE, ETH, issuer=ISSUER)
    wsteth = state.token(ETH, "wstETH")
    bridge.L1TokenBridge.deploy(state, BRIDGE, ETH, canonical=wsteth, destination=L2, l2_address=BRIDGE_L2,
                                fee_recipient=TREASURY, deposit_latency=p.bridge.deposit_latency,
                                withdrawal_delay=p.bridge.withdrawal_delay)
    world = World(state, p, weth, usdc, issuer.token, wsteth, l2_weth, state.token(L2, "wstETH"))
    _deploy_issuer(world, p)
    _deploy_feeds(state, p)
    _deploy_market(world, p)
    _deploy_pools(world, p)
    _deploy_l2(world, p)
    _deploy_governance(world, p)
    rest = p.lst.staked_eth - staked_at_build(p)
    if rest > 0:
        world.fund(weth, STAKERS, weth.units(rest))
        issuer.submit(STAKERS, weth.units(rest))
    issuer.deposit()
    from lstlab.world.providers import deploy_providers  # it builds on this module's World

    deploy_providers(world, p.providers)
    state.drain_events()
    return world
