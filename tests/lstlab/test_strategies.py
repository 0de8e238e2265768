"""The leveraged loop against its closed forms; flash and iterative paths agree."""

from __future__ import annotations

import math

import pytest

from chain import WAD
from lending.presets import ETH_CORRELATED
from lstlab import strategies as s
from lstlab.errors import StrategyError, StrategyFailed
from lstlab.strategies import closed_form as cf

EQUITY = 100 * WAD


def _open(world, fn, **kw):
    world.fund(world.weth, "user", EQUITY)
    return fn(world, "user", EQUITY, **kw)


def test_flash_mode2_and_iterative_reach_the_same_position(base_world):
    """5x on 100 WETH: both hold 500 wstETH against 400 WETH, to the wei, at share rate 1."""
    a, b = base_world.fork(), base_world.fork()
    flash = _open(a, s.open_flash, leverage=5.0, mode=2)
    looped = _open(b, s.open_iterative, leverage=5.0)
    assert (flash.collateral_wsteth, flash.debt_weth) == (500 * WAD, 400 * WAD)
    assert (looped.collateral_wsteth, looped.debt_weth) == (flash.collateral_wsteth, flash.debt_weth)
    assert a.market.health_factor("user") == b.market.health_factor("user")


def test_flash_mode0_pays_exactly_the_premium(world):
    """Mode 0 borrows the loan plus 5 bps to repay it: debt = 400 WETH x 1.0005."""
    f = _open(world, s.open_flash, leverage=5.0)
    assert f.debt_weth == 400 * WAD + 400 * WAD * 5 // 10_000
    assert world.state.balance_of(world.weth, "user") == 0


@pytest.mark.parametrize("leverage", [2.0, 5.0, 10.0, 14.0])
def test_leverage_and_health_match_closed_forms(world, leverage):
    """HF = L x LT / (L - 1) with LT 95% (eMode), exact to the half-up WAD rounding."""
    f = _open(world, s.open_flash, leverage=leverage, mode=2)
    assert f.leverage == pytest.approx(leverage, rel=1e-15)
    hf = world.market.health_factor("user")
    assert hf / WAD == pytest.approx(cf.health_factor(leverage, 0.95), rel=1e-15)
    debt = int(EQUITY * (leverage - 1))
    collateral = EQUITY + debt
    assert hf == (collateral * 9500 * WAD // 10_000 + debt // 2) // debt


def test_health_target(world):
    f = _open(world, s.open_flash, health=1.1, mode=2)
    assert f.health_factor == pytest.approx(1.1, rel=1e-12)
    assert f.leverage == pytest.approx(cf.leverage_for_health(1.1, 0.95), rel=1e-12)


def test_net_apy_matches_closed_form_over_a_year(world):
    """365 daily reports at 3.5% and the market's own borrow rate: the equity grows by
    L x staking APY - (L - 1) x borrow APY, with both rates compounded as the chain does
    (daily rebases; Aave's compounded borrow index). The run lands 3.3e-6 above the closed
    form (integer rebases and feed reads); 1e-5 allows that and still catches a day of rewards
    missed (5 x 0.035 / 365 = 4.8e-4) or the simple-APR form (2e-3 off)."""
    _open(world, s.open_flash, leverage=5.0, mode=2)
    borrow_apr = world.market.reserve_state(world.weth).variable_borrow_rate / 1e27
    start = s.figures(world, "user").equity_eth
    for _ in range(365):
        world.state.advance(86_400)
        world.report_rewards(0.035)
    end = s.figures(world, "user").equity_eth
    staking_apy = (1 + 0.035 / 365) ** 365 - 1
    borrow_apy = math.exp(borrow_apr) - 1
    assert end / start - 1 == pytest.approx(cf.net_apy(5.0, staking_apy, borrow_apy), abs=1e-5)
    # the simple-APR closed form is the first-order figure, 0.2 points below here
    assert cf.net_apy(5.0, 0.035, borrow_apr) < end / start - 1


def test_leverage_above_maximum_is_refused(world):
    """eMode LTV 93%: the maximum is 1/(1-0.93) = 14.2857; 14.3 writes nothing."""
    world.fund(world.weth, "user", EQUITY)
    before = world.state.digest()
    with pytest.raises(StrategyError, match="outside"):
        s.open_flash(world, "user", EQUITY, leverage=14.3)
    assert world.state.digest() == before


def test_failed_open_writes_nothing(world):
    """Equity the account does not hold: the flash-loan transaction reverts whole."""
    world.fund(world.weth, "user", EQUITY // 2)
    before = world.state.digest()
    with pytest.raises(StrategyFailed):
        s.open_flash(world, "user", EQUITY, leverage=3.0)
    assert world.state.digest() == before


def test_unwind_returns_equity_less_costs(world):
    """Unwinding a fresh 5x loop repays all debt, leaves no position, and returns the equity
    less the flash premium and the Curve fee and price impact on 500 wstETH."""
    _open(world, s.open_flash, leverage=5.0, mode=2)
    sale = world.curve.get_dy(1, 0, 500 * WAD)  # quoted before: the unwind sells all 500 wstETH
    premium = 400 * WAD * 5 // 10_000
    out = s.unwind(world, "user")
    assert world.market.debt("user", world.weth) == 0 and world.market.supplied("user", world.wsteth) == 0
    assert out == sale - 400 * WAD - premium
    assert 98 * WAD < out < EQUITY


def test_rebalance_band(world):
    """10x sits at HF 1.055 (inside 1.02-1.15: hold); a 1.2-1.3 band deleverages to 1.25 and a
    1.02-1.1 band re-levers to 1.06, each within 0.005: the rebalance solves the closed form,
    and the flash premium, the Curve fee and price impact move the result by less than that."""
    _open(world, s.open_flash, leverage=10.0, mode=2)
    assert s.rebalance(world, "user", s.Band(1.02, 1.15, 1.06)) == "hold"
    assert s.rebalance(world, "user", s.Band(1.2, 1.3, 1.25)) == "deleverage"
    assert s.figures(world, "user").health_factor == pytest.approx(1.25, abs=0.005)
    assert s.rebalance(world, "user", s.Band(1.02, 1.1, 1.06)) == "releverage"
    assert s.figures(world, "user").health_factor == pytest.approx(1.06, abs=0.005)
    assert world.market.position("user").emode == ETH_CORRELATED
