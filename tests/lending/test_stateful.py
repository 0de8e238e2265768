"""A hypothesis state machine over supplies, withdrawals, borrows, repays, price moves, time
steps, liquidations and flash loans, under v3.0.2 and v3.3 liquidation rules.

Invariants, with the rounding stated:
- each reserve is solvent in its accounting: what suppliers and the treasury are owed
  (``rayMul(scaled supply + accrued, index)``, accrued to now) is at most cash + what
  borrowers owe + the deficit, plus 2 wei per action (each half-up ``rayDiv`` may favour a
  user by half a scaled unit). Suppliers keep earning on the part of their claims that the
  deficit no longer backs (Aave v3.3 leaves it to the treasury to cover), so the deficit is
  counted here as scaled by the liquidity index when it was booked (a ghost total);
  the sum of users' scaled balances equals the reserve's scaled totals exactly (ghost sums);
- no action of one user changes another user's health factor downwards;
- a successful borrow or withdrawal leaves the actor's HF >= 1;
- a liquidation never raises the user's debt; it does not lower the HF unless it empties the
  collateral reserve; a position left with debt and no collateral is booked as bad debt
  (v3.0.2) or deficit (v3.3);
- a hostile account naming any contract's address (the market's, a feed's) as the acting party
  of any action, in its own transaction or outside every one, is refused with NotTheCaller and
  writes nothing.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from chain import LstlabError, NotTheCaller
from chain.fixedpoint import UINT256_MAX, WAD, ray_mul
from lending import ScaledBalanceChanged
from lending.reserve import accrue
from tests.lending.conftest import make_world

E18, U6, P8 = 10**18, 10**6, 10**8
USERS = ("alice", "bob", "carol")
COLLATERAL = ("WETH", "wstETH")
CONTRACTS = ("aave", "weth-usd", "wsteth-usd", "usdc-usd")
HOSTILE = {
    "supply for eve": lambda m, w, a: m.supply(a, w.weth, E18, on_behalf_of="eve"),
    "withdraw": lambda m, w, a: m.withdraw(a, w.usdc, None),
    "borrow": lambda m, w, a: m.borrow(a, w.usdc, U6),
    "pay alice's debt": lambda m, w, a: m.repay("alice", w.usdc, U6, payer=a),
    "liquidate": lambda m, w, a: m.liquidate(a, "alice", w.weth, w.usdc, UINT256_MAX),
    "flash loan": lambda m, w, a: m.flash_loan(a, w.usdc, U6, lambda *_: None),
    "collateral off": lambda m, w, a: m.set_collateral(a, w.weth, False),
    "eMode": lambda m, w, a: m.set_emode(a, 1),
    "admin": lambda m, w, a: m.set_feed(w.weth, "wsteth-usd", caller=a),
}


class LendingMachine(RuleBasedStateMachine):
    V33 = False

    @initialize()
    def setup(self) -> None:
        self.world = make_world(liquidation_v33=self.V33, flash_premium_to_protocol=3000)
        self.m = self.world.market
        self.state = self.world.state
        self.state.add_account("eve")
        self.m.supply("dave", self.world.usdc, 2_000_000 * U6)
        for k, user in enumerate(USERS):
            self.m.supply(user, self.world.weth, (k + 1) * 3 * E18)
            self.m.supply(user, self.world.wsteth, (3 - k) * 2 * E18)
            room = self.m.account_data(user).available_borrows_base
            self.m.borrow(user, self.world.usdc, room * U6 // P8 * 9 // 10)
        self.actions = 1
        self.ghost_deficit = [Fraction(0)] * len(self.m.reserves())

    # --- helpers -----------------------------------------------------------------------

    def token(self, symbol: str):
        return self.state.token("ethereum", symbol)

    def hfs(self) -> dict[str, int]:
        return {u: self.m.health_factor(u) for u in (*USERS, "liquidator", "dave")}

    def act(self, actor: str, fn, *exempt: str) -> bool:
        """Run ``fn``; on a typed failure the digest must be unchanged; on success no other
        user's HF may fall. Returns whether it succeeded."""
        before, digest = self.hfs(), self.state.digest()
        self.actions += 1
        try:
            fn()
        except LstlabError:
            assert self.state.digest() == digest
            return False
        after = self.hfs()
        for user in before:
            if user not in (actor, *exempt):
                assert after[user] >= before[user], (user, before[user], after[user])
        return True

    # --- rules ---------------------------------------------------------------------------

    @rule(user=st.sampled_from(USERS), symbol=st.sampled_from(COLLATERAL), whole=st.integers(1, 50))
    def supply(self, user: str, symbol: str, whole: int) -> None:
        self.act(user, lambda: self.m.supply(user, self.token(symbol), whole * E18 // 3))

    @rule(user=st.sampled_from(USERS), symbol=st.sampled_from(COLLATERAL), share=st.integers(1, 100))
    def withdraw(self, user: str, symbol: str, share: int) -> None:
        amount = self.m.supplied(user, self.token(symbol)) * share // 100
        amount = UINT256_MAX if share == 100 else amount
        if self.act(user, lambda: self.m.withdraw(user, self.token(symbol), amount)):
            assert self.m.health_factor(user) >= WAD

    @rule(user=st.sampled_from(USERS), share=st.integers(1, 100))
    def borrow(self, user: str, share: int) -> None:
        amount = self.m.account_data(user).available_borrows_base * U6 // P8 * share // 100
        if self.act(user, lambda: self.m.borrow(user, self.world.usdc, amount)):
            assert self.m.health_factor(user) >= WAD

    @rule(user=st.sampled_from(USERS), share=st.integers(1, 100))
    def repay(self, user: str, share: int) -> None:
        amount = self.m.debt(user, self.world.usdc) * share // 100
        self.act(user, lambda: self.m.repay(user, self.world.usdc, None if share == 100 else amount))

    @rule(symbol=st.sampled_from(COLLATERAL), percent=st.integers(-25, 10))
    def move_price(self, symbol: str, percent: int) -> None:
        feed = self.world.feed(symbol)
        feed.set(max(feed.latest().answer * (100 + percent) // 100, 10 * P8))

    @rule(percent=st.integers(10, 40))
    def crash(self, percent: int) -> None:
        for symbol in COLLATERAL:
            feed = self.world.feed(symbol)
            feed.set(max(feed.latest().answer * (100 - percent) // 100, 10 * P8))

    @rule(seconds=st.integers(1, 30 * 86400))
    def time_step(self, seconds: int) -> None:
        self.state.advance(seconds)

    @rule(user=st.sampled_from(USERS), symbol=st.sampled_from(COLLATERAL), receive=st.booleans())
    def liquidate(self, user: str, symbol: str, receive: bool) -> None:
        collateral = self.token(symbol)
        hf, debt = self.m.health_factor(user), self.m.account_data(user).total_debt_base
        held = self.m.supplied(user, collateral)
        owed = self.m.debt(user, self.world.usdc)
        marks = [self.m.reserve_state(t) for t in self.m.reserves()]
        seizures = []

        def call() -> None:
            seizures.append(
                self.m.liquidate("liquidator", user, collateral, self.world.usdc, UINT256_MAX, receive)
            )

        if not self.act("liquidator", call, user):
            return
        for i, mark in enumerate(marks):
            rs = self.m._rstate(i)
            if rs.deficit != mark.deficit:
                self.ghost_deficit[i] += Fraction(rs.deficit - mark.deficit, rs.liquidity_index)
        after = self.m.account_data(user)
        assert after.total_debt_base <= debt
        emptied = self.m.supplied(user, collateral) == 0 and held > 0
        assert after.health_factor >= hf or emptied
        no_collateral = all(self.m.supplied(user, t) == 0 for t in self.m.reserves())
        if no_collateral and self.V33:
            # v3.3 burns what no collateral backs: no debt is left, the uncovered rest is deficit
            assert self.m.debt(user, self.world.usdc) == 0
            booked = self.m.reserve_state(self.world.usdc).deficit - marks[2].deficit
            assert booked == owed - seizures[0].debt
        if no_collateral and not self.V33 and self.m.debt(user, self.world.usdc):
            assert self.m.reserve_state(self.world.usdc).bad_debt > marks[2].bad_debt

    @rule(share=st.integers(1, 100), repays=st.booleans())
    def flash_loan(self, share: int, repays: bool) -> None:
        usdc = self.world.usdc
        amount = self.state.balance_of(usdc, "aave") * share // 100

        def callback(state, asset, lent, premium) -> None:
            if not repays:
                state.transfer(asset, "dave", "treasury", state.balance_of(asset, "dave"))

        self.act("dave", lambda: self.m.flash_loan("dave", usdc, amount, callback))

    @rule(address=st.sampled_from(CONTRACTS), action=st.sampled_from(sorted(HOSTILE)), in_tx=st.booleans())
    def hostile(self, address: str, action: str, in_tx: bool) -> None:
        digest = self.state.digest()
        call = HOSTILE[action]
        with pytest.raises(NotTheCaller):
            if in_tx:
                with self.state.tx("eve"):
                    call(self.m, self.world, address)
            else:
                call(self.m, self.world, address)
        assert self.state.digest() == digest

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def positions_rebuilt_from_the_log(self) -> None:
        """Summing every ScaledBalanceChanged of the log gives each stored scaled balance."""
        if not hasattr(self, "m"):
            return
        rebuilt: dict[tuple[str, str, str], int] = {}
        for e in self.state.events:
            if isinstance(e, ScaledBalanceChanged):
                key = (e.user, e.asset.key, e.side)
                rebuilt[key] = rebuilt.get(key, 0) + e.delta
        for user in self.m.users():
            pos = self.m.position(user)
            for i, asset in enumerate(self.m.reserves()):
                assert rebuilt.pop((user, asset.key, "supplied"), 0) == pos.supplied_of(i)
                assert rebuilt.pop((user, asset.key, "borrowed"), 0) == pos.borrowed_of(i)
        assert not any(rebuilt.values())

    @invariant()
    def solvent(self) -> None:
        if not hasattr(self, "m"):
            return
        now = self.state.now
        positions = [self.m.position(u) for u in self.m.users()]
        for i, asset in enumerate(self.m.reserves()):
            stored = self.m._rstate(i)
            assert sum(p.supplied_of(i) for p in positions) == stored.scaled_supply
            assert sum(p.borrowed_of(i) for p in positions) == stored.scaled_debt
            rs = accrue(stored, self.m._rcfg(i).reserve_factor, now)
            owed = ray_mul(rs.scaled_supply + rs.accrued_to_treasury, rs.liquidity_index)
            owing = ray_mul(rs.scaled_debt, rs.variable_borrow_index)
            cash = self.state.balance_of(asset, "aave")
            deficit = math.ceil(self.ghost_deficit[i] * rs.liquidity_index)
            assert owed <= cash + owing + deficit + 2 * self.actions, (asset, owed, cash, owing, deficit)


class LendingMachineV33(LendingMachine):
    V33 = True


TestLendingV302 = LendingMachine.TestCase
TestLendingV302.settings = settings(stateful_step_count=30, deadline=None)
TestLendingV33 = LendingMachineV33.TestCase
TestLendingV33.settings = settings(stateful_step_count=30, deadline=None)
