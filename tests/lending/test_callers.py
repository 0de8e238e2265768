"""Who may act on the market (chain.calls): the acting party is the caller the chain vouches for.

Each reproduction names a contract's address (the market's own) as the one who pays or acts; it
is refused and the lenders' cash stays where it was. A contract acts from its own code only, and
a flash-loan callback acts as its receiver.
"""

from __future__ import annotations

import pytest

from chain import Contract, NotTheCaller, Unauthorized, external
from chain.fixedpoint import RAY, ray_div, ray_mul, wad_to_ray
from lending import NotEnoughAvailableUserBalance, Repay
from tests.lending.conftest import make_world

E18, U6 = 10**18, 10**6


class Vault(Contract):
    """A contract that keeps its WETH in the market: it supplies and withdraws from its own code."""

    kind = "test.vault"

    @classmethod
    def deploy(cls, state, address: str, market: str) -> Vault:
        vault = cls(state, address, "ethereum")
        state.register_contract(vault)
        vault._store("market", market)
        return vault

    @external
    def park(self, token, amount: int) -> None:
        self.state.contract(self._load("market")).supply(self.address, token, amount)

    @external
    def unpark(self, token) -> int:
        return self.state.contract(self._load("market")).withdraw(self.address, token)

    @external
    def set_feed(self, token, feed: str, named: bool = True) -> None:
        """Act as the market's parameter admin (a timelock would, after a vote), naming itself as
        the caller or leaving the market to see it as ``msg_sender``."""
        market = self.state.contract(self._load("market"))
        market.set_feed(token, feed, caller=self.address if named else None)


@pytest.fixture
def lent():
    """bob lends 100 WETH and 100k USDC; alice borrows 16k USDC against 10 WETH; eve holds nothing."""
    world = make_world()
    world.state.add_account("eve")
    m = world.market
    m.supply("bob", world.weth, 100 * E18)
    m.supply("bob", world.usdc, 100_000 * U6)
    m.supply("alice", world.weth, 10 * E18)
    m.borrow("alice", world.usdc, 16_000 * U6)
    return world


def cash(world) -> tuple[int, int]:
    return world.state.balance_of(world.weth, "aave"), world.state.balance_of(world.usdc, "aave")


class TestTheMarketNeverPaysItself:
    @pytest.mark.parametrize("sender", [None, "eve"])
    def test_supply_from_the_market_for_eve_is_refused(self, lent, sender) -> None:
        """supply("aave", ..., on_behalf_of="eve") is refused (outside every frame and in eve's
        transaction); eve then has nothing to withdraw and the market keeps its 110 WETH."""
        m, state = lent.market, lent.state
        digest = state.digest()
        with pytest.raises(NotTheCaller), state.tx(sender):
            m.supply("aave", lent.weth, 1000 * E18, on_behalf_of="eve")
        assert state.digest() == digest
        with pytest.raises(NotEnoughAvailableUserBalance):
            m.withdraw("eve", lent.weth, 1000 * E18)
        assert m.supplied("eve", lent.weth) == 0
        assert cash(lent) == (110 * E18, 84_000 * U6)

    @pytest.mark.parametrize("sender", [None, "alice"])
    def test_the_market_as_payer_is_refused(self, lent, sender) -> None:
        """repay("alice", ..., payer="aave") erases nothing: alice still owes her 16k USDC."""
        m, state = lent.market, lent.state
        with pytest.raises(NotTheCaller), state.tx(sender):
            m.repay("alice", lent.usdc, 50_000 * U6, payer="aave")
        assert m.debt("alice", lent.usdc) == 16_000 * U6
        assert cash(lent) == (110 * E18, 84_000 * U6)

    def test_liquidate_and_flash_loan_as_the_market_are_refused(self, lent) -> None:
        """The market's address cannot liquidate (paying with its own cash) nor take a flash loan
        (repaying itself); the reserves keep their cash."""
        m = lent.market
        lent.feed("WETH").set(1700 * 10**8)
        digest = lent.state.digest()
        with pytest.raises(NotTheCaller):
            m.liquidate("aave", "alice", lent.weth, lent.usdc, 2**256 - 1)
        with pytest.raises(NotTheCaller):
            m.flash_loan("aave", lent.usdc, 84_000 * U6, lambda *_: None)
        assert lent.state.digest() == digest
        assert cash(lent) == (110 * E18, 84_000 * U6)


class TestPayerIsTheCaller:
    def test_another_account_pays_from_its_own_transaction(self, lent) -> None:
        """In bob's transaction bob repays 1,000 USDC of alice's debt: bob's wallet pays exactly
        that, alice's debt falls by it (index still 1 RAY: no time passed)."""
        m, state = lent.market, lent.state
        before = state.balance_of(lent.usdc, "bob")
        with state.tx("bob"):
            assert m.repay("alice", lent.usdc, 1_000 * U6, payer="bob") == 1_000 * U6
        assert state.balance_of(lent.usdc, "bob") == before - 1_000 * U6
        assert m.debt("alice", lent.usdc) == 15_000 * U6
        assert state.events[-1] == Repay("aave", lent.usdc, "alice", "bob", 1_000 * U6, False)

    def test_no_account_makes_another_pay(self, lent) -> None:
        """In alice's transaction, naming bob as payer is refused; so is acting for bob at all."""
        m, state = lent.market, lent.state
        digest = state.digest()
        with pytest.raises(NotTheCaller), state.tx("alice"):
            m.repay("alice", lent.usdc, 1_000 * U6, payer="bob")
        with pytest.raises(NotTheCaller), state.tx("alice"):
            m.withdraw("bob", lent.weth, E18)
        with pytest.raises(NotTheCaller), state.tx("alice"):
            m.supply("bob", lent.weth, E18)
        assert state.digest() == digest


class TestContractsActFromTheirOwnCode:
    def test_a_contract_supplies_and_withdraws_only_from_its_code(self, lent) -> None:
        """A vault's code supplies its 5 WETH and withdraws them; from outside its code nobody can
        withdraw them for it."""
        m, state = lent.market, lent.state
        vault = Vault.deploy(state, "vault", "aave")
        state.mint(lent.weth, "vault", 5 * E18)
        vault.park(lent.weth, 5 * E18)
        assert m.supplied("vault", lent.weth) == 5 * E18
        with pytest.raises(NotTheCaller):
            m.withdraw("vault", lent.weth)
        with pytest.raises(NotTheCaller), state.tx("eve"):
            m.withdraw("vault", lent.weth)
        assert vault.unpark(lent.weth) == 5 * E18
        assert state.balance_of(lent.weth, "vault") == 5 * E18

    def test_an_admin_contract_sets_a_feed_only_from_its_code(self, lent) -> None:
        """With a contract as parameter admin, claiming to be it from outside is refused; its own
        code sets the feed (the price then reads 2,300 USD from the wstETH feed)."""
        m, state = lent.market, lent.state
        admin = Vault.deploy(state, "admin", "aave")
        m.set_param_admin("admin")
        with pytest.raises(Unauthorized):
            m.set_feed(lent.weth, "wsteth-usd", caller="admin")
        with pytest.raises(Unauthorized), state.tx("eve"):
            m.set_feed(lent.weth, "wsteth-usd", caller="admin")
        assert m.price(lent.weth) == 2000 * 10**8
        admin.set_feed(lent.weth, "wsteth-usd")
        assert m.price(lent.weth) == 2300 * 10**8
        admin.set_feed(lent.weth, "weth-usd", named=False)
        assert m.price(lent.weth) == 2000 * 10**8

    def test_an_account_admin_acts_in_its_own_transaction(self, lent) -> None:
        """With bob as admin, bob's transaction sets a feed without naming himself; alice's is
        refused, and so is bob named from alice's transaction."""
        m, state = lent.market, lent.state
        m.set_param_admin("bob")
        with state.tx("bob"):
            m.set_feed(lent.weth, "wsteth-usd")
        assert m.price(lent.weth) == 2300 * 10**8
        digest = state.digest()
        with pytest.raises(Unauthorized), state.tx("alice"):
            m.set_feed(lent.weth, "weth-usd")
        with pytest.raises(NotTheCaller), state.tx("alice"):
            m.set_feed(lent.weth, "weth-usd", caller="bob")
        with pytest.raises(Unauthorized):
            m.set_feed(lent.weth, "weth-usd")
        assert state.digest() == digest
        m.set_feed(lent.weth, "weth-usd", caller="bob")
        assert m.price(lent.weth) == 2000 * 10**8


class TestFlashLoanCallbacksActAsTheReceiver:
    def test_the_callback_runs_in_the_receivers_frame(self, lent) -> None:
        """Inside dave's callback the caller is dave: dave supplies 10 WETH of his own; acting for
        bob or moving the market's cash is refused."""
        m, state = lent.market, lent.state
        seen = {}

        def callback(st, asset, amount, premium) -> None:
            seen["caller"] = st.caller
            m.supply("dave", lent.weth, 10 * E18)
            for attempt in (lambda: m.supply("bob", lent.weth, E18),
                            lambda: st.transfer(asset, "aave", "dave", 1)):
                with pytest.raises(NotTheCaller):
                    attempt()

        amount = 40 * E18
        premium = m.flash_loan("dave", lent.weth, amount, callback)
        assert seen == {"caller": "dave"}
        assert premium == amount * 5 // 10_000
        # dave's 10 WETH were supplied at index 1 RAY (scaled = amount); the premium then spread
        # over the 120 WETH supplied (bob 100, alice 10, dave 10): index x (1 + premium / 120)
        index = ray_mul(ray_div(wad_to_ray(premium), wad_to_ray(120 * E18)) + RAY, RAY)
        assert m.liquidity_index(lent.weth) == index
        assert m.position("dave").supplied_of(0) == 10 * E18
        assert m.supplied("dave", lent.weth) == ray_mul(10 * E18, index)
        assert state.caller is None

    def test_a_refused_call_in_the_callback_reverts_the_whole_loan(self, lent) -> None:
        """A callback that tries to act for bob fails the flash loan, and nothing is written."""
        m, state = lent.market, lent.state
        digest = state.digest()
        with pytest.raises(NotTheCaller):
            m.flash_loan("dave", lent.weth, 40 * E18, lambda st, a, n, p: m.withdraw("bob", a, E18))
        assert state.digest() == digest
        assert state.caller is None
