"""Collateral seizable in one round at a given stETH/ETH price, per market, by each market's
own liquidation rule. Writes nothing: positions are valued with price overrides
(``Market.account_data(user, prices)``), the feeds are not touched.

At the price ``p`` (stETH/ETH, wad) the LST reserves of a market are valued at
``price(stETH) = p * price(WETH) / 1e18`` and ``price(wstETH) = rate * p * price(WETH) / 1e36``
(``rate`` the protocol rate, stETH per wstETH; floors), every other asset at the market's
feed. Each position whose health factor is below 1 at those prices is liquidated once (a round):
its largest debt (by value) against its LST collateral when it holds one, else its largest
collateral; the debt covered is the most the market's close factor allows at that health
factor (:func:`lending.logic.liquidation.max_liquidatable_debt`), the collateral follows with
the bonus and the user's balance (:func:`lending.collateral_to_seize`), as Aave computes them.
"""

from __future__ import annotations

import pandas as pd

import lending
from chain import WAD, InvalidArgument, Token
from lending import collateral_to_seize
from lending.logic.liquidation import max_liquidatable_debt
from lstlab.agents.arbitrageur import protocol_rate
from lstlab.agents.liquidator import liquidation_bonus
from lstlab.world.book import eth_asset
from lstlab.world.build import World

LST_SYMBOLS = ("wstETH", "stETH")


def rule_of(market: lending.Market) -> str:
    """The market's liquidation rule name (``v2``, ``v3.0.2``, ``v3.3``)."""
    config = market.config()
    rule = getattr(config, "liquidation_rule", None)
    if isinstance(rule, str):
        return rule
    return "v3.3" if config.liquidation_v33 else "v3.0.2"


def lst_prices(world: World, market: lending.Market, price: int) -> dict[Token, int]:
    """The market's LST reserves priced at stETH/ETH ``price`` (wad), base units (module docstring)."""
    eth = market.price(eth_asset(market))
    rate = protocol_rate(world)
    out = {}
    for token in market.reserves():
        if token.symbol == "stETH":
            out[token] = price * eth // WAD
        elif token.symbol == "wstETH" and token.network == market.network:
            out[token] = rate * price * eth // (WAD * WAD)
    return out


def _pick(market: lending.Market, user: str, prices: dict[Token, int]) -> tuple[Token, Token] | None:
    """(debt, collateral) of the user's round: largest debt, LST collateral first."""
    pos, reserves = market.position(user), market.reserves()

    def value(token: Token, amount: int) -> int:
        return amount * prices.get(token, market.price(token)) // market.reserve_config(token).unit

    debts = [(value(t, market.debt(user, t)), t) for i, t in enumerate(reserves) if pos.borrowed_of(i)]
    held = [(t.symbol in LST_SYMBOLS, value(t, market.supplied(user, t)), t) for i, t in enumerate(reserves)
            if pos.uses_as_collateral(i) and pos.supplied_of(i)
            and market.reserve_config(t).liquidation_threshold]
    if not debts or not held:
        return None
    return max(debts, key=lambda d: d[0])[1], max(held, key=lambda c: (c[0], c[1]))[2]


def seize_one(world: World, market: lending.Market, user: str, prices: dict[Token, int]) -> dict | None:
    """One liquidation of ``user`` at ``prices`` (overrides): debt and collateral assets, debt
    covered, collateral to the liquidator and the protocol fee (wei); None when the user is
    not below 1 or has nothing to seize."""
    acct = market.account_data(user, prices)
    if acct.health_factor >= WAD:
        return None
    pair = _pick(market, user, prices)
    if pair is None:
        return None
    debt, collateral = pair
    ccfg, dcfg = market.reserve_config(collateral), market.reserve_config(debt)
    cp, dp = prices.get(collateral, market.price(collateral)), prices.get(debt, market.price(debt))
    owed, held = market.debt(user, debt), market.supplied(user, collateral)
    cap = max_liquidatable_debt(market.config(), acct, owed, held, cp, ccfg.unit, dp, dcfg.unit)
    s = collateral_to_seize(cap, cp, ccfg.unit, dp, dcfg.unit, held, liquidation_bonus(market, user, collateral),
                            ccfg.liquidation_protocol_fee, rule=market.config().liquidation_rule)
    return {"user": user, "debt_asset": debt, "collateral_asset": collateral, "debt": s.debt,
            "collateral": s.collateral, "fee": s.fee, "health_factor": acct.health_factor}


def seizable(world: World, price: float, *, market: str | None = None) -> pd.DataFrame:
    """Per market (``market``: that address only), what one round of liquidations takes at
    stETH/ETH ``price`` (a float ratio, or an int wad): one row with the rule, the positions
    below 1, the debt repaid (ETH at the market's WETH price), the LST seized to liquidators
    (whole tokens of the market's LST reserve, and in stETH), the LST protocol fee, and other
    collateral seized (ETH). Writes nothing; raises InvalidArgument for an unknown market or
    a price that is not positive."""
    wad = price if isinstance(price, int) else round(price * WAD)
    if wad <= 0:
        raise InvalidArgument(f"the stETH/ETH price must be positive, got {price!r}")
    markets = world.markets()
    if market is not None and market not in markets:
        raise InvalidArgument(f"no market at {market!r}: use one of {list(markets)}")
    rate, rows = protocol_rate(world), []
    for address, m in markets.items():
        if market is not None and address != market:
            continue
        prices = lst_prices(world, m, wad)
        eth_price = m.price(eth_asset(m))
        done = [x for x in (seize_one(world, m, u, prices) for u in _borrowers(m)) if x is not None]
        lst = [x for x in done if x["collateral_asset"].symbol in LST_SYMBOLS]
        seized = sum(x["collateral"] for x in lst)
        in_steth = sum(x["collateral"] * (rate if x["collateral_asset"].symbol == "wstETH" else WAD) // WAD
                       for x in lst)
        other = sum(x["collateral"] * m.price(x["collateral_asset"]) // m.reserve_config(x["collateral_asset"]).unit
                    for x in done if x not in lst)
        repaid = sum(x["debt"] * m.price(x["debt_asset"]) // m.reserve_config(x["debt_asset"]).unit for x in done)
        rows.append({"market": address, "rule": rule_of(m), "steth_eth": wad / WAD, "positions": len(done),
                     "debt_repaid_eth": repaid / eth_price, "lst_seized": seized / WAD,
                     "lst_seized_steth": in_steth / WAD, "lst_protocol_fee": sum(x["fee"] for x in lst) / WAD,
                     "other_collateral_seized_eth": other / eth_price})
    return pd.DataFrame(rows)


def _borrowers(market: lending.Market) -> list[str]:
    """Every user of the market with debt."""
    reserves = market.reserves()
    return [u for u in market.users() if any(market.position(u).borrowed_of(i) for i in range(len(reserves)))]


__all__ = ["LST_SYMBOLS", "lst_prices", "rule_of", "seizable", "seize_one"]
