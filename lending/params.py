"""Governable parameters of a market (Aave ``PoolConfigurator``), named for governance:

- ``<SYMBOL>.ltv``, ``.liquidation_threshold``, ``.liquidation_bonus``,
  ``.liquidation_protocol_fee``, ``.reserve_factor`` (bps); ``.supply_cap``, ``.borrow_cap``
  (whole tokens, 0 = none); ``.emode_category``; ``.borrowing_enabled``, ``.frozen``,
  ``.paused`` (0/1); ``.optimal_usage``, ``.base_rate``, ``.slope1``, ``.slope2`` (RAY);
- ``emode.<id>.ltv``, ``emode.<id>.liquidation_threshold``, ``emode.<id>.liquidation_bonus``;
- ``flash_premium_total``, ``flash_premium_to_protocol`` (bps);
- ``liquidation_rule`` (0 = "v2", 1 = "v3.0.2", 2 = "v3.3": :data:`lending.types.LIQUIDATION_RULES`),
  ``liquidation_v33`` (0/1, an alias: 1 sets "v3.3", 0 sets "v3.0.2"), ``close_factor_bps``
  (bps, 1..10000), ``close_factor_hf_threshold`` (WAD, 0..1e18), ``close_factor_threshold_base``
  and ``min_leftover_base`` (base units).

The oracle policy (max age, sequencer sentinel) is set by ``Market.set_oracle_policy``, not
here: "no limit" (None) is not an int.

A change reads at once in every health factor (configs are read at use). Changing the
reserve factor or the rate curve first accrues the reserve at the old figures and then
re-prices its rates (as Aave v3.1+ ``syncIndexesState`` / ``syncRatesState``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from chain import InvalidArgument, ParamSpec, UnknownParameter, WrongNetwork
from chain.fixedpoint import PERCENTAGE_FACTOR, RAY, UINT256_MAX, WAD, percent_mul
from lending.errors import InvalidReserveParams
from lending.rates import RateStrategy
from lending.reserve import accrue, update_rates
from lending.types import LIQUIDATION_RULES, EModeCategory, ReserveConfig

if TYPE_CHECKING:
    from lending.market import Market

MAX_CAP = 68_719_476_735
"""Aave ``MAX_VALID_SUPPLY_CAP`` / ``MAX_VALID_BORROW_CAP`` (whole tokens)."""

_BPS = (0, PERCENTAGE_FACTOR, "bps")
_FLAG = (0, 1, "0/1")
_RESERVE: dict[str, tuple[int, int, str]] = {
    "ltv": _BPS, "liquidation_threshold": _BPS, "liquidation_bonus": (0, 2 * PERCENTAGE_FACTOR, "bps"),
    "liquidation_protocol_fee": _BPS, "reserve_factor": _BPS,
    "supply_cap": (0, MAX_CAP, "tokens"), "borrow_cap": (0, MAX_CAP, "tokens"),
    "emode_category": (0, 255, "id"), "borrowing_enabled": _FLAG, "frozen": _FLAG, "paused": _FLAG,
}
_STRATEGY: dict[str, tuple[int, int, str]] = {
    "optimal_usage": (1, RAY, "ray"), "base_rate": (0, 10 * RAY, "ray/yr"),
    "slope1": (0, 10 * RAY, "ray/yr"), "slope2": (0, 10 * RAY, "ray/yr"),
}
_RESERVE_ALL = {**_RESERVE, **_STRATEGY}
_EMODE = {"ltv": _BPS, "liquidation_threshold": _BPS, "liquidation_bonus": (0, 2 * PERCENTAGE_FACTOR, "bps")}
_MARKET = {
    "flash_premium_total": _BPS, "flash_premium_to_protocol": _BPS, "liquidation_v33": _FLAG,
    "liquidation_rule": (0, len(LIQUIDATION_RULES) - 1, "rule"), "close_factor_bps": (1, PERCENTAGE_FACTOR, "bps"),
    "close_factor_hf_threshold": (0, WAD, "wad"), "close_factor_threshold_base": (0, UINT256_MAX, "base"),
    "min_leftover_base": (0, UINT256_MAX, "base"),
}
_ADMIN_FLAGS = {"flash_loan_enabled": _FLAG, "active": _FLAG}
"""Flags an admin sets directly (``list_reserve``, ``set_reserve_config``), not governable."""


def check_reserve(cfg: ReserveConfig) -> None:
    """Aave's collateral rules: LTV <= threshold; with a threshold, a bonus above 100% whose
    product with the threshold stays within 100%; figures within their bounds, flags 0/1 or
    bools, a :class:`lending.RateStrategy`. Raises InvalidReserveParams."""
    for name, (lo, hi, _) in (*_RESERVE.items(), *_ADMIN_FLAGS.items()):
        value = getattr(cfg, name)
        if type(value) not in (int, bool) or not lo <= value <= hi:
            raise InvalidReserveParams(f"{cfg.asset.symbol}.{name} must be in [{lo}, {hi}], got {value!r}")
    if not isinstance(cfg.strategy, RateStrategy):
        raise InvalidReserveParams(f"{cfg.asset.symbol}.strategy must be a lending.RateStrategy, "
                                   f"got {cfg.strategy!r}")
    _check_risk(f"reserve {cfg.asset.key}", cfg.ltv, cfg.liquidation_threshold, cfg.liquidation_bonus)


def check_feed(m: Market, feed: object) -> str:
    """``feed`` if it is the address of a price feed contract (one with ``latest()``) on the
    market's network. Raises UnknownContract (no contract there), InvalidArgument (not a
    feed) or WrongNetwork (a feed of another network, which no action here could read)."""
    if not isinstance(feed, str):
        raise InvalidArgument(f"a feed is a contract address (str), got {feed!r}")
    contract = m.state.contract(feed)
    if not callable(getattr(contract, "latest", None)):
        raise InvalidArgument(f"{feed!r} is a {contract.kind} contract, not a price feed: pass a feed's address")
    if contract.network != m.network:
        raise WrongNetwork(f"feed {feed!r} is on {contract.network!r}, the market on {m.network!r}: "
                           f"price the reserve with a feed of {m.network!r}")
    return feed


def check_emode(cat: EModeCategory) -> None:
    """Category figures: within bounds, LTV <= threshold, a non-zero threshold, bonus rule."""
    for name, (lo, hi, _) in _EMODE.items():
        value = getattr(cat, name)
        if type(value) is not int or not lo <= value <= hi:
            raise InvalidReserveParams(f"emode.{cat.id}.{name} must be in [{lo}, {hi}], got {value!r}")
    if cat.liquidation_threshold == 0:
        raise InvalidReserveParams(f"emode category {cat.id} needs a non-zero liquidation threshold")
    _check_risk(f"emode category {cat.id}", cat.ltv, cat.liquidation_threshold, cat.liquidation_bonus)


def _check_risk(what: str, ltv: int, threshold: int, bonus: int) -> None:
    if ltv > threshold:
        raise InvalidReserveParams(f"{what}: LTV {ltv} exceeds the liquidation threshold {threshold}")
    if threshold and (bonus <= PERCENTAGE_FACTOR or percent_mul(threshold, bonus) > PERCENTAGE_FACTOR):
        raise InvalidReserveParams(
            f"{what}: bonus {bonus} must exceed 10000 and threshold x bonus must stay within 100%"
        )


def specs(m: Market) -> dict[str, ParamSpec]:
    """Every parameter of ``m`` with its bounds."""
    out: dict[str, ParamSpec] = {}
    for name, (lo, hi, unit) in _MARKET.items():
        out[name] = ParamSpec(name, lo, hi, unit)
    for asset in m.reserves():
        for name, (lo, hi, unit) in _RESERVE_ALL.items():
            full = f"{asset.symbol}.{name}"
            out[full] = ParamSpec(full, lo, hi, unit, f"{name} of the {asset.key} reserve")
    for key, cat in m._records().items():
        if key[0] == "emode":
            for name, (lo, hi, unit) in _EMODE.items():
                full = f"emode.{cat.id}.{name}"
                out[full] = ParamSpec(full, lo, hi, unit, f"{name} of efficiency-mode category {cat.label}")
    return out


def _split(m: Market, name: str) -> tuple[str, Any, str]:
    parts = name.split(".")
    if len(parts) == 1 and name in _MARKET:
        return "market", None, name
    if len(parts) == 3 and parts[0] == "emode" and parts[1].isdigit() and parts[2] in _EMODE:
        cat = m._emode(int(parts[1]))
        if cat is not None:
            return "emode", cat, parts[2]
    if len(parts) == 2 and parts[1] in _RESERVE_ALL:
        i = m._load(("sym", parts[0]), None)
        if i is not None:
            return "reserve", i, parts[1]
    raise UnknownParameter(f"{m.address!r} declares no parameter {name!r}")


def get(m: Market, name: str) -> int:
    """Current value of a parameter (flags as 0/1)."""
    kind, target, field = _split(m, name)
    if kind == "market":
        if field == "liquidation_rule":
            return LIQUIDATION_RULES.index(m.config().liquidation_rule)
        return int(getattr(m.config(), field))
    if kind == "emode":
        value: int = getattr(target, field)
        return value
    cfg = m._rcfg(target)
    return getattr(cfg.strategy, field) if field in _STRATEGY else int(getattr(cfg, field))


def apply(m: Market, name: str, value: int) -> None:
    """Write a validated value (inside the market's snapshot)."""
    kind, target, field = _split(m, name)
    if kind == "market":
        new: int | str
        if field == "liquidation_v33":
            field, new = "liquidation_rule", "v3.3" if value else "v3.0.2"
        elif field == "liquidation_rule":
            new = LIQUIDATION_RULES[value]
        else:
            new = value
        change: dict[str, Any] = {field: new}
        m._store(("config",), attrs.evolve(m.config(), **change))
    elif kind == "emode":
        cat = attrs.evolve(target, **{field: value})
        check_emode(cat)
        m._store(("emode", cat.id), cat)
    elif field in _STRATEGY:
        strategy = attrs.evolve(m._rcfg(target).strategy, **{field: value})
        apply_reserve_changes(m, target, {"strategy": strategy})
    else:
        flag = field in ("borrowing_enabled", "frozen", "paused")
        apply_reserve_changes(m, target, {field: bool(value) if flag else value})


def apply_reserve_changes(m: Market, i: int, changes: dict[str, Any]) -> ReserveConfig:
    """Accrue reserve ``i`` at its old figures, replace the settings (checked as a listing's:
    :func:`check_reserve`, and :func:`check_feed` for a new feed), re-price its rates.
    Returns the old configuration."""
    old = m._rcfg(i)
    if {"asset", "id"} & changes.keys():
        raise InvalidReserveParams("a reserve's asset and id cannot change")
    try:
        cfg = attrs.evolve(old, **changes)
    except TypeError as exc:
        raise InvalidReserveParams(f"unknown reserve setting: {exc}") from None
    check_reserve(cfg)
    if cfg.feed != old.feed:
        check_feed(m, cfg.feed)
    now = m.state.now
    rs = accrue(m._rstate(i), old.reserve_factor, now)
    rs = update_rates(rs, cfg, m.state.balance_of(cfg.asset, m.address), 0, 0)
    m._store(("rcfg", i), cfg)
    m._put_rstate(i, rs)
    return old
