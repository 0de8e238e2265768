"""Liquid staking providers side by side: one row per issuer deployed in a world, then one
per liquid restaking token (``restaking.lrt``).

Every figure comes with its source (a ``<figure>_source`` column beside each ``<figure>``); a
figure that cannot be had is NaN and its source starts with ``unknown:`` and says why. What
each figure measures (floats: this is a report):

- ``apr_gross``: the issuer's chain reward rate, ``preset.reward_rate_bps / 1e4`` a year;
- ``fee``: the issuer's protocol fee on rewards, ``fee_bps / 1e4`` (its governable parameter);
- ``apr_net``: what a holder earns, ``apr_gross * (1 - fee)`` (fees are taken from rewards);
- ``exit_days``: time to exit through the protocol: the provider preset's
  ``exit_delay_seconds`` (``lst.presets.PROVIDERS``, matched by token symbol and chain), else
  the chain's ``unbonding_seconds``; an LRT's restaking withdrawal delay;
- ``exit_cost``: selling ``size`` native units' worth of the token (at the protocol rate) in
  its deepest venue of the world: ``1 - received / protocol value`` (price impact, fee and any
  market discount together), with ``exit_venue`` the pool used;
- ``largest_operator``, ``herfindahl``, ``nakamoto``: the issuer's operators' active stake in
  the world (``chain.concentration``; Nakamoto: fewest operators above one third);
- ``network_share``: the provider's share of its network's stake, a cited public figure;
- ``restaked``: the share of the token's supply held by restaking contracts of the world (an
  LRT: 1, it restakes every deposit);
- ``peg_worst_discount``, ``peg_days_below_99``: from a shipped daily market series of the
  token against its native (``lstlab.market.data``), where lstlab ships one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

import lst
import lst.presets
from amm.library import get_amount_out
from chain import WAD, InvalidArgument, LstlabError, State, Token
from chain.concentration import herfindahl, nakamoto, share_of
from lst.client import require_issuer
from lstlab.market.data import DATASETS, dataset_path

DAY = 86_400
SIZE = 1_000
"""Default sale for ``exit_cost``: 1,000 whole native units (ETH, SOL, ATOM) worth of the
token: of the order of one large holder's exit, small against the default world's 235k ETH
Curve pool (lstlab.world.params), large against thin venues. A modelling choice, not data."""

PEG_BELOW = 0.99
"""``peg_days_below_99`` counts days whose daily market ratio is below this (1% under par),
the threshold the issue asks for."""

FIGURES = (
    "apr_gross", "fee", "apr_net", "exit_days", "exit_cost", "largest_operator", "herfindahl",
    "nakamoto", "network_share", "restaked", "peg_worst_discount", "peg_days_below_99",
)
"""The figure columns in order; each has a ``<figure>_source`` column."""

NETWORK_SHARES: dict[str, tuple[float, str]] = {
    # Coin Metrics, State of the Network "Ethereum Staking Through the Lens of Lido" (Tanay Ved,
    # Oct 2023): 8.9M ETH staked via Lido of 27.9M ETH staked on the Beacon Chain.
    "stETH": (8.9 / 27.9, ("Coin Metrics, 'Ethereum Staking Through the Lens of Lido' (Oct 2023): "
                           "8.9M of 27.9M staked ETH")),
    # Marinade blog, "ecosystem token exchange program" (early 2022): "1.5% of staked SOL".
    "mSOL": (0.015, ("Marinade blog, 'Marinade ... announces ecosystem token exchange program' "
                     "(2022): 1.5% of staked SOL")),
}
"""Published shares of a network's stake by LST symbol, with their sources (dates differ:
read them as orders of magnitude). A symbol absent here is reported unknown, not guessed."""

PEG_DATASETS: dict[str, tuple[str, str]] = {"stETH": ("cmc-2020-2026", "steth_eth"),
                                            "wstETH": ("cmc-2020-2026", "steth_eth")}
"""Which shipped series holds a token's market ratio against its native: (dataset, column)."""


@attrs.frozen
class Figure:
    """A value (NaN when unknown) and where it comes from (``unknown: why`` when unknown)."""

    value: float
    source: str

    @classmethod
    def unknown(cls, reason: str) -> Figure:
        return cls(math.nan, f"unknown: {reason}")


@attrs.frozen
class Venue:
    """A venue selling ``token`` for ``native``: ``kind`` is stableswap, v2 or unstake."""

    address: str
    kind: str
    token: Token
    native: Token


# --- exit liquidity ------------------------------------------------------------------


def _forms(state: State, issuer: lst.Issuer) -> list[tuple[Token, int]]:
    """The issuer's tradeable tokens with their native value per whole token (wei, floor):
    its own token and each wrapper's."""
    unit = issuer.unit
    forms = [(issuer.token, issuer.to_native(unit))]
    for info in state.contracts("lst.wrapper"):
        wrapper = state.contract(info.address)
        if getattr(wrapper, "issuer_address", None) == issuer.address:
            forms.append((wrapper.token, issuer.get_pooled_by_shares(unit)))  # type: ignore[attr-defined]
    return forms


def venues(state: State, token: Token, native: Token) -> list[Venue]:
    """Every pool of the state trading ``token`` against ``native``: StableSwap pools and V2
    pairs holding both, and instant-unstake pools of the token's issuer."""
    out = []
    for info in state.contracts("amm.stableswap"):
        coins = state.contract(info.address).coins  # type: ignore[attr-defined]
        if token in coins and native in coins:
            out.append(Venue(info.address, "stableswap", token, native))
    for info in state.contracts("amm.pair"):
        pair = state.contract(info.address)
        if {pair.token0, pair.token1} == {token, native}:  # type: ignore[attr-defined]
            out.append(Venue(info.address, "v2", token, native))
    for info in state.contracts("lst.unstake_pool"):
        pool = state.contract(info.address)
        if pool.issuer.token == token:  # type: ignore[attr-defined]
            out.append(Venue(info.address, "unstake", token, native))
    return out


def quote_sale(state: State, venue: Venue, amount: int) -> int:
    """Native wei the venue pays now for ``amount`` of its token, by the venue's own integer
    math (StableSwap ``get_dy``, V2 ``getAmountOut`` with the pair's fee, Marinade's linear
    unstake fee); 0 when it cannot pay."""
    contract: Any = state.contract(venue.address)
    try:
        if venue.kind == "stableswap":
            coins = contract.coins
            return contract.get_dy(coins.index(venue.token), coins.index(venue.native), amount)
        if venue.kind == "v2":
            r0, r1, _ = contract.get_reserves()
            r_in, r_out = (r0, r1) if contract.token0 == venue.token else (r1, r0)
            return get_amount_out(amount, r_in, r_out, contract.fee_bps)
        fee = amount * contract.fee_bps(amount) // 10_000
        paid = contract.issuer.to_native(amount - fee)
        return paid if paid <= contract.liquidity() else 0
    except LstlabError:
        return 0


def exit_cost(state: State, forms: list[tuple[Token, int]], native: Token, size: int) -> tuple[Figure, str]:
    """``exit_cost`` of selling ``size`` whole native units' worth of a provider's tokens
    (``forms``: each token with its native wei per whole token) in the venue paying most, and
    that venue's address ("" when there is none)."""
    value_wei = size * 10**native.decimals
    best: tuple[float, Venue, int, Token] | None = None
    for token, per_token in forms:
        unit = 10**token.decimals
        if per_token == 0:
            continue
        amount = value_wei * unit // per_token
        worth = amount * per_token // unit
        for venue in venues(state, token, native):
            got = quote_sale(state, venue, amount)
            if got and worth and (best is None or got / worth > best[0]):
                best = (got / worth, venue, amount, token)
    if best is None:
        names = " or ".join(t.symbol for t, _ in forms)
        return Figure.unknown(f"no venue of the world buys {names} for {native.symbol} {size:,} at once"), ""
    ratio, venue, amount, token = best
    source = (f"world venue {venue.address!r} ({venue.kind}): sell {amount / 10**token.decimals:,.2f} "
              f"{token.symbol} worth {size:,} {native.symbol} at the protocol rate, quoted by the venue's math")
    return Figure(1.0 - ratio, source), venue.address


# --- concentration, restaking, peg -----------------------------------------------------


def concentration(issuer: lst.Issuer) -> dict[str, Figure]:
    """Largest operator's share, Herfindahl (fractions) and Nakamoto (count) of the issuer's
    operators' active stake in the world."""
    stakes = issuer.concentration().stakes
    if not sum(stakes):
        reason = f"{issuer.address!r} has no active validators in this world"
        return {k: Figure.unknown(reason) for k in ("largest_operator", "herfindahl", "nakamoto")}
    source = f"world: active stake of the {len(stakes)} operators of {issuer.address!r} (chain.concentration)"
    return {
        "largest_operator": Figure(share_of(max(stakes), sum(stakes)) / WAD, source),
        "herfindahl": Figure(herfindahl(stakes) / WAD, source),
        "nakamoto": Figure(float(nakamoto(stakes)), source + "; fewest operators above 1/3"),
    }


def restaked(state: State, issuer: lst.Issuer) -> Figure:
    """Share of the issuer's shares held by contracts of the ``restaking`` package, directly or
    as a wrapper's token (a wrapped unit is one share, as wstETH)."""
    holders = [c.address for c in state.contracts() if c.kind.startswith("restaking")]
    supply = issuer.total_shares()
    if not supply:
        return Figure.unknown(f"{issuer.token.symbol} has no supply")
    held = sum(state.balance_of(token, h) for token, _ in _forms(state, issuer) for h in holders)
    where = f"{len(holders)} restaking contracts" if holders else "no restaking contract"
    return Figure(held / supply, f"world ledger: {issuer.token.symbol} held by {where} over its supply")


def peg_stats(symbol: str) -> dict[str, Figure]:
    """Worst daily discount and days below :data:`PEG_BELOW` of the token's shipped series."""
    keys = ("peg_worst_discount", "peg_days_below_99")
    if symbol not in PEG_DATASETS:
        return {k: Figure.unknown(f"lstlab ships no market series of {symbol}") for k in keys}
    name, column = PEG_DATASETS[symbol]
    frame = pd.read_csv(dataset_path(name), usecols=["date", column])
    ratio = frame[column].to_numpy(dtype=float)
    worst = int(np.argmin(ratio))
    source = f"dataset {name!r}: {DATASETS[name].description}"
    return {
        "peg_worst_discount": Figure(1.0 - float(ratio[worst]), f"{source}; worst day {frame['date'][worst]}"),
        "peg_days_below_99": Figure(float((ratio < PEG_BELOW).sum()), f"{source}; days with {column} < {PEG_BELOW}"),
    }


# --- rows ----------------------------------------------------------------------------


def provider_preset(issuer: lst.Issuer) -> Any:
    """The ``lst.presets.PROVIDERS`` entry minting this issuer's token on its chain (None if
    the issuer matches no provider preset)."""
    for provider in getattr(lst.presets, "PROVIDERS", {}).values():
        if provider.symbol == issuer.token.symbol and provider.chain.name == issuer.preset.name:
            return provider
    return None


def _row(identity: dict[str, Any], figures: dict[str, Figure]) -> dict[str, Any]:
    row = dict(identity)
    for name in FIGURES:
        row[name] = figures[name].value
        row[f"{name}_source"] = figures[name].source
    return row


def _network_share(symbol: str, chain_name: str) -> Figure:
    if symbol in NETWORK_SHARES:
        return Figure(*NETWORK_SHARES[symbol])
    return Figure.unknown(f"no published share of {chain_name} stake for {symbol} recorded in lstlab (NETWORK_SHARES)")


def provider_row(state: State, issuer: lst.Issuer, size: int = SIZE) -> dict[str, Any]:
    """Every figure of one issuer (see the module docstring), with its source: the chain's
    preset and the issuer's provider preset (``lst.presets``) where one matches, the world's
    contracts, and the cited tables of this module."""
    chain_preset, symbol, provider = issuer.preset, issuer.token.symbol, provider_preset(issuer)
    where = f"lst.presets {chain_preset.name!r} chain preset"
    fee_bps = issuer.get_param("fee_bps")
    gross = chain_preset.reward_rate_bps / 10_000
    fee_source = f"world: fee_bps = {fee_bps} of {issuer.address!r}"
    if provider is not None:
        exit_seconds = provider.exit_delay_seconds
        exit_source = f"lst.presets {provider.key!r}: exit_delay_seconds = {exit_seconds} ({provider.source('exit_delay_seconds')})"
        if provider.fee_bps == fee_bps and provider.source("fee_bps"):
            fee_source += f" ({provider.source('fee_bps')})"
    else:
        exit_seconds = chain_preset.unbonding_seconds
        exit_source = f"{where}: unbonding_seconds = {exit_seconds} (no provider preset mints {symbol})"
    figures: dict[str, Figure] = {
        "apr_gross": Figure(gross, f"{where}: reward_rate_bps = {chain_preset.reward_rate_bps}"),
        "fee": Figure(fee_bps / 10_000, fee_source),
        "apr_net": Figure(gross * (10_000 - fee_bps) / 10_000, "apr_gross x (1 - fee)"),
        "exit_days": Figure(exit_seconds / DAY, exit_source),
        "network_share": _network_share(symbol, chain_preset.name),
        "restaked": restaked(state, issuer),
    }
    figures["exit_cost"], venue = exit_cost(state, _forms(state, issuer), issuer.native, size)
    figures.update(concentration(issuer))
    figures.update(peg_stats(symbol))
    identity = {"provider": symbol, "label": provider.label if provider is not None else symbol,
                "issuer": issuer.address, "network": issuer.network, "native": issuer.native.symbol,
                "exit_venue": venue}
    return _row(identity, figures)


def lrt_row(state: State, lrt: Any, size: int = SIZE) -> dict[str, Any]:
    """Every figure of one liquid restaking token (``restaking.lrt``): its fee, restaking
    withdrawal delay, exit venue at its rate, its single operator, and its assets all
    restaked; APR, network share and peg are unknown (with the reason)."""
    symbol, here = lrt.token.symbol, f"{lrt.address!r}"
    operator = lrt.book().operator
    fee_bps = lrt.get_param("fee_bps")
    why_apr = (f"{symbol}'s yield is its assets' staking rewards plus its services' rewards less slashing, "
               "not a preset figure: measure it in a run")
    figures: dict[str, Figure] = {
        "apr_gross": Figure.unknown(why_apr),
        "fee": Figure(fee_bps / 10_000, f"world: fee_bps = {fee_bps} of {here} (restaking.lrt: ether.fi EFIP-4)"),
        "apr_net": Figure.unknown(why_apr),
        "exit_days": Figure(lrt.withdrawal_delay() / DAY, f"world: restaking withdrawal delay of {here}"),
        "network_share": Figure.unknown(f"no published share of staked ETH for {symbol} recorded in lstlab"),
        "restaked": Figure(1.0, f"restaking.lrt: {here} holds every deposit as restaking strategy shares"),
    }
    figures["exit_cost"], venue = exit_cost(state, [(lrt.token, lrt.rate())], lrt.native, size)
    if operator is None:
        reason = f"{here} has not delegated to an operator"
        figures.update({k: Figure.unknown(reason) for k in ("largest_operator", "herfindahl", "nakamoto")})
    else:
        source = f"world: {here} delegates all its stake to the operator {operator!r}"
        figures.update({k: Figure(1.0, source) for k in ("largest_operator", "herfindahl", "nakamoto")})
    figures.update(peg_stats(symbol))
    identity = {"provider": symbol, "label": f"{symbol} (liquid restaking)", "issuer": lrt.address,
                "network": lrt.network, "native": lrt.native.symbol, "exit_venue": venue}
    return _row(identity, figures)


IDENTITY = ("provider", "label", "issuer", "network", "native", "exit_venue")
"""The columns naming a row, before the figures."""


def compare_providers(world: Any, size: int = SIZE, issuers: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per liquid staking issuer of ``world`` (a World or a State), then one per
    liquid restaking token (``restaking.lrt``): the figures of the module docstring and a
    ``<figure>_source`` column each. ``issuers`` chooses addresses (default: every one, in
    deployment order); ``size``: whole native units sold for ``exit_cost`` (default
    :data:`SIZE`). Raises InvalidArgument for a bad size, UnknownContract or InvalidArgument
    for an address that is no issuer."""
    state: State = getattr(world, "state", world)
    if type(size) is not int or size <= 0:
        raise InvalidArgument(f"size must be a positive whole number of native units, got {size!r}")
    lrts = {c.address for c in state.contracts("restaking.lrt")}
    addresses = (list(issuers) if issuers is not None
                 else [c.address for c in state.contracts() if c.kind == "lst.issuer" or c.address in lrts])
    rows = [lrt_row(state, state.contract(a), size) if a in lrts
            else provider_row(state, require_issuer(state, a, state.contract(a).network), size) for a in addresses]
    lst_rows = [r for r in rows if r["issuer"] not in lrts]
    return pd.DataFrame(lst_rows + [r for r in rows if r["issuer"] in lrts],
                        columns=[*IDENTITY, *[c for f in FIGURES for c in (f, f"{f}_source")]])


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame as JSON-ready rows: each figure as ``{"value": float | None, "source": str}``."""
    out = []
    for row in frame.to_dict("records"):
        item = {k: row[k] for k in IDENTITY}
        for name in FIGURES:
            value = row[name]
            item[name] = {"value": None if math.isnan(value) else float(value), "source": row[f"{name}_source"]}
        out.append(item)
    return out


# --- figure --------------------------------------------------------------------------

_PANELS = (("apr_gross", "apr_net", "APR (%/year)", 100.0), ("exit_days", None, "exit through the protocol (days)", 1.0),
           ("exit_cost", None, "exit cost of the sale (bps)", 1e4), ("largest_operator", "network_share",
                                                                     "largest operator / network share (%)", 100.0))


def plot_compare(frame: pd.DataFrame, path: str | Path, size: int = SIZE) -> Path:
    """Four bar panels of the providers (APR gross and net, exit days, exit cost, largest
    operator and network share); an unknown figure is drawn as "n/a". Writes a PNG
    (matplotlib's Agg backend) and returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(_PANELS), figsize=(4.2 * len(_PANELS), 4.2))
    x = np.arange(len(frame))
    for ax, (first, second, title, scale) in zip(axes, _PANELS):
        columns = [c for c in (first, second) if c]
        width = 0.8 / len(columns)
        for k, column in enumerate(columns):
            values = frame[column].to_numpy(dtype=float) * scale
            offset = x + (k - (len(columns) - 1) / 2) * width
            ax.bar(offset, np.nan_to_num(values), width, label=column)
            for xi, v in zip(offset, values):
                if not np.isfinite(v):
                    ax.text(xi, 0, "n/a", ha="center", va="bottom", fontsize=8, rotation=90)
        ax.set_xticks(x, frame["provider"], rotation=30)
        ax.set_title(title if first != "exit_cost" else f"{title}, {size:,} native", fontsize=10)
        if second:
            ax.legend(fontsize=8)
    fig.suptitle("liquid staking providers (sources: lstlab compare --json)")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = [
    "FIGURES",
    "IDENTITY",
    "NETWORK_SHARES",
    "PEG_BELOW",
    "PEG_DATASETS",
    "SIZE",
    "Figure",
    "Venue",
    "compare_providers",
    "concentration",
    "exit_cost",
    "lrt_row",
    "peg_stats",
    "plot_compare",
    "provider_preset",
    "provider_row",
    "quote_sale",
    "records",
    "restaked",
    "venues",
]
