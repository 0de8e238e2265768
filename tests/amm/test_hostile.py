"""A hostile actor against the amm contracts: every contract address (and the honest wallet) in
every address argument, from the attacker's own transactions and from scripts (a script naming
an account is that account's own transaction, so scripts name every address but the wallet's).

After every step: each token is conserved; no pair holds less than its reserves and no pool
less than its admin fees; the pair's K per LP share (k / S**2) and the StableSwap virtual price
never fall; the honest wallet, which never acts, never loses a token; a refused call
raises a typed lstlab error and leaves the state digest unchanged.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from amm import StableSwap, TwapFeed
from chain import LstlabError
from tests.amm.conftest import E18, make_world

FAR = 2**40


class HostileMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        world = self.world = make_world()
        state = self.state = world.state
        state.add_account("eve")
        for token in (world.token0, world.token1, world.token2):
            state.mint(token, "eve", 10**24)
        self.pair = world.factory.create_pair(world.token0, world.token1)
        for token in (world.token0, world.token1):
            state.transfer(token, "wallet", self.pair.address, 1000 * E18)
        self.pair.mint("wallet")
        self.stable = StableSwap.deploy(state, "stable", "ethereum", [world.token0, world.token2], A=50,
                                        fee=4_000_000, admin_fee=5 * 10**9)
        self.stable.add_liquidity("wallet", [500 * E18, 500 * E18], 0)
        TwapFeed.deploy(state, "twap", "ethereum", pair=self.pair.address, base=world.token0, window=60)
        world.factory.set_param_admin("wallet")
        self.stable.set_param_admin("wallet")
        self.tokens = (world.token0, world.token1, world.token2, self.pair.lp_token, self.stable.lp_token)
        self.addresses = sorted(c.address for c in state.contracts()) + ["wallet", "eve"]
        self.wallet = self._holdings("wallet")
        self.k_per_share = (1000 * E18) ** 2, self.pair.total_supply() ** 2
        self.refused = 0

    def _holdings(self, who: str) -> list[int]:
        return [self.state.balance_of(t, who) for t in self.tokens]

    def _pick(self, index: int, in_tx: bool) -> str:
        """An address for an argument: any, in eve's transaction; any but the wallet, in a script."""
        pool = self.addresses if in_tx else self.addresses[:-2] + ["eve"]
        return pool[index % len(pool)]

    def _attempt(self, in_tx: bool, fn: Any, *args: Any) -> None:
        """Call ``fn`` from a script or in eve's transaction; a refusal must be typed and clean."""
        digest = self.state.digest()
        try:
            if in_tx:
                with self.state.tx("eve"):
                    fn(*args)
            else:
                fn(*args)
        except LstlabError:
            assert self.state.digest() == digest
            self.refused += 1
        assert self.state.caller is None

    # --- StableSwap -----------------------------------------------------------------------

    @rule(who=st.integers(0, 99), in_tx=st.booleans(), dx=st.integers(1, 10 * E18), i=st.integers(0, 1))
    def exchange(self, who: int, in_tx: bool, dx: int, i: int) -> None:
        sender = self._pick(who, in_tx)
        self._attempt(in_tx, self.stable.exchange, sender, i, 1 - i, dx, 0)

    @rule(who=st.integers(0, 99), in_tx=st.booleans(), a=st.integers(0, 10 * E18), b=st.integers(0, 10 * E18))
    def stable_liquidity(self, who: int, in_tx: bool, a: int, b: int) -> None:
        sender = self._pick(who, in_tx)
        self._attempt(in_tx, self.stable.add_liquidity, sender, [a, b], 0)
        self._attempt(in_tx, self.stable.remove_liquidity_imbalance, sender, [b // 3, a // 3], 2**255)
        self._attempt(in_tx, self.stable.remove_liquidity_one_coin, sender, max(1, a // 5), 0, 0)
        self._attempt(in_tx, self.stable.remove_liquidity, sender, max(1, b // 5), [0, 0])

    @rule(who=st.integers(0, 99), caller=st.integers(0, 99), in_tx=st.booleans())
    def admin(self, who: int, caller: int, in_tx: bool) -> None:
        to = self._pick(who, in_tx)
        named = self._pick(caller, in_tx)
        self._attempt(in_tx, self.stable.withdraw_admin_fees, to, named)
        self._attempt(in_tx, self.world.factory.set_fee_to, to, named)
        self._attempt(in_tx, self.world.factory.set_param, "fee_on", 1, named)
        self._attempt(in_tx, self.stable.set_param_admin, to, named)

    # --- pair and router ------------------------------------------------------------------

    @rule(who=st.integers(0, 99), to=st.integers(0, 99), in_tx=st.booleans(), amount=st.integers(1, 10 * E18),
          zero_for_one=st.booleans())
    def router_swap(self, who: int, to: int, in_tx: bool, amount: int, zero_for_one: bool) -> None:
        w = self.world
        path = [w.token0, w.token1] if zero_for_one else [w.token1, w.token0]
        sender, dst = self._pick(who, in_tx), self._pick(to, in_tx)
        self._attempt(in_tx, w.router.swap_exact_in, sender, amount, 0, path, dst, FAR)

    @rule(who=st.integers(0, 99), to=st.integers(0, 99), in_tx=st.booleans(), amount=st.integers(1, 10 * E18))
    def router_liquidity(self, who: int, to: int, in_tx: bool, amount: int) -> None:
        w = self.world
        sender, dst = self._pick(who, in_tx), self._pick(to, in_tx)
        self._attempt(in_tx, w.router.add_liquidity, sender, w.token0, w.token1, amount, amount, 0, 0, dst, FAR)
        self._attempt(in_tx, w.router.remove_liquidity, sender, w.token0, w.token1, amount // 2, 0, 0, dst, FAR)

    @rule(to=st.integers(0, 99), victim=st.integers(0, 99), in_tx=st.booleans(), out=st.integers(1, 10 * E18))
    def flash_swap_steal(self, to: int, victim: int, in_tx: bool, out: int) -> None:
        """A callback that repays the loan with a victim's tokens."""
        dst, src = self._pick(to, in_tx), self._pick(victim, in_tx)
        state, pair = self.state, self.pair

        def steal(p: Any, out0: int, out1: int) -> None:
            state.transfer(p.token0, src, p.address, out0 * 2)

        self._attempt(in_tx, pair.swap, out, 0, dst, steal)

    @rule(to=st.integers(0, 99), in_tx=st.booleans(), donate=st.integers(0, E18))
    def low_level(self, to: int, in_tx: bool, donate: int) -> None:
        dst, pair = self._pick(to, in_tx), self.pair
        if donate:
            self.state.transfer(pair.token1, "eve", pair.address, donate)
        self._attempt(in_tx, pair.skim, dst)
        self._attempt(in_tx, pair.mint, dst)
        self._attempt(in_tx, pair.burn, dst)
        self._attempt(in_tx, pair.sync)

    @rule(src=st.integers(0, 99), token=st.integers(0, 4), in_tx=st.booleans())
    def plain_transfer(self, src: int, token: int, in_tx: bool) -> None:
        owner = self._pick(src, in_tx)
        self._attempt(in_tx, self.state.transfer, self.tokens[token], owner, "eve", 1)

    @precondition(lambda self: self.state.now < 1_600_000_000 + 10**6)
    @rule(seconds=st.integers(0, 3600))
    def advance(self, seconds: int) -> None:
        self.state.advance(seconds)
        self._attempt(False, self.state.contract("twap").update)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def books_hold(self) -> None:
        state, pair, stable = self.state, self.pair, self.stable
        for token in self.tokens:
            assert sum(state.holders(token).values()) == state.total_supply(token)
        r0, r1, _ = pair.get_reserves()
        assert state.balance_of(pair.token0, pair.address) >= r0
        assert state.balance_of(pair.token1, pair.address) >= r1
        assert all(b >= 0 for b in stable.balances())
        k, s2 = r0 * r1, pair.total_supply() ** 2
        k_then, s2_then = self.k_per_share
        assert k * s2_then >= k_then * s2
        self.k_per_share = k, s2
        assert stable.get_virtual_price() >= E18
        now = self._holdings("wallet")
        assert all(a >= b for a, b in zip(now, self.wallet))  # gifts (a skim to it) only
        self.wallet = now


TestHostile = HostileMachine.TestCase
TestHostile.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
