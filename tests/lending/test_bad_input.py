"""Every bad input raises its typed error and leaves ``state.digest()`` unchanged."""

from __future__ import annotations

import pytest

from chain import (
    InsufficientBalance,
    InvalidAmount,
    InvalidArgument,
    ManualFeed,
    NotTheCaller,
    ParameterOutOfBounds,
    State,
    Token,
    UnknownAccount,
    UnknownContract,
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
    world.state.add_account("eve")
    ManualFeed.deploy(world.state, "arb-feed", "arbitrum", base="WETH", quote="USD", decimals=8,
                      answer=2000 * 10**8)
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


M = lambda call: (lambda w: call(w, w.market))

CASES = [
    ("unknown token", "alice", None, M(lambda w, m: m.supply("alice", Token("ethereum", "XYZ"), 1)), UnknownToken),
    ("token not listed", "alice", None,
     M(lambda w, m: m.supply("alice", w.state.token("ethereum", "DAI"), 1)), ReserveNotListed),
    ("token of another network", "alice", None,
     M(lambda w, m: m.supply("alice", w.state.token("arbitrum", "WETH"), 1)), WrongNetwork),
    ("unknown user", None, None, M(lambda w, m: m.supply("mallory", w.weth, 1)), UnknownAccount),
    ("zero supply", "alice", None, M(lambda w, m: m.supply("alice", w.weth, 0)), InvalidAmount),
    ("negative supply", "alice", None, M(lambda w, m: m.supply("alice", w.weth, -1)), InvalidAmount),
    ("float supply", "alice", None, M(lambda w, m: m.supply("alice", w.weth, 1.5)), InvalidAmount),
    ("zero withdraw", "bob", None, M(lambda w, m: m.withdraw("bob", w.weth, 0)), InvalidAmount),
    ("zero borrow", "alice", None, M(lambda w, m: m.borrow("alice", w.usdc, 0)), InvalidAmount),
    ("zero repay", "alice", None, M(lambda w, m: m.repay("alice", w.usdc, 0)), InvalidAmount),
    ("zero flash loan", "dave", None, M(lambda w, m: m.flash_loan("dave", w.weth, 0, never_repays)), InvalidAmount),
    ("supply beyond wallet", "alice", None, M(lambda w, m: m.supply("alice", w.weth, 10**30)), InsufficientBalance),
    ("borrow disabled asset", "bob", param("WETH.borrowing_enabled", 0),
     M(lambda w, m: m.borrow("bob", w.weth, 1)), BorrowingNotEnabled),
    ("over supply cap", "dave", param("WETH.supply_cap", 200),
     M(lambda w, m: m.supply("dave", w.weth, 91 * E18)), SupplyCapExceeded),
    ("over borrow cap", "bob", param("USDC.borrow_cap", 20_000),
     M(lambda w, m: m.borrow("bob", w.usdc, 4_001 * U6)), BorrowCapExceeded),
    ("supply frozen", "dave", param("WETH.frozen", 1), M(lambda w, m: m.supply("dave", w.weth, 1)), ReserveFrozen),
    ("supply paused", "dave", param("WETH.paused", 1), M(lambda w, m: m.supply("dave", w.weth, 1)), ReservePaused),
    ("withdraw locked collateral", "alice", None,
     M(lambda w, m: m.withdraw("alice", w.weth, 1 * E18)), HealthFactorTooLow),
    ("collateral off under debt", "alice", None,
     M(lambda w, m: m.set_collateral("alice", w.weth, False)), HealthFactorTooLow),
    ("collateral of nothing", "dave", None,
     M(lambda w, m: m.set_collateral("dave", w.weth, True)), UnderlyingBalanceZero),
    ("withdraw beyond supply", "bob", None,
     M(lambda w, m: m.withdraw("bob", w.weth, 101 * E18)), NotEnoughAvailableUserBalance),
    ("borrow without collateral", "dave", None, M(lambda w, m: m.borrow("dave", w.usdc, U6)), CollateralBalanceZero),
    ("borrow beyond LTV", "alice", None,
     M(lambda w, m: m.borrow("alice", w.usdc, 200 * U6)), CollateralCannotCoverNewBorrow),
    ("repay without debt", "bob", None, M(lambda w, m: m.repay("bob", w.usdc, U6)), NoDebt),
    ("borrow outside eMode", "carol", None, M(lambda w, m: m.borrow("carol", w.usdc, U6)), InconsistentEModeCategory),
    ("eMode with foreign debt", "alice", None, M(lambda w, m: m.set_emode("alice", 1)), InconsistentEModeCategory),
    ("unknown eMode", "bob", None, M(lambda w, m: m.set_emode("bob", 7)), UnknownEModeCategory),
    ("liquidate healthy", "liquidator", None,
     M(lambda w, m: m.liquidate("liquidator", "bob", w.weth, w.usdc, U6)), HealthFactorNotBelowThreshold),
    ("liquidate wrong collateral", "liquidator", crash,
     M(lambda w, m: m.liquidate("liquidator", "alice", w.usdc, w.usdc, U6)), CollateralCannotBeLiquidated),
    ("liquidate wrong debt", "liquidator", crash,
     M(lambda w, m: m.liquidate("liquidator", "alice", w.weth, w.wsteth, U6)), SpecifiedCurrencyNotBorrowed),
    ("unrepaid flash loan", "dave", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 10 * E18, never_repays)), FlashLoanNotRepaid),
    ("flash loan callback fails", "dave", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 10 * E18, fails_inside)), RuntimeError),
    ("flash loan bad mode", "dave", None,
     M(lambda w, m: m.flash_loan("dave", w.weth, 1, never_repays, mode=1)), InvalidArgument),
    ("param unknown", "alice", None, M(lambda w, m: m.set_param("WETH.colour", 1)), UnknownParameter),
    ("param out of bounds", "alice", None, M(lambda w, m: m.set_param("WETH.ltv", 10_001)), ParameterOutOfBounds),
    ("param inconsistent", "alice", None, M(lambda w, m: m.set_param("WETH.ltv", 9000)), InvalidReserveParams),
    ("list twice", "alice", None,
     M(lambda w, m: m.list_reserve(w.weth, "weth-usd", RateStrategy(1, 0, 0, 0))), ReserveAlreadyListed),
    ("repay all for another", "bob", None,
     M(lambda w, m: m.repay("alice", w.usdc, None, payer="bob")), NoExplicitAmountToRepayOnBehalf),
    ("unknown payer", None, None,
     M(lambda w, m: m.repay("alice", w.usdc, UINT256_MAX, payer="mallory")), UnknownAccount),
    # who acts: the acting party is the caller, never the market's (or another contract's) address
    ("market supplies for eve", "eve", None,
     M(lambda w, m: m.supply("aave", w.weth, 1000 * E18, on_behalf_of="eve")), NotTheCaller),
    ("market pays alice's debt", "alice", None,
     M(lambda w, m: m.repay("alice", w.usdc, 50_000 * U6, payer="aave")), NotTheCaller),
    ("feed withdraws", "alice", None, M(lambda w, m: m.withdraw("weth-usd", w.weth, E18)), NotTheCaller),
    ("market liquidates", "liquidator", crash,
     M(lambda w, m: m.liquidate("aave", "alice", w.weth, w.usdc, U6)), NotTheCaller),
    ("market takes a flash loan", "dave", None,
     M(lambda w, m: m.flash_loan("aave", w.weth, 10 * E18, never_repays)), NotTheCaller),
    ("market borrows", "alice", None, M(lambda w, m: m.borrow("aave", w.usdc, U6)), NotTheCaller),
    ("market toggles collateral", "alice", None,
     M(lambda w, m: m.set_collateral("aave", w.weth, False)), NotTheCaller),
    ("market enters eMode", "alice", None, M(lambda w, m: m.set_emode("aave", 1)), NotTheCaller),
    ("supply on behalf of the market", "alice", None,
     M(lambda w, m: m.supply("alice", w.weth, E18, on_behalf_of="aave")), InvalidArgument),
    ("supply for a contract of another network", "alice", None,
     M(lambda w, m: m.supply("alice", w.weth, E18, on_behalf_of="arb-feed")), WrongNetwork),
    ("admin claimed by a feed", "alice", None,
     M(lambda w, m: m.set_feed(w.weth, "wsteth-usd", caller="weth-usd")), NotTheCaller),
    # feeds and settings an admin call must refuse
    ("list with a feed of another network", "alice", None,
     M(lambda w, m: m.list_reserve(w.state.token("ethereum", "DAI"), "arb-feed", RateStrategy(1, 0, 0, 0))),
     WrongNetwork),
    ("set a feed of another network", "alice", None, M(lambda w, m: m.set_feed(w.weth, "arb-feed")), WrongNetwork),
    ("set a feed that is an account", "alice", None, M(lambda w, m: m.set_feed(w.weth, "bob")), UnknownContract),
    ("set a market as feed", "alice", None, M(lambda w, m: m.set_feed(w.weth, "aave")), InvalidArgument),
    ("config with an unknown feed", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, feed="nobody")), UnknownContract),
    ("config with a feed of another network", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, feed="arb-feed")), WrongNetwork),
    ("config with a non-feed", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, feed="aave")), InvalidArgument),
    ("config active='no'", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, active="no")), InvalidReserveParams),
    ("config flash_loan_enabled=2", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, flash_loan_enabled=2)), InvalidReserveParams),
    ("config strategy not a strategy", "alice", None,
     M(lambda w, m: m.set_reserve_config(w.usdc, strategy="kinked")), InvalidReserveParams),
    ("list active='no'", "alice", None,
     M(lambda w, m: m.list_reserve(w.state.token("ethereum", "DAI"), "usdc-usd", RateStrategy(1, 0, 0, 0),
                                   active="no")), InvalidReserveParams),
]


@pytest.mark.parametrize("name,actor,setup,action,error", CASES, ids=[c[0] for c in CASES])
def test_bad_input_writes_nothing(base, name, actor, setup, action, error) -> None:
    """After the case's setup, the action raises its typed error and the digest is unchanged,
    outside every transaction and inside one sent by the case's acting party (a transaction
    without sender where that party cannot send)."""
    state: State = base.state
    if setup is not None:
        setup(base)
    assert not state.in_transaction
    digest = state.digest()
    with pytest.raises(error):
        action(base)
    assert state.digest() == digest
    with pytest.raises(error), state.tx(actor):
        action(base)
    assert state.digest() == digest
