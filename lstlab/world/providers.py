"""Many liquid staking providers in one world: each chosen issuer deployed on its own network
(added with the chain preset's block time), with its withdrawal queue, its rate feed, its
deepest DEX pool, an instant-unstake pool where the protocol runs one, and a lending listing
where the world's market lists it.

The default world is built around Lido (``"steth"``: ``names.ISSUER`` and its venues), so
``"steth"`` needs no deployment; :func:`deploy_providers` adds the others from
:data:`PLACEMENTS`. Addresses are fixed per provider (:class:`Placement`), so a world's
providers are found from its state (:func:`providers`), forks included.

Rewards: the world's Lido is reported by the backtest itself (daily, at the table's APR).
:class:`ProviderReports` reports every other provider at its own oracle cadence (a whole number
of its chain's epochs, ``ProviderPreset.report_period_seconds``), crediting its chain's reward
rate ``ChainPreset.reward_rate_bps`` (gross: the issuer takes its fee), within the report limit
the issuer took from its chain preset.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

import amm
import lst
from chain import CompositeFeed, InvalidArgument, Token
from lending import presets as aave
from lst import ProviderPreset, ReportOutOfBounds
from lst.operators import round_robin
from lstlab.world.names import (
    CURVE,
    DAO,
    ETH,
    FEED_DECIMALS,
    ISSUER,
    LP,
    MARKET,
    QUEUE,
    SECONDS_PER_YEAR,
    STAKERS,
    TREASURY,
)

if TYPE_CHECKING:
    from lstlab.world.build import World

CURVE_FEE = 4_000_000
"""0.04% in Curve's 1e10 units, the fee of the world's stETH pool (REFERENCE 7), used for every
provider pool: LST/native StableSwap pools charge of that order."""
CURVE_A = 50
"""Amplification of the provider pools: a modelling choice of the order of Curve's LST/ETH pools
(the stETH pool ran A = 30 to 50 over 2023; PoolParams.curve_a)."""


@attrs.frozen
class Placement:
    """How one provider sits in a world (whole native tokens; each figure's source in
    ``sources``, "approx." marking round numbers for simulation).

    ``staked``: native staked with the issuer at build; ``operators``: node operators (stake
    split evenly, ``lst.round_robin``: the providers' own allocation rules are not modelled);
    ``pool_native``/``pool_lst``: the two sides of its LST/native StableSwap pool (the LST side
    as its native value; 0: no pool); ``unstake_liquidity``/``unstake_target``: native in the
    instant-unstake pool and its liquidity target (0: none); ``lending``: its symbol key in
    ``lending.presets.V3_2023_06_19`` when the world's Ethereum market lists it.
    """

    preset: ProviderPreset
    address: str
    staked: int
    operators: int
    pool_native: int = 0
    pool_lst: int = 0
    unstake_liquidity: int = 0
    unstake_target: int = 0
    lending: str | None = None
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return self.preset.key

    @property
    def network(self) -> str:
        return self.preset.chain.name

    @property
    def queue(self) -> str:
        return f"{self.address}:queue"

    @property
    def rate_feed(self) -> str:
        """Native per whole LST, the issuer's protocol rate (``lst.RateFeed``)."""
        return f"{self.key}-rate"

    @property
    def usd_feed(self) -> str:
        """The LST in USD at its protocol rate (Ethereum providers only: rate x ``eth-usd``)."""
        return f"{self.key}-usd-rate"

    @property
    def pool(self) -> str:
        return f"curve:{self.key}"

    @property
    def unstake(self) -> str:
        return f"{self.address}:unstake"


STETH_PLACEMENT = Placement(lst.STETH, ISSUER, staked=0, operators=0)
"""The world's own Lido (built by ``default_world`` from ``WorldParams.lst`` and ``.pools``):
figures here are unused; :func:`providers` gives its real addresses."""

PLACEMENTS: dict[str, Placement] = {
    "steth": STETH_PLACEMENT,
    "reth": Placement(
        lst.RETH, "rocketpool", staked=550_000, operators=1_659, pool_native=10_000, pool_lst=10_000,
        lending="RETH",
        sources=(("staked", "approx.: ETH backing rETH, 2024-2025 (rocketscan.io), order of magnitude"),
                 ("operators", "1,659 node operators, Oct 2022 (iq.wiki Rocket Pool)"),
                 ("pool", "illustrative: rETH/ETH liquidity of the order of Balancer's and Curve's pools"),
                 ("lending", "Aave v3 Ethereum rETH on 2023-06-19 (lending.presets.V3_2023_06_19)")),
    ),
    "cbeth": Placement(
        lst.CBETH, "coinbase", staked=178_000, operators=1, pool_native=3_000, pool_lst=3_000,
        lending="CBETH",
        sources=(("staked", "cbETH circulating supply 178,149 (exponential.fi cbETH page)"),
                 ("operators", "Coinbase runs its validators itself: one operator"),
                 ("pool", "illustrative: Curve cbETH/ETH of a few thousand ETH a side"),
                 ("lending", "Aave v3 Ethereum cbETH on 2023-06-19 (lending.presets.V3_2023_06_19)")),
    ),
    "msol": Placement(
        lst.MSOL, "marinade", staked=5_000_000, operators=100, pool_native=150_000, pool_lst=150_000,
        unstake_liquidity=100_000, unstake_target=21_000,
        sources=(("staked", "approx.: SOL liquid-staked with Marinade, 2024-2025, order of magnitude"),
                 ("operators", "100+ validators (docs.marinade.finance FAQ)"),
                 ("pool", "illustrative: mSOL/SOL DEX liquidity (Orca, Raydium) of that order"),
                 ("unstake_target", "liquidity target 21,000 SOL (docs.marinade.finance Unstake Liquidity Pool)"),
                 ("unstake_liquidity", ("illustrative: the docs' worked example holds 581,250 SOL; "
                                       "100,000 keeps a large sale above the minimum fee"))),
    ),
    "statom": Placement(
        lst.STATOM, "stride", staked=7_000_000, operators=30, pool_native=500_000, pool_lst=500_000,
        sources=(("staked", "approx.: ATOM liquid-staked with Stride, 2024, order of magnitude"),
                 ("operators", "approx.: the host-zone validator set Stride governance chooses"),
                 ("pool", "illustrative: the Osmosis stATOM/ATOM StableSwap pool, of that order")),
    ),
}
"""Every provider's placement by key (:data:`lst.PROVIDERS` keys)."""

NATIVE_SYMBOL = {"ethereum": "WETH"}
"""The ledger token that stands for a network's native coin: the world's WETH on Ethereum (as
its Lido), the chain preset's ``native_symbol`` elsewhere."""


@attrs.frozen
class Provider:
    """A provider deployed in a world: its placement and the addresses of its contracts (None
    where it has no such contract)."""

    placement: Placement
    issuer: str
    queue: str
    rate_feed: str
    pool: str | None
    unstake: str | None
    market: str | None

    @property
    def key(self) -> str:
        return self.placement.key

    @property
    def preset(self) -> ProviderPreset:
        return self.placement.preset

    @property
    def network(self) -> str:
        return self.placement.network


def placement(key: str) -> Placement:
    """The placement of provider ``key``; raises InvalidArgument naming the known keys."""
    if key not in PLACEMENTS:
        raise InvalidArgument(f"unknown provider {key!r}: use one of {sorted(PLACEMENTS)}")
    return PLACEMENTS[key]


def native_token(world: World, network: str) -> Token:
    """The native ledger token of ``network`` in ``world`` (see :data:`NATIVE_SYMBOL`)."""
    symbol = NATIVE_SYMBOL.get(network) or lst.PRESETS[network].native_symbol
    return world.state.token(network, symbol)


def _ensure_network(world: World, p: Placement) -> Token:
    state, chain_preset = world.state, p.preset.chain
    if p.network not in {n.name for n in state.networks}:
        state.add_network(p.network, block_time=chain_preset.block_time)
        state.add_token(p.network, chain_preset.native_symbol, chain_preset.decimals)
    return native_token(world, p.network)


def _stake(world: World, issuer: lst.Issuer, account: str, amount: int) -> int:
    world.fund(issuer.native, account, amount)
    return issuer.submit(account, amount)


def _deploy_one(world: World, p: Placement) -> Provider:
    state, preset = world.state, p.preset
    native = _ensure_network(world, p)
    unit = 10**native.decimals
    world.fund(native, DAO, unit)
    issuer = lst.Issuer.deploy(state, p.address, p.network, native=native, funder=DAO, bootstrap=unit,
                               treasury=TREASURY, symbol=preset.symbol, preset=preset.chain,
                               rebasing=preset.rebasing, policy=round_robin)
    issuer.set_param("fee_bps", preset.fee_bps)
    issuer.set_param("operators_share_bps", preset.operators_share_bps)
    for k in range(p.operators):
        issuer.add_operator(f"{p.key} operator {k:04d}", state.add_account(f"{p.key}-op-{k:04d}"))
    lst.WithdrawalQueue.deploy(state, p.queue, p.network, issuer=p.address,
                               finalization_delay=preset.exit_delay_seconds)
    lst.RateFeed.deploy(state, p.rate_feed, p.network, issuer=p.address)
    if p.staked > p.pool_lst:
        _stake(world, issuer, STAKERS, (p.staked - p.pool_lst) * unit)
    pool = _deploy_pool(world, p, issuer, native, unit) if p.pool_native else None
    issuer.deposit()
    unstake = _deploy_unstake(world, p, unit) if p.unstake_liquidity else None
    market = _list(world, p, issuer.token) if p.lending else None
    return Provider(p, p.address, p.queue, p.rate_feed, pool, unstake, market)


def _deploy_pool(world: World, p: Placement, issuer: lst.Issuer, native: Token, unit: int) -> str:
    pool = amm.StableSwap.deploy(world.state, p.pool, p.network, [native, issuer.token], A=CURVE_A, fee=CURVE_FEE,
                                 rates=[None, p.rate_feed])
    lst_amount = _stake(world, issuer, LP, p.pool_lst * unit)
    world.fund(native, LP, p.pool_native * unit)
    pool.add_liquidity(LP, [p.pool_native * unit, lst_amount], 0)
    return p.pool


def _deploy_unstake(world: World, p: Placement, unit: int) -> str:
    fees = p.preset.unstake
    if fees is None:
        raise InvalidArgument(f"{p.key} has unstake liquidity but its preset has no unstake fee curve")
    pool = lst.UnstakePool.deploy(world.state, p.unstake, p.network, issuer=p.address,
                                  liquidity_target=p.unstake_target * unit, min_fee_bps=fees.min_fee_bps,
                                  max_fee_bps=fees.max_fee_bps, treasury=TREASURY,
                                  treasury_cut_bps=fees.treasury_cut_bps)
    world.fund(pool.issuer.native, LP, p.unstake_liquidity * unit)
    pool.add_liquidity(LP, p.unstake_liquidity * unit)
    return p.unstake


def _list(world: World, p: Placement, token: Token) -> str:
    if p.network != ETH:
        raise InvalidArgument(f"{p.key} lives on {p.network}: the world's lending market is on {ETH}")
    CompositeFeed.deploy(world.state, p.usd_feed, ETH, first=p.rate_feed, second="eth-usd", decimals=FEED_DECIMALS)
    figures = aave.V3_2023_06_19[p.lending]  # type: ignore[index]
    world.market.list_reserve(token, p.usd_feed, figures.strategy, **figures.settings)
    return MARKET


def deploy_providers(world: World, names: Iterable[str]) -> dict[str, Provider]:
    """Deploy each provider of ``names`` (keys of :data:`PLACEMENTS`) not yet in ``world``, on
    its network (added when absent), all or nothing; returns every named provider's handle.
    ``"steth"`` is the world's own Lido. Raises InvalidArgument (an unknown or repeated name)."""
    keys = list(names)
    if len(set(keys)) != len(keys):
        raise InvalidArgument(f"providers must be distinct, got {keys}")
    chosen = [placement(k) for k in keys]
    with world.state.atomic():
        for p in chosen:
            if p.key != "steth" and not world.state.has_address(p.address):
                _deploy_one(world, p)
    found = providers(world)
    return {k: found[k] for k in keys}


def providers(world: World) -> dict[str, Provider]:
    """Every provider present in ``world`` by key, Lido first (found from the state)."""
    out = {"steth": Provider(STETH_PLACEMENT, ISSUER, QUEUE, "wsteth-steth",
                             CURVE if world.params.pools.curve else None, None, MARKET)}
    state = world.state
    for key, p in PLACEMENTS.items():
        if key == "steth" or not state.is_contract(p.address):
            continue
        out[key] = Provider(
            p, p.address, p.queue, p.rate_feed,
            p.pool if state.is_contract(p.pool) else None,
            p.unstake if state.is_contract(p.unstake) else None,
            MARKET if p.lending and state.is_contract(p.usd_feed) else None,
        )
    return out


def report_due(world: World, provider: Provider) -> bool:
    """Whether a whole report period (``preset.report_period_seconds``) has passed since the
    issuer's last report."""
    issuer: lst.Issuer = world.state.contract(provider.issuer)  # type: ignore[assignment]
    return world.state.now - issuer.pool().last_report_time >= provider.preset.report_period_seconds


def report_rewards(world: World, provider: Provider) -> int:
    """Report the issuer of ``provider`` with its CL balance grown at its chain's
    ``reward_rate_bps`` a year, simple over the time since its last report (floor); returns the
    gain in native base units. Buffered native earns nothing, as on chain. Raises
    ReportOutOfBounds when the gain exceeds the issuer's ``annual_increase_limit_bps``."""
    issuer: lst.Issuer = world.state.contract(provider.issuer)  # type: ignore[assignment]
    pool = issuer.pool()
    elapsed = world.state.now - pool.last_report_time
    base = pool.cl_balance + (pool.deposited_validators - pool.cl_validators) * issuer.size
    gain = base * provider.preset.chain.reward_rate_bps * elapsed // (10_000 * SECONDS_PER_YEAR)
    issuer.report(base + gain)
    return gain


@attrs.frozen
class ProviderReports:
    """The oracles of every provider but the world's Lido, as a backtest agent: each step,
    each issuer whose report period has passed is reported (:func:`report_rewards`).

    Metrics: ``{name}_{key}_reports`` (count), ``{name}_{key}_rewards_{native}`` (native
    credited, whole tokens, e.g. ``providers_msol_rewards_sol``), ``{name}_blocked_report_limit``
    (reports the issuer's limit refused; the issuer is left as it was)."""

    name: str = "providers"

    def act(self, world: World, step: object) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, provider in providers(world).items():
            if key == "steth" or not report_due(world, provider):
                continue
            try:
                gain = report_rewards(world, provider)
            except ReportOutOfBounds:
                out[f"{self.name}_blocked_report_limit"] = out.get(f"{self.name}_blocked_report_limit", 0.0) + 1
                continue
            chain_preset = provider.preset.chain
            out[f"{self.name}_{key}_reports"] = 1.0
            out[f"{self.name}_{key}_rewards_{chain_preset.native_symbol.lower()}"] = gain / 10**chain_preset.decimals
        return out


__all__ = [
    "PLACEMENTS",
    "Placement",
    "Provider",
    "ProviderReports",
    "deploy_providers",
    "native_token",
    "placement",
    "providers",
    "report_due",
    "report_rewards",
]
