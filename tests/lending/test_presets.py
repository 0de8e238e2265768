"""Presets of Aave v2 and v3 Ethereum as deployed on 2023-06-19, by name."""

from __future__ import annotations

import pytest

from chain import InvalidArgument, ManualFeed, State
from lending import PRESETS, presets

E18 = 10**18


def chain_with(*symbols: str):
    state = State()
    state.add_network("ethereum")
    state.add_account("treasury")
    tokens = {}
    for symbol in symbols:
        tokens[symbol] = state.add_token("ethereum", symbol, 6 if symbol in ("USDC", "USDT") else 18)
        ManualFeed.deploy(state, f"{symbol}-feed", "ethereum", base=symbol, quote="ETH", answer=E18)
    return state, tokens


def figures(m, token):
    cfg = m.reserve_config(token)
    return cfg.ltv, cfg.liquidation_threshold, cfg.liquidation_bonus


class TestByName:
    def test_registry_deploys_both_with_the_same_keywords(self) -> None:
        """PRESETS maps names to deploy functions taking weth/wsteth keywords (v2: an alias)."""
        assert set(PRESETS) == {"aave-v2", "aave-v3"}
        state, t = chain_with("WETH", "stETH", "wstETH")
        for name, lst in (("aave-v2", t["stETH"]), ("aave-v3", t["wstETH"])):
            m = PRESETS[name](state, name, "ethereum", treasury="treasury", weth=t["WETH"],
                              weth_feed="WETH-feed", wsteth=lst, wsteth_feed=f"{lst.symbol}-feed",
                              as_of="2023-06-19")
            assert m.reserves() == [t["WETH"], lst]
        assert state.contract("aave-v2").config().liquidation_rule == "v2"
        assert state.contract("aave-v3").config().liquidation_rule == "v3.0.2"


class TestFigures2023:
    def test_v3_weth_wsteth_and_emode(self) -> None:
        """REFERENCE 2.9: 2023-06 WETH 80.5/83, wstETH 69/80 (bonus 7% until 2023-07); eMode 90/93/1%."""
        state, t = chain_with("WETH", "wstETH", "USDC", "rETH", "cbETH")
        others = {t[s]: f"{s}-feed" for s in ("USDC", "rETH", "cbETH")}
        m = presets.aave_v3_ethereum(state, "v3", "ethereum", treasury="treasury", weth=t["WETH"],
                                     weth_feed="WETH-feed", wsteth=t["wstETH"], wsteth_feed="wstETH-feed",
                                     others=others, as_of="2023-06-19")
        assert figures(m, t["WETH"]) == (8050, 8300, 10500)
        assert figures(m, t["wstETH"]) == (6900, 8000, 10700)
        cat = m.emode_category(presets.ETH_CORRELATED)
        assert (cat.ltv, cat.liquidation_threshold, cat.liquidation_bonus) == (9000, 9300, 10100)
        assert {m.reserve_config(t[s]).emode_category for s in ("WETH", "wstETH", "rETH", "cbETH")} == {1}
        assert m.reserve_config(t["USDC"]).emode_category == 0

    def test_v2_steth_no_emode_no_fee(self) -> None:
        """Lido model constants: v2 stETH LTV 72%, LT 83%, bonus 7%; v2 has no protocol fee."""
        state, t = chain_with("WETH", "stETH", "USDT")
        m = presets.aave_v2_ethereum(state, "v2", "ethereum", treasury="treasury", weth=t["WETH"],
                                     weth_feed="WETH-feed", steth=t["stETH"], steth_feed="stETH-feed",
                                     others={t["USDT"]: "USDT-feed"})
        assert figures(m, t["stETH"]) == (7200, 8300, 10700)
        assert figures(m, t["USDT"]) == (0, 0, 10_000)
        assert all(m.reserve_config(tok).liquidation_protocol_fee == 0 for tok in m.reserves())
        assert m.emode_category(1) is None

    def test_every_dated_reserve_lists(self) -> None:
        """Every figure set passes the market's listing checks (LTV <= LT, bonus x LT <= 100%)."""
        for table, deploy, lst in ((presets.V2_2023_06_19, presets.aave_v2_ethereum, "stETH"),
                                   (presets.V3_2023_06_19, presets.aave_v3_ethereum, "wstETH")):
            symbols = [s for s in table if s not in ("WETH", lst.upper())]
            state, t = chain_with("WETH", lst, *symbols)
            kw = dict(wsteth=t[lst], wsteth_feed=f"{lst}-feed") if lst == "wstETH" else dict(
                steth=t[lst], steth_feed=f"{lst}-feed")
            m = deploy(state, "m", "ethereum", treasury="treasury", weth=t["WETH"], weth_feed="WETH-feed",
                       others={t[s]: f"{s}-feed" for s in symbols}, as_of="2023-06-19", **kw)
            assert len(m.reserves()) == len(table)


class TestRefusals:
    def test_unknown_symbol_date_and_lst_keywords(self) -> None:
        state, t = chain_with("WETH", "stETH", "FOO")
        base = dict(treasury="treasury", weth=t["WETH"], weth_feed="WETH-feed")
        with pytest.raises(InvalidArgument, match="FOO"):
            presets.aave_v2_ethereum(state, "a", "ethereum", **base, steth=t["stETH"], steth_feed="stETH-feed",
                                     others={t["FOO"]: "FOO-feed"})
        assert not state.is_contract("a")  # nothing half-listed is left behind
        with pytest.raises(InvalidArgument, match="2023-06-19"):
            presets.aave_v2_ethereum(state, "b", "ethereum", **base, steth=t["stETH"], steth_feed="stETH-feed",
                                     as_of="latest")
        with pytest.raises(InvalidArgument, match="once"):
            presets.aave_v2_ethereum(state, "c", "ethereum", **base)
        with pytest.raises(InvalidArgument, match="latest"):
            presets.aave_v3_ethereum(state, "d", "ethereum", **base, wsteth=t["stETH"], wsteth_feed="stETH-feed",
                                     others={t["FOO"]: "FOO-feed"})
