"""The peer libraries the bench times lstlab against, when they are installed.

curvesim (curveresearch/curvesim: Curve pools as integer ports, an arbitrage pipeline) and
UniswapPy (defipy-devs/uniswappy: a Uniswap V2 exchange in Python) are optional: the
``bench`` extra installs them (``pip install -e '.[bench]'``). :func:`load` returns None
for one that is missing or fails to import, and :func:`missing` is the note of the row that
then has no baseline.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

import pandas as pd

DISTRIBUTIONS = {"curvesim": "curvesim", "uniswappy": "UniswapPy"}
"""Import name -> the distribution to install."""


def load(module: str) -> ModuleType | None:
    """The peer's top-level module, or None when it cannot be imported."""
    if module not in DISTRIBUTIONS:
        raise ValueError(f"{module!r} is not a bench peer; peers: {', '.join(DISTRIBUTIONS)}")
    try:
        found = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a peer that fails to import for any reason is absent
        return None
    if module == "curvesim":
        _quiet_curvesim()
    return found


def _quiet_curvesim() -> None:
    """curvesim sets each of its loggers to INFO and logs every simulation: warnings only."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("curvesim"):
            logging.getLogger(name).setLevel(logging.WARNING)


def missing(module: str) -> str:
    """The note of a row whose peer is absent."""
    return f"{DISTRIBUTIONS[module]} not installed (pip install -e '.[bench]'): baseline skipped"


def curvesim_pool(A: int, holdings: tuple[int, int], fee: int, admin_fee: int) -> Any:
    """curvesim's integer stableswap ``CurvePool`` holding ``holdings`` (two 18-decimal coins)."""
    from curvesim.pool.stableswap.pool import CurvePool

    return CurvePool(A=A, D=list(holdings), n=2, fee=fee, admin_fee=admin_fee)


def curvesim_sim_pool(A: int, holdings: tuple[int, int], fee: int, admin_fee: int) -> Any:
    """curvesim's ``SimCurvePool`` (the pool its pipelines trade) as the ETH/stETH pool."""
    from curvesim.pool.sim_interface import SimCurvePool

    pool = SimCurvePool(A=A, D=list(holdings), n=2, fee=fee, admin_fee=admin_fee)
    pool.metadata = {
        "name": "Curve.fi ETH/stETH", "symbol": "steCRV", "chain": "mainnet",
        "address": "0xDC24316b9AE028F1497c275EB9192a3Ea0f67022",
        "coins": {"names": ["ETH", "stETH"],
                  "addresses": ["0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE",
                                "0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84"]},
    }
    return pool


def uniswappy_pair(reserve0: int, reserve1: int) -> tuple[Any, Any, Any]:
    """A UniswapPy V2 exchange in integer (wei) precision seeded with both reserves by the
    account ``user``: ``(exchange, token0, token1)``."""
    from uniswappy import ERC20, Join, UniswapExchangeData, UniswapFactory

    token0, token1 = ERC20("TKA", "0xa"), ERC20("TKB", "0xb")
    factory = UniswapFactory("bench", "0xf")
    data = UniswapExchangeData(tkn0=token0, tkn1=token1, symbol="LP", address="0x1",
                               precision=UniswapExchangeData.TYPE_GWEI)
    exchange = factory.deploy(data)
    Join().apply(exchange, "user", reserve0, reserve1)
    return exchange, token0, token1


class CurvesimArbitrage:
    """One run of curvesim's simple arbitrage pipeline (``SimpleStrategy``: each step the
    ``SimpleArbitrageur`` sizes the trade to the market price by root finding and trades it,
    the ``StateLog`` records the pool; the default metrics computed at the end) over a path
    of stETH/ETH prices, one sample per row. :meth:`setup` builds a fresh pool; :meth:`run`
    runs the strategy on it."""

    def __init__(self, times: Sequence[datetime], steth_eth: Sequence[float], A: int, holdings: tuple[int, int],
                 fee: int, admin_fee: int) -> None:
        from curvesim.templates.price_samplers import PriceSample, PriceSampler

        pair = ("ETH", "stETH")  # curvesim quotes coin i in coin j: ETH in stETH
        samples = [PriceSample(t, {pair: 1.0 / p}) for t, p in zip(times, steth_eth)]
        frame = pd.DataFrame({pair: [1.0 / p for p in steth_eth]}, index=list(times))

        class Sampler(PriceSampler):
            prices = frame

            def __iter__(self) -> Iterator[PriceSample]:
                return iter(samples)

        self.sampler = Sampler()
        self.pool_args = (A, holdings, fee, admin_fee)
        self.pool = None
        self.strategy = None

    def setup(self) -> None:
        from curvesim.metrics import init_metrics
        from curvesim.pipelines.common import DEFAULT_METRICS
        from curvesim.pipelines.simple.strategy import SimpleStrategy

        _quiet_curvesim()
        self.pool = curvesim_sim_pool(*self.pool_args)
        self.strategy = SimpleStrategy(init_metrics(DEFAULT_METRICS, pool=self.pool))

    def run(self) -> Any:
        return self.strategy(self.pool, None, self.sampler)
