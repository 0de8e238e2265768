"""Closed forms of the leveraged loop: each against an independent derivation."""

from __future__ import annotations

import math

import pytest

from lstlab.errors import StrategyError
from lstlab.strategies import closed_form as cf


def test_max_leverage_is_the_geometric_series_of_reborrowing():
    """Re-borrowing LTV of each supply forever sums to 1/(1-LTV): 0.93 -> 14.2857..."""
    series = sum(0.93**k for k in range(2000))
    assert cf.max_leverage(0.93) == pytest.approx(series, rel=1e-12)
    assert cf.max_leverage(0.0) == 1.0


def test_health_and_leverage_are_inverse():
    for lt in (0.8, 0.93, 0.95):
        for hf in (1.01, 1.05, 1.2, 2.0):
            assert cf.health_factor(cf.leverage_for_health(hf, lt), lt) == pytest.approx(hf, rel=1e-12)


def test_health_factor_from_balances():
    """5x with LT 95%: collateral 5, debt 4 -> HF = 5*0.95/4 = 1.1875."""
    assert cf.health_factor(5, 0.95) == pytest.approx(1.1875, rel=1e-15)
    assert cf.health_factor(1, 0.95) == math.inf


def test_liquidation_ratio_makes_hf_one():
    for lev in (2, 5, 10, 14):
        ratio = cf.liquidation_ratio(lev, 0.95)
        assert cf.health_factor(lev, 0.95, ratio) == pytest.approx(1.0, rel=1e-12)


def test_max_safe_leverage_against_the_2022_low():
    """With LT 95% and a minimum ratio of 0.93694, 1/(1-0.95*0.93694) = 9.0957..."""
    lev = cf.max_safe_leverage(0.93694, 0.95)
    assert lev == pytest.approx(1 / (1 - 0.95 * 0.93694), rel=1e-15)
    assert cf.liquidation_ratio(lev, 0.95) == pytest.approx(0.93694, rel=1e-12)


def test_net_apy():
    """5x at 3.5% staking and 2% borrow: 17.5% - 8% = 9.5%."""
    assert cf.net_apy(5, 0.035, 0.02) == pytest.approx(0.095, rel=1e-12)


@pytest.mark.parametrize("lev", [0.5, 14.3, math.nan, math.inf])
def test_leverage_out_of_range(lev):
    with pytest.raises(StrategyError, match="outside"):
        cf.check_leverage(lev, 0.93)


def test_unreachable_health():
    with pytest.raises(StrategyError, match="unreachable"):
        cf.leverage_for_health(0.9, 0.95)
