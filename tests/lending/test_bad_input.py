"""Every bad input raises its typed error and leaves ``state.digest()`` unchanged."""

from __future__ import annotations

import pytest

from chain import (
    InsufficientBalance,
    InvalidAmount,
    InvalidArgument,
    ParameterOutOfBounds,
    State,
    Token,
    UnknownAccount,
    UnknownParameter,
    UnknownToken,
    WrongNetwork,
)
from chain.fixedpoint import UINT256_MAX
from lending import (
    BorrowCapExceeded,
    BorrowingNotEnabled,
    CollateralBalanceZero,
    CollateralCannotBeLiquidated,
    CollateralCannotCoverNewBorrow,
    FlashLoanNotRepaid,
    HealthFactorNotBelowThreshold,
    HealthFactorTooLow,
    InconsistentEModeCategory,
    InvalidReserveParams,
    NoDebt,
    NoExplicitAmountToRepayOnBehalf,
    NotEnoughAvailableUserBalance,
    RateStrategy,
    ReserveAlreadyListed,
    ReserveFrozen,
    ReserveNotListed,
    ReservePaused,
    SpecifiedCurrencyNotBorrowed,
    SupplyCapExceeded,
    UnderlyingBalanceZero,
    UnknownEModeCategory,
)
from tests.lending.conftest import make_world

E18, U6 = 10**18, 10**6


@pytest.fixture
def base():
    world = make_world()
    m = world.market
    m.supply("bob", world.usdc, 100_000 * U6)
    m.supply("bob", world.weth, 100 * E18)
    m.supply("alice", world.weth, 10 * E18)
    m.borrow("alice", world.usdc, 16_000 * U6)
    m.supply("carol", world.wsteth, 10 * E18)
    m.set_emode("carol", 1)
    world.state.add_network("arbitrum")
    world.state.add_token("arbitrum", "WETH")
    world.state.add_token("ethereum", "DAI")
    return world


def never_repays(state, asset, amount, premium) -> None:
    state.transfer(asset, "dave", "bob", state.balance_of(asset, "dave"))


def fails_inside(state, asset, amount, premium) -> None:
    state.transfer(asset, "dave", "bob", 1)
    raise RuntimeError("strategy failed")


def param(name: str, value: int):
    return lambda w: w.market.set_param(name, value)


def crash(w) -> None:
    w.feed("WETH").set(1900 * 10**8)


M = lambda call: (lambda w: call(w, w.market))  # noqa: E731

CASES = [
    ("unknown token", None, M(lambda w, m: m.supply("alice", Token("ethereum", "XYZ"), 1)), UnknownToken),
    ("token not listed", None,
     M(lambda w, m: m.supply("alice", w.state.token("ethereum", "DAI"), 1)), ReserveNotListed),
    ("token of another network", None,
     M(lambda w, m: m.supply("alice", w.state.token("arbitrum", "WETH"), 1)), WrongNetwork),
    ("unknown user", None, M(lambda w, m: m.supply("mallory", w.weth, 1)), UnknownAccount),
    ("zero supply", None, M(lambda w, m: m.supply("alice", w.weth, 0)), InvalidAmount),
    ("negative supply", None, M(lambda w, m: m.supply("alice", w.weth, -1)), InvalidAmount),
    ("float supply", None, M(lambda w, m: m.supply("alice", w.weth, 1.5)), InvalidAmount),
    ("zero withdraw", None, M(lambda w, m: m.withdraw("bob", w.weth, 0)), InvalidAmount),
    ("zero borrow", None, M(lambda w, m: m.borrow("alice", w.usdc, 0)), InvalidAmount),
    ("zero repay", None, M(lambda w, m: m.repay("alice", w.usdc, 0)), InvalidAmount),
    ("zero flash loan", None, M(lambda w, m: m.flash_loan("dave", w.weth, 0, never_repays)), InvalidAmount),
    ("supply beyond wallet", None, M(lambda w, m: m.supply("alice", w.weth, 10**30)), InsufficientBalance),
    ("borrow disabled asset", param("WETH.borrowing_enabled", 0),
     M(lambda w, m: m.borrow("bob", w.weth, 1)), BorrowingNotEnabled),
    ("over supply cap", param("WETH.supply_cap", 200),
     M(lambda w, m: m.supply("dave", w.weth, 91 * E18)), SupplyCapExceeded),
    ("over borrow cap", param("USDC.borrow_cap", 20_000),
     M(lambda w, m: m.borrow("bob", w.usdc, 4_001 * U6)), BorrowCapExceeded),
    ("supply frozen", param("WETH.frozen", 1), M(lambda w, m: m.supply("dave", w.weth, 1)), ReserveFrozen),
    ("supply paused", param("WETH.paused", 1), M(lambda w, m: m.supply("dave", w.weth, 1)), ReservePaused),
    ("withdraw locked collateral", None,
     M(lambda w, m: m.withdraw("alice", w.weth, 1 * E18)), HealthFactorTooLow),
    ("collateral off under debt", None,
     M(lambda w, m: m.set_collateral("alice", w.weth, False)), HealthFactorTooLow),
    ("collateral of nothing", None,
     M(lambda w, m: m.set_collateral("dave", w.weth, True)), UnderlyingBalanceZero),
    ("withdraw beyond supply", None,
     M(lambda w, m: m.withdraw("bob", w.weth, 101 * E18)), NotEnoughAvailableUserBalance),
    ("borrow without collateral", None, M(lambda w, m: m.borrow("dave", w.usdc, U6)), CollateralBalanceZero),
    ("borrow beyond LTV", None,
     M(lambda w, m: m.borrow("alice", w.usdc, 200 * U6)), CollateralCannotCoverNewBorrow),
    ("repay without debt", None, M(lambda w, m: m.repay("bob", w.usdc, U6)), NoDebt),
    ("borrow outside eMode", None, M(lambda w, m: m.borrow("carol", w.usdc, U6)), InconsistentEModeCategory),
    ("eMode with foreign debt", None, M(lambda w, m: m.set_emode("alice", 1)), InconsistentEModeCategory),
    ("unknown eMode", None, M(lambda w, m: m.set_emode("bob", 7)), UnknownEModeCategory),
    ("liquidate healthy", None,
     M(lambda w, m: m.liquidate("liquidator", "bob", w.weth, w.usdc, U6)), HealthFactorNotBelowThreshold),
    ("liquidate wrong collateral", crash,
     M(lambda w, m: m.liquidate("liquidator", "alice", w.usdc, w.usdc, U6)), CollateralCannotBeLiquidated),
    ("liquidate wrong debt", crash,
     M(lambda w, m: m.liquidate("liquidator", "alice", w.weth, w.wsteth, U6)), SpecifiedCurrencyNotBorrowed),
    ("unrepaid flash loan", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 10 * E18, never_repays)), FlashLoanNotRepaid),
    ("flash loan callback fails", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 10 * E18, fails_inside)), RuntimeError),
    ("flash loan bad mode", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 1, never_repays, mode=1)), InvalidArgument),
    ("param unknown", None, M(lambda w, m: m.set_param("WETH.colour", 1)), UnknownParameter),
    ("param out of bounds", None, M(lambda w, m: m.set_param("WETH.ltv", 10_001)), ParameterOutOfBounds),
    ("param inconsistent", None, M(lambda w, m: m.set_param("WETH.ltv", 9000)), InvalidReserveParams),
    ("list twice", None,
     M(lambda w, m: m.list_reserve(w.weth, "weth-usd", RateStrategy(1, 0, 0, 0))), ReserveAlreadyListed),
    ("repay all for another", None,
     M(lambda w, m: m.repay("alice", w.usdc, None, payer="bob")), NoExplicitAmountToRepayOnBehalf),
    ("unknown payer", None,
     M(lambda w, m: m.repay("alice", w.usdc, UINT256_MAX, payer="mallory")), UnknownAccount),
]


@pytest.mark.parametrize("name,setup,action,error", CASES, ids=[c[0] for c in CASES])
def test_bad_input_writes_nothing(base, name, setup, action, error) -> None:
    """After the case's setup, the action raises its typed error and the digest is unchanged,
    inside or outside a transaction."""
    state: State = base.state
    if setup is not None:
        setup(base)
    assert not state.in_transaction
    digest = state.digest()
    with pytest.raises(error):
        action(base)
    assert state.digest() == digest
    with pytest.raises(error):
        with state.tx("alice"):
            action(base)
    assert state.digest() == digest
