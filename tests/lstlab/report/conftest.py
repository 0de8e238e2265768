"""A headless Chromium for the page checks (one per test process), and the pages of every kind
built once from small inputs."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tests.lstlab.report.browser import ARGS, executable, unavailable


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by playwright; skips, saying why, where either is not installed."""
    reason = unavailable()
    if reason is not None:
        pytest.skip(f"browser check cannot run: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable(), args=ARGS)
        yield chromium
        chromium.close()


def sweep_row(i, path, liquidated, any_liquidation, bad, apy, **axes):
    """One run's summary row as a sweep stores it."""
    return {"run_index": i, "path": path, "seed": i, **axes, "loop_liquidations": float(liquidated),
            "system_liquidations": float(any_liquidation), "bad_debt_eth": bad, "net_apy_oracle": apy,
            "net_apy_market": apy - 0.01}


def stored_sweep(directory, grid, rows):
    """A sweep folder holding ``rows`` as finished runs of ``grid`` (4 paths a point)."""
    from lstlab.sim.sweep import ResultStore

    store = ResultStore(directory)
    store.start({"grid": grid, "paths": 4, "seed": 0}, resume=False)
    store.append(rows)
    return directory


def one_axis_rows():
    """Leverage 2..6 x 4 paths: the loop liquidated on 0, 0, 1, 2, 3 of the 4 paths; any position
    liquidated from leverage 3 on; APY falling 1 point per leverage step, +0.2 points per path."""
    return [sweep_row(i, i % 4, i % 4 < i // 4 - 1, i >= 4, 0.0, 0.05 - 0.01 * (i // 4) + 0.002 * (i % 4),
                      leverage=float(2 + i // 4)) for i in range(20)]


def two_axis_rows():
    """Leverage 2, 4 x depeg 0.05, 0.1 x 4 paths (the sweep test's outcomes)."""
    rows = []
    for i, (lev, dep, path) in enumerate(itertools.product((2.0, 4.0), (0.05, 0.1), range(4))):
        liquidated = lev == 4.0 and (dep == 0.1 or path == 0)
        rows.append(sweep_row(i, path, liquidated, liquidated or path == 1, 0.5 if liquidated and path == 3 else 1e-12,
                              0.01 * lev + 0.001 * path, leverage=lev, depeg=dep))
    return rows


def account_view(events: int = 1_234):
    """A fake explorer view: 30 days of an account supplying wstETH against WETH debt, a wallet
    balance from day 15, ``events`` history rows."""
    index = pd.date_range("2022-06-01", periods=30, freq="D", tz="UTC", name="time")
    holdings = pd.DataFrame({"wstETH (Aave supplied)": np.linspace(100.0, 90.0, 30),
                             "WETH (Aave debt)": -np.linspace(80.0, 85.0, 30),
                             "ETH (wallet)": np.r_[np.zeros(15), np.full(15, 3.0)]}, index=index)
    value = holdings.copy()
    value["wstETH (Aave supplied)"] = holdings["wstETH (Aave supplied)"] * 1.1
    history = pd.DataFrame({"step": np.arange(events) % 30, "time": [index[i % 30] for i in range(events)],
                            "tx": [f"0x{i:04x}" for i in range(events)], "event": "Supply", "contract": "aave-v3",
                            "detail": [f"supplied {i} wstETH" for i in range(events)]})
    return SimpleNamespace(name="strategist", holdings=holdings, value_eth=value, history=history,
                           figures=[("net APY, market valuation", "3.20%"), ("liquidations", "0")])


def backtest_page_file(root):
    """The backtest of a 10x loop over 2022-05 .. 2022-07 with the market oracle (liquidated once)."""
    from lstlab.market.data import default_path
    from lstlab.market.prices import load_prices
    from lstlab.report.backtest import backtest_page, rate_strategy
    from lstlab.sim.backtest import Backtest, LoopConfig

    prices = load_prices(default_path(), start="2022-05-01", end="2022-07-31")
    result = Backtest(prices, LoopConfig(leverage=10.0), oracle="market").run()
    return backtest_page(root / "backtest.html", result.metrics, {**result.summary, "oracle": "market"},
                         notes=prices.quality.lines(), strategy=rate_strategy(result.world))


def shock_probe():
    """(cascade, thresholds) of an 8% stETH depeg against 8 seeded loops (leverage 6..13, market oracle)."""
    from lstlab import audit
    from lstlab.agents.population import loop_population
    from lstlab.world import default_world

    world = default_world()
    world.set_oracle("market")
    accounts = loop_population(world, 8, 0, leverage=(6, 13))
    return audit.cascade(world, "steth-depeg", 0.08), audit.thresholds(world, accounts)


def shock_probe_page_file(root):
    from lstlab.report.probe import probe_page

    return probe_page(root / "probe.html", *shock_probe(), settings={"shock": "steth-depeg", "size": 0.08,
                                                                     "oracle": "market"})


def _sweep_page(root, name, grid, rows):
    from lstlab.report.sweep import write_report

    return write_report(stored_sweep(root / name, grid, rows))


BUILDERS = {
    "backtest": backtest_page_file,
    "sweep-1d": lambda root: _sweep_page(root, "sweep1", ["leverage=2:6:1"], one_axis_rows()),
    "sweep-2d": lambda root: _sweep_page(root, "sweep2", ["leverage=2,4", "depeg=0.05,0.1"], two_axis_rows()),
    "probe": shock_probe_page_file,
    "probe-sale": lambda root: _probe_sale_page(root),
    "account": lambda root: _account_page(root),
}
"""How each kind of page is built (into a folder); each returns the page's path."""


class Pages:
    """Pages by kind, each built on first use (a test process builds only those it checks)."""

    def __init__(self, root) -> None:
        self.root, self._built = root, {}

    def __getitem__(self, kind):
        if kind not in self._built:
            self._built[kind] = BUILDERS[kind](self.root)
        return self._built[kind]


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    return Pages(tmp_path_factory.mktemp("pages"))


def _account_page(root):
    from lstlab.report.account import account_page

    return account_page(account_view(), root / "account.html")


def _probe_sale_page(root):
    from lstlab.report.probe import probe_page

    return probe_page(root / "probe-sale.html", *sale_probe(), settings={"sell": "300 wstETH"})


SALE_HFS = (1.002, 1.01, 1.05)
"""Health factors of the sale probe's positions at par."""


def sale_probe():
    """(cascade, thresholds) of selling 300 wstETH into a 3,000 + 3,000 Curve pool against three
    wstETH/WETH positions of the v3 market (eMode LT 95%) at health factors 1.002, 1.01, 1.05."""
    from lstlab import audit
    from lstlab.world import LendingParams, PoolParams, WorldParams, default_world

    params = WorldParams(pools=PoolParams(curve_eth=3000, curve_steth=3000), lending=LendingParams(background=False))
    world = default_world(params)
    world.set_oracle("market")
    m = world.market
    value = 100 * m.price(world.wsteth) * 9500 / (10_000 * m.price(world.weth))
    rows = []
    for k, hf in enumerate(SALE_HFS):
        rows += [(f"p{k}", "aave-v3", "wstETH", "100", "0", 1, True),
                 (f"p{k}", "aave-v3", "WETH", "0", f"{value / hf:.6f}", 1, True)]
    frame = pd.DataFrame(rows, columns=["account", "market", "asset", "collateral", "debt", "emode",
                                        "collateral_enabled"])
    audit.open_positions(world, audit.load_positions(frame))
    cascade = audit.cascade(world, sale=audit.Sale("curve", 300 * 10**18), rule="every-eligible")
    return cascade, audit.thresholds(world)
