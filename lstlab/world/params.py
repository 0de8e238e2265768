"""Every figure of the default world, with its source or reason, in one place.

Amounts are whole tokens (the world converts them to base units); rates and ratios are in
basis points unless a name says otherwise. Users change the world by passing other values
(in Python, or in a scenario file's ``[world]`` table), never by editing code.

Sources: ../shared/REFERENCE.md (cited by section), ../shared/data/PROVENANCE.md (the
2023-06-19 snapshot of the Lido risk team's liquidation model), or a stated reason where a
figure is a modelling choice rather than a measurement.
"""

from __future__ import annotations

from typing import Literal

import attrs

OracleMode = Literal["exchange-rate", "market"]


def _positive(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be positive, got {value}")


def _non_negative(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _at_least_one(_instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 1:
        raise ValueError(f"{attribute.name} must be at least 1, got {value}")


def _market_names(_instance: object, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    if not value or len(set(value)) != len(value) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{attribute.name} must name one or more distinct market presets, got {value!r}")


def _provider_names(_instance: object, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    from lst import PROVIDERS

    if len(set(value)) != len(value) or not all(v in PROVIDERS for v in value):
        raise ValueError(f"{attribute.name} must name distinct providers of {sorted(PROVIDERS)}, got {value!r}")


def _bps(_instance: object, attribute: attrs.Attribute, value: int) -> None:
    if not 0 <= value <= 10_000:
        raise ValueError(f"{attribute.name} must be in [0, 10000] bps, got {value}")


@attrs.frozen
class LstParams:
    """The liquid staking issuer (Lido on Ethereum)."""

    staked_eth: int = attrs.field(default=9_000_000, validator=_positive)
    """ETH staked with the issuer. Lido held about 9.0-9.5M ETH through 2024 (Lido's public
    dashboards); only the order of magnitude matters to the loop."""
    operators: int = attrs.field(default=30, validator=_positive)
    """Node operators of the curated set (Lido's curated module has had about 30-40)."""
    fee_bps: int = attrs.field(default=1000, validator=_bps)
    """Protocol fee on rewards: 10%, half to operators (REFERENCE 5)."""
    staking_apr: float = attrs.field(default=0.035, validator=_non_negative)
    """Consensus + execution reward APR used when the price table has no ``staking_apr``
    column; Lido's APR was about 3-4% in 2023-2024 (a parameter, not data: PROVENANCE)."""
    start_rate: float = attrs.field(default=1.0, validator=_at_least_one)
    """stETH per wstETH when the world starts (the issuer's share rate). 1.0 (a fresh issuer)
    keeps the worlds built before this figure existed; it was 1.1290 on 2023-06-19 (the Lido
    model's snapshot, PROVENANCE). Reached by execution-layer rewards credited fee-free
    before anyone else stakes (:func:`lstlab.world.build.default_world`); at least 1: the
    rate has never been below 1 since launch."""


@attrs.frozen
class LendingParams:
    """The Aave V3-style market on Ethereum (reserve figures: lending.presets, REFERENCE 2.9)."""

    oracle: OracleMode = "exchange-rate"
    """How the market prices wstETH: by the protocol rate (Aave's wstETH adapter) or by the
    stETH/ETH market price. The rate is Aave's actual choice (REFERENCE 2.9)."""
    weth_supplied: int = attrs.field(default=2_000_000, validator=_non_negative)
    """WETH supplied by passive lenders; Aave V3 Ethereum held about 2M WETH in 2024."""
    weth_borrowed: int = attrs.field(default=1_700_000, validator=_non_negative)
    """WETH borrowed by the background borrower (85% utilisation, just under WETH's 90%
    optimal usage, which puts the borrow rate near its slope-1 top of 2.7%)."""
    background_wsteth: int = attrs.field(default=2_500_000, validator=_positive)
    """wstETH collateral of the background borrower (health factor about 1.4 at par)."""
    usdc_supplied: int = attrs.field(default=500_000_000, validator=_non_negative)
    """USDC supplied, so the market has a stablecoin to borrow."""
    liquidation_v33: bool = False
    """Aave v3.3 liquidation rules (close factor by size, dust rule, deficit) instead of v3.0.2."""
    background: bool = True
    """The background borrower (``background_wsteth`` collateral, ``weth_borrowed`` debt) and,
    in backtests, its lending flows. False: no such position (a snapshot's positions stand in
    for it). The passive lender's supply is set by ``weth_supplied``/``usdc_supplied`` (0: none),
    since a loop's flash loan needs WETH in the market."""


@attrs.frozen
class PoolParams:
    """DEX venues for wstETH/WETH. Each pool has a switch (``curve``, ``v2``, ``usdc_v2``,
    ``l2_curve``): off, the pool is absent from the world (``World.pools()`` does not list it),
    not a 1-wei stand-in."""

    curve: bool = True
    """The Ethereum StableSwap pool (``curve``)."""
    v2: bool = True
    """The constant-product wstETH/WETH pair (``v2``)."""
    usdc_v2: bool = True
    """The constant-product WETH/USDC pair (``usdc_v2``)."""
    l2_curve: bool = True
    """The L2 StableSwap pool (``l2_curve``)."""

    curve_eth: int = attrs.field(default=235_285, validator=_positive)
    """ETH side of the StableSwap pool: Curve stETH/ETH on 2023-06-19 (PROVENANCE)."""
    curve_steth: int = attrs.field(default=241_954, validator=_positive)
    """stETH side (held as wstETH priced at the protocol rate, as Curve's stableswap-ng
    oracle pools do): 241,954 stETH on 2023-06-19 (PROVENANCE)."""
    curve_a: int = attrs.field(default=30, validator=_positive)
    """Amplification: A = 30 at the 2023-06-19 snapshot (PROVENANCE; REFERENCE 7 notes it was
    changed by governance from the deployment's 5)."""
    curve_fee: int = attrs.field(default=4_000_000, validator=_non_negative)
    """0.04% in Curve's 1e10 units (REFERENCE 7 deployment arguments)."""
    curve_admin_fee: int = attrs.field(default=5_000_000_000, validator=_non_negative)
    """50% of fees to the admin (REFERENCE 7)."""
    v2_weth: int = attrs.field(default=5_000, validator=_positive)
    """WETH side of the constant-product wstETH/WETH pool: illustrative depth (the real
    wstETH/WETH liquidity moved to concentrated pools; this venue shows V2 price impact)."""
    usdc_v2_weth: int = attrs.field(default=20_000, validator=_positive)
    """WETH side of the constant-product WETH/USDC pool (USDC side at the starting ETH/USD):
    illustrative depth, of the order of Uniswap V2's USDC/WETH pair; it is the venue where a
    liquidator of USDC debt turns seized collateral into USDC."""
    l2_curve_weth: int = attrs.field(default=4_000, validator=_positive)
    """WETH side of the StableSwap wstETH/WETH pool on the L2: illustrative (L2 wstETH/WETH
    pools held a few thousand ETH); where L2 liquidations sell bridged wstETH."""
    l2_curve_wsteth: int = attrs.field(default=4_000, validator=_positive)
    """stETH value of the bridged wstETH side of the L2 pool (staked on Ethereum and bridged
    when the world is built)."""


@attrs.frozen
class BridgeParams:
    """wstETH bridged from Ethereum to an optimistic rollup (Lido L2 bridges, REFERENCE 8)."""

    deposit_latency: int = attrs.field(default=180, validator=_non_negative)
    """Seconds until an L1->L2 deposit is minted (a few minutes on OP-stack rollups)."""
    withdrawal_delay: int = attrs.field(default=7 * 86_400, validator=_non_negative)
    """Optimistic challenge period: 7 days."""
    bridged_wsteth: int = attrs.field(default=50_000, validator=_non_negative)
    """wstETH bridged at start, supplied to the L2 market: illustrative."""
    l2_weth: int = attrs.field(default=40_000, validator=_non_negative)
    """WETH supplied to the L2 market: illustrative."""
    cex_l2_wsteth: int = attrs.field(default=3_000, validator=_non_negative)
    """stETH value of the wstETH the exchange's account (``cex``) holds on the L2 at start, staked
    on Ethereum and bridged when the world is built; the arbitrageur's exchange tops it back up
    to this by bridge deposits (``lstlab.agents.cex``). 3,000: above the 2,945 wstETH that take
    the default L2 pool (4,000/4,000 at A = 30) from balance to a 0.85 stETH/ETH price in one
    step (computed with the pool's invariant), so one day's move cannot drain it while a
    deposit waits out the bridge latency."""


@attrs.frozen
class GovernanceParams:
    """A token governor with OpenZeppelin's rules (REFERENCE 4) over a governance token."""

    supply: int = attrs.field(default=1_000_000_000, validator=_positive)
    """Governance token supply: 1e9 (LDO's total supply)."""
    quorum_percent: int = attrs.field(default=4, validator=_positive)
    """Quorum as a percent of supply at the snapshot: 4% (Compound's 400k of 10M COMP, REFERENCE 3)."""
    voting_delay_blocks: int = attrs.field(default=7_200, validator=_non_negative)
    """One day of 12-second blocks."""
    voting_period_blocks: int = attrs.field(default=50_400, validator=_positive)
    """One week of 12-second blocks."""
    timelock_delay: int = attrs.field(default=2 * 86_400, validator=_non_negative)
    """Two days, the Governor Bravo timelock minimum (REFERENCE 3). The proposal threshold is
    0.1% of supply, within Bravo's 1,000-100,000 of 10M COMP range (REFERENCE 3)."""


@attrs.frozen
class WorldParams:
    """Everything :func:`lstlab.worlds.default` builds from."""

    start: str = "2023-06-19"
    """Start date of the clock when no price table sets it (the PROVENANCE snapshot)."""
    eth_usd: float = attrs.field(default=1719.0, validator=_positive)
    """ETH/USD at start: $1,719 on 2023-06-19 (PROVENANCE)."""
    steth_eth: float = attrs.field(default=1.0, validator=_positive)
    """Market stETH/ETH at start."""
    markets: tuple[str, ...] = attrs.field(default=("aave-v3",), converter=tuple, validator=_market_names)
    """Lending-market presets deployed on Ethereum (names of ``lending.presets.PRESETS``). The
    first is ``World.market`` at ``names.MARKET`` (it gets the USDC reserve and the background
    positions); each other one is deployed at its own name as address (``"aave-v2"``). Default:
    Aave v3 Ethereum alone, the world before presets could be combined."""
    markets_as_of: str = attrs.field(default="latest", validator=attrs.validators.instance_of(str))
    """The date every preset of ``markets`` is deployed as of (each preset's ``as_of``, e.g.
    ``"2023-06-19"``, the Lido model's snapshot). ``"latest"`` (default, the worlds built before
    dates could be chosen) deploys each preset with its own default: Aave v3's latest figures,
    Aave v2's only date. A date a preset lacks fails the build naming the preset's dates."""
    providers: tuple[str, ...] = attrs.field(default=("steth",), converter=tuple, validator=_provider_names)
    """Liquid staking providers in the world (keys of ``lst.PROVIDERS``), each on its own
    network with its pool, feeds and lending listing (``lstlab.world.providers``). Lido
    (``"steth"``) is the world's core and always present; the default lists it alone, the world
    before providers could be chosen."""
    lst: LstParams = LstParams()
    lending: LendingParams = LendingParams()
    pools: PoolParams = PoolParams()
    bridge: BridgeParams = BridgeParams()
    governance: GovernanceParams = GovernanceParams()
