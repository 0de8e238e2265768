"""Aave markets on Ethereum as deployed at a date: Aave v2 (LendingPool 0x7d2768dE...) and
Aave v3 (core market, Pool 0x87870Bca...) with its "ETH correlated" efficiency mode.

Dates:

- ``"2023-06-19"`` (both markets): the date of the Lido risk team's liquidation model snapshot
  (public repository lidofinance/aave-liquidation-model, data at commit a44561e9). Sources, cited
  per figure below as
  [M] the model's ``utils/constants.py`` (liquidation bonuses as "penalty", thresholds);
  [S] derived from its snapshot: the ``ltv`` / ``threshold`` columns are Aave's on-chain
  ``getUserAccountData`` averages, so an account holding stETH (wstETH) and one other collateral
  gives that asset's figures (e.g. v2 WETH 82.5% / 86%, v3 WETH 80.5% / 83%; the derivation, not
  the data, is used here);
  [R] ../shared/REFERENCE.md section 2.9 ("2023-06: WETH 80.5/83, wstETH 69/80").
- ``"latest"`` (v3 only, the default): REFERENCE section 2.9, a reconstruction from governance
  payload diffs (bgd-labs/aave-proposals-v3) up to Feb 2026, not a live on-chain read; the WETH
  slopes were not re-verified after 2024-07 (REFERENCE section 10).

Left at their defaults, with the reason: caps (0 = none) and the borrowing / frozen flags,
because risk stewards move them without a payload and they do not enter a snapshot's health
factors or liquidations; reserve factors of the dated presets other than where cited (0: the
interest split is not a dated figure here); rate curves other than where cited
(:data:`SNAPSHOT_CURVE`). Set them with ``set_param`` before stepping time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from chain import InvalidArgument, State, Token
from lending.market import Market
from lending.rates import RateStrategy

ETH_CORRELATED = 1
"""Efficiency-mode category id of "ETH correlated" on Aave V3 Ethereum."""

# --- "latest" (Aave v3) ---------------------------------------------------------------------

WETH_STRATEGY = RateStrategy.from_percent("90", "0", "2.7", "80")
"""WETH: U* 90% (2024-01), base 0, slope1 2.7% (2024-07), slope2 80% (not re-verified)."""

WSTETH_STRATEGY = RateStrategy.from_percent("80", "0", "1", "40")
"""wstETH: U* 80%, base 0, slope1 1%, slope2 40% (2025-07)."""

WETH: dict[str, Any] = dict(
    ltv=8050, liquidation_threshold=8300, liquidation_bonus=10500,
    liquidation_protocol_fee=1000, reserve_factor=1500, emode_category=ETH_CORRELATED,
)
"""WETH reserve: LTV 80.5%, LT 83% (2023-06), bonus 5%, protocol fee 10%, RF 15%."""

WSTETH: dict[str, Any] = dict(
    ltv=7850, liquidation_threshold=8100, liquidation_bonus=10600,
    liquidation_protocol_fee=1000, reserve_factor=3500, emode_category=ETH_CORRELATED,
)
"""wstETH reserve: LTV 78.5%, LT 81% (2023-09), bonus 6% (2023-07), protocol fee 10%, RF 35% (2025-07)."""

ETH_CORRELATED_FIGURES: dict[str, Any] = dict(
    label="ETH correlated", ltv=9300, liquidation_threshold=9500, liquidation_bonus=10100,
)
"""eMode 1: LTV 93%, LT 95%, bonus 1% (2024-01/03)."""

# --- dated presets ----------------------------------------------------------------------------


@attrs.frozen
class ReservePreset:
    """One reserve as deployed at a date: its rate curve, ReserveConfig settings, and sources."""

    strategy: RateStrategy
    settings: Mapping[str, Any]
    source: str


SNAPSHOT_CURVE = RateStrategy.from_percent("80", "0", "4", "75")
"""Not a dated figure: the rate curve of reserves whose 2023-06-19 curve is not cited here,
shaped as aave-v3-core's test strategy ``rateStrategyStableTwo`` (U* 80%, slope1 4%, slope2
75%; REFERENCE 2.4). A snapshot cascade is instantaneous, so interest does not enter it."""

WETH_CURVE_2023 = RateStrategy.from_percent("80", "1", "3.8", "80")
"""WETH in 2023-06 (v2 and v3): U* 80%, base 1%, slope1 3.8%, slope2 80%: Aave governance
proposal 158 "Ethereum v2 - wETH Interest Rate Curve Upgrade" (2023-02, aligning v2 with v3;
governance-v2.aave.com/governance/proposal/158) and the ARFC "wETH & wstETH Interest Rate
Curve" (2023-01-16, governance.aave.com/t/11372) for v3. Not re-verified on chain."""

WSTETH_CURVE_2023 = RateStrategy.from_percent("45", "0.25", "4.5", "80")
"""v3 wstETH at listing (2023-01): U* 45%, base 0.25%, slope1 4.5%, slope2 80% (ARFC
governance.aave.com/t/11372, 2023-01-16). Not re-verified on chain for 2023-06."""

_NO_COLLATERAL = dict(ltv=0, liquidation_threshold=0, liquidation_bonus=10_000)


def _v2(ltv: int, lt: int, bonus: int, source: str, strategy: RateStrategy = SNAPSHOT_CURVE) -> ReservePreset:
    # Aave v2 has no liquidation protocol fee (LendingPoolCollateralManager pays the whole
    # bonus to the liquidator).
    return ReservePreset(strategy, dict(ltv=ltv, liquidation_threshold=lt, liquidation_bonus=bonus,
                                        liquidation_protocol_fee=0), source)


def _v3(ltv: int, lt: int, bonus: int, source: str, strategy: RateStrategy = SNAPSHOT_CURVE,
        emode: int = 0, reserve_factor: int = 0) -> ReservePreset:
    # Protocol fee 10% of the bonus, as on WETH and wstETH (REFERENCE 2.9); not verified per asset.
    fee = 1000 if lt else 0
    return ReservePreset(strategy, dict(ltv=ltv, liquidation_threshold=lt, liquidation_bonus=bonus,
                                        liquidation_protocol_fee=fee, emode_category=emode,
                                        reserve_factor=reserve_factor), source)


_ZERO_LTV = "LTV not cited: 0 (no borrowing power; the threshold alone enters HF and liquidations)"

V2_2023_06_19: dict[str, ReservePreset] = {
    "WETH": _v2(8250, 8600, 10500, "LTV/LT [S]; LT 86%, bonus 5% [M]", WETH_CURVE_2023),
    "STETH": _v2(7200, 8300, 10700, "LTV 72%, LT 83%, bonus 7% [M] AAVE2_LTV/.../BONUS; [S]"),
    "USDC": _v2(8000, 8750, 10450, "LTV/LT [S]; LT 87.5%, bonus 4.5% [M]"),
    "DAI": _v2(7500, 8700, 10400, "LTV/LT [S]; LT 87%, bonus 4% [M]"),
    "WBTC": _v2(7200, 8200, 10500, "LTV/LT [S]; LT 82%, bonus 5% [M]"),
    "TUSD": _v2(0, 8250, 10500, f"LT 82.5%, bonus 5% [M]; {_ZERO_LTV}"),
    **{sym: ReservePreset(SNAPSHOT_CURVE, dict(_NO_COLLATERAL), "threshold 0: debt only [M], [S]")
       for sym in ("USDT", "SUSD", "USDP", "FRAX", "GUSD", "BUSD")},
}
"""Aave v2 Ethereum reserves on 2023-06-19 by upper-case symbol (prices in ETH). FEI is left
out: the model gives it a 7.5% threshold with no bonus, which no listing allows."""

V3_2023_06_19: dict[str, ReservePreset] = {
    "WETH": _v3(8050, 8300, 10500, "LTV/LT [R], [S]; bonus 5% [M]; RF 15% [R]", WETH_CURVE_2023,
                ETH_CORRELATED, 1500),
    "WSTETH": _v3(6900, 8000, 10700, "LTV/LT [R], [S]; bonus 7% [M] (6% from 2023-07 [R]); RF 15% "
                  "(ARFC t/11372)", WSTETH_CURVE_2023, ETH_CORRELATED, 1500),
    "CBETH": _v3(6700, 7400, 10750, "LTV/LT [S]; LT 74%, bonus 7.5% [M]", emode=ETH_CORRELATED),
    "RETH": _v3(6700, 7400, 10750, "LTV/LT [S]; LT 74%, bonus 7.5% [M]", emode=ETH_CORRELATED),
    "USDC": _v3(7700, 7900, 10450, "LTV/LT [S]; bonus 4.5% [M]"),
    "WBTC": _v3(7300, 7800, 10625, "LTV/LT [S]; bonus 6.25% [M]"),
    "DAI": _v3(0, 7700, 10400, f"LT 77%, bonus 4% [M]; {_ZERO_LTV}"),
    "USDT": _v3(0, 0, 10_000, "threshold 0: debt only [M], [S]"),
    "LUSD": _v3(0, 0, 10_000, "threshold 0: debt only [M], [S]"),
}
"""Aave v3 Ethereum core-market reserves on 2023-06-19 by upper-case symbol (prices in USD)."""

ETH_CORRELATED_2023_06_19: dict[str, Any] = dict(label="ETH correlated", ltv=9000, liquidation_threshold=9300,
                                 liquidation_bonus=10100)
"""eMode 1 on 2023-06-19: LTV 90%, LT 93% ([S]: accounts in category 1 holding wstETH only;
REFERENCE 2.9 "Feb-2023 ... eMode 90/93/1%"), bonus 1% [M]."""

V2_FLASH_PREMIUM = 9
"""bps: Aave v2's flash-loan premium (``LendingPool.initialize``: ``_flashLoanPremiumTotal = 9``)."""


def _list(m: Market, table: Mapping[str, ReservePreset], token: Token, feed: str, when: str) -> None:
    preset = table.get(token.symbol.upper())
    if preset is None:
        raise InvalidArgument(f"no {when} figures for {token.symbol}: known are {', '.join(sorted(table))}")
    m.list_reserve(token, feed, preset.strategy, **preset.settings)


def aave_v2_ethereum(
    state: State, address: str, network: str, *, treasury: str, weth: Token, weth_feed: str,
    steth: Token | None = None, steth_feed: str | None = None, others: Mapping[Token, str] | None = None,
    as_of: str = "2023-06-19", wsteth: Token | None = None, wsteth_feed: str | None = None, **market: Any,
) -> Market:
    """Aave v2 Ethereum on ``as_of`` (only "2023-06-19"): WETH and stETH (collateral on v2, not
    wstETH) and ``others`` ({token: feed}, figures by symbol from :data:`V2_2023_06_19`), no
    efficiency mode. ``wsteth``/``wsteth_feed`` are an alias of ``steth``/``steth_feed`` for
    callers that deploy every preset with the same keywords: that token is listed with stETH's
    figures and its feed must price it (e.g. rate x stETH). Defaults passed on to
    :meth:`Market.deploy` unless ``market`` sets them: rule "v2" (close factor 50% at any
    HF < 1), Aave v2's base currency ETH with 18 decimals (its oracle prices every asset in
    wei; feeds are rescaled), flash premium 9 bps. Raises InvalidArgument."""
    lst = steth if steth is not None else wsteth
    lst_feed = steth_feed if steth_feed is not None else wsteth_feed
    if (steth is None) == (wsteth is None) or (steth_feed is None) == (wsteth_feed is None) or (
        lst is None or lst_feed is None  # implied by the first two; says so to the type checker
    ):
        raise InvalidArgument("give the LST reserve once: steth= and steth_feed= (or the alias wsteth= "
                              "and wsteth_feed=)")
    if as_of != "2023-06-19":
        raise InvalidArgument(f"aave-v2 presets exist for as_of='2023-06-19' only, got {as_of!r}")
    if "liquidation_rule" not in market and not market.get("liquidation_v33"):
        market["liquidation_rule"] = "v2"
    market.setdefault("base_currency", "ETH")
    market.setdefault("price_decimals", 18)
    market.setdefault("flash_premium_total", V2_FLASH_PREMIUM)
    table = V2_2023_06_19
    with state.atomic():  # all or nothing: a bad reserve leaves no half-listed market
        m = Market.deploy(state, address, network, treasury=treasury, **market)
        m.list_reserve(weth, weth_feed, table["WETH"].strategy, **table["WETH"].settings)
        m.list_reserve(lst, lst_feed, table["STETH"].strategy, **table["STETH"].settings)
        for token, feed in (others or {}).items():
            _list(m, table, token, feed, "aave-v2 2023-06-19")
    return m


def aave_v3_ethereum(
    state: State, address: str, network: str, *, treasury: str, weth: Token, weth_feed: str,
    wsteth: Token, wsteth_feed: str, others: Mapping[Token, str] | None = None, as_of: str = "latest",
    **market: Any,
) -> Market:
    """Aave V3 Ethereum's core market on ``as_of`` ("latest" or "2023-06-19"): WETH, wstETH and
    the "ETH correlated" category, plus ``others`` ({token: feed}; "2023-06-19" only, figures
    by symbol from :data:`V3_2023_06_19`); ``market`` passes on to :meth:`Market.deploy` (e.g.
    ``liquidation_rule``)."""
    if as_of not in ("latest", "2023-06-19"):
        raise InvalidArgument(f"aave-v3 presets exist for as_of 'latest' and '2023-06-19', got {as_of!r}")
    if as_of == "latest" and others:
        raise InvalidArgument("the 'latest' aave-v3 preset has WETH and wstETH only: list other reserves "
                              "yourself or use as_of='2023-06-19'")
    with state.atomic():  # all or nothing: a bad reserve leaves no half-listed market
        m = Market.deploy(state, address, network, treasury=treasury, **market)
        if as_of == "latest":
            m.list_reserve(weth, weth_feed, WETH_STRATEGY, **WETH)
            m.list_reserve(wsteth, wsteth_feed, WSTETH_STRATEGY, **WSTETH)
            m.set_emode_category(ETH_CORRELATED, **ETH_CORRELATED_FIGURES)
            return m
        table = V3_2023_06_19
        m.list_reserve(weth, weth_feed, table["WETH"].strategy, **table["WETH"].settings)
        m.list_reserve(wsteth, wsteth_feed, table["WSTETH"].strategy, **table["WSTETH"].settings)
        m.set_emode_category(ETH_CORRELATED, **ETH_CORRELATED_2023_06_19)
        for token, feed in (others or {}).items():
            _list(m, table, token, feed, "aave-v3 2023-06-19")
    return m


PRESETS: dict[str, Callable[..., Market]] = {"aave-v2": aave_v2_ethereum, "aave-v3": aave_v3_ethereum}
"""Deploy functions by preset name; both take ``weth``, ``weth_feed``, ``wsteth``,
``wsteth_feed`` (for v2 an alias of its ``steth``/``steth_feed``), ``others`` and ``as_of``."""
