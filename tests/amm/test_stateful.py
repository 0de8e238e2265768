"""A stateful machine over one pair and one StableSwap pool with ghost totals.

Random swaps, deposits, withdrawals, syncs, failing transactions and clock moves; after every
step the ledger conserves every token, the pair's reserves equal its balances, K never falls
outside liquidity events, and the pools hold exactly what the ghost accounting says.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from amm import AmmError, StableSwap, get_amount_out
from tests.amm.conftest import make_world

E18 = 10**18


class PoolsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = make_world()
        world = self.world
        self.state = world.state
        self.pair = world.factory.create_pair(world.token0, world.token1)
        self.state.transfer(world.token0, "wallet", self.pair.address, 1000 * E18)
        self.state.transfer(world.token1, "wallet", self.pair.address, 1000 * E18)
        self.pair.mint("wallet")
        self.k = 1000 * E18 * 1000 * E18
        self.stable = StableSwap.deploy(
            self.state, "stable", "ethereum", [world.token0, world.token2], A=50, fee=4_000_000, admin_fee=5 * 10**9
        )
        self.stable.add_liquidity("wallet", [500 * E18, 500 * E18], 0)
        self.stable_in = [500 * E18, 500 * E18]  # ghost: what went into the StableSwap pool

    @rule(amount=st.integers(1, 100 * E18), zero_for_one=st.booleans())
    def swap(self, amount: int, zero_for_one: bool) -> None:
        r0, r1, _ = self.pair.get_reserves()
        r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
        out = get_amount_out(amount, r_in, r_out)
        if out == 0:
            return
        with self.state.tx("wallet"):
            token = self.pair.token0 if zero_for_one else self.pair.token1
            self.state.transfer(token, "wallet", self.pair.address, amount)
            self.pair.swap(*((0, out) if zero_for_one else (out, 0)), "wallet")
        n0, n1, _ = self.pair.get_reserves()
        assert n0 * n1 >= self.k
        self.k = n0 * n1

    @rule(amount=st.integers(1, 100 * E18), extra=st.integers(1, 10**9))
    def failing_swap(self, amount: int, extra: int) -> None:
        digest = self.state.digest()
        r0, r1, _ = self.pair.get_reserves()
        try:
            with self.state.tx("wallet"):
                self.state.transfer(self.pair.token0, "wallet", self.pair.address, amount)
                self.pair.swap(0, min(get_amount_out(amount, r0, r1) + extra, r1 - 1), "wallet")
        except AmmError:
            assert self.state.digest() == digest
        else:
            raise AssertionError("a swap asking for more than the quote must fail")

    @rule(a0=st.integers(10**6, 50 * E18), a1=st.integers(10**6, 50 * E18))
    def deposit_and_withdraw(self, a0: int, a1: int) -> None:
        with self.state.tx("wallet"):
            self.state.transfer(self.pair.token0, "wallet", self.pair.address, a0)
            self.state.transfer(self.pair.token1, "wallet", self.pair.address, a1)
            liquidity = self.pair.mint("wallet")
            self.state.transfer(self.pair.lp_token, "wallet", self.pair.address, liquidity)
            got0, got1 = self.pair.burn("wallet")
        assert got0 <= a0 and got1 <= a1
        n0, n1, _ = self.pair.get_reserves()
        self.k = n0 * n1

    @rule(seconds=st.integers(0, 3600))
    def advance_and_sync(self, seconds: int) -> None:
        self.state.advance(seconds)
        self.pair.sync()

    @rule(dx=st.integers(10**9, 100 * E18), i=st.integers(0, 1))
    def exchange(self, dx: int, i: int) -> None:
        quoted = self.stable.get_dy(i, 1 - i, dx)
        got = self.stable.exchange("wallet", i, 1 - i, dx, quoted)  # the wallet holds 1e30 of each coin
        assert got == quoted
        self.stable_in[i] += dx
        self.stable_in[1 - i] -= got

    @invariant()
    def conservation_and_ghosts(self) -> None:
        state, pair = self.state, self.pair
        for token in (self.world.token0, self.world.token1, self.world.token2, pair.lp_token):
            assert sum(state.holders(token).values()) == state.total_supply(token)
        r0, r1, _ = pair.get_reserves()
        assert (state.balance_of(pair.token0, pair.address), state.balance_of(pair.token1, pair.address)) == (r0, r1)
        coins = self.stable.coins
        assert [state.balance_of(c, "stable") for c in coins] == self.stable_in
        assert self.stable.get_virtual_price() >= E18


TestPools = PoolsMachine.TestCase
TestPools.settings = settings(max_examples=30, stateful_step_count=30, deadline=None)
