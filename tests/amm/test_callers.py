"""Who may act on the amm contracts (chain.calls): no code acts as a pool, a pair or another
account; admins are the callers the chain vouches for; a flash-swap callback runs as its caller.

Reproductions of issue 13, section 1 (``curve.add_liquidity`` from the pool's own address
lowered the virtual price 1.0 -> 0.979) and of the ways a caller string let any code act as
a contract.
"""

from __future__ import annotations

from typing import Any

from amm import Pair, StableSwap
from chain import Contract, NotTheCaller, State, Unauthorized, external
from tests.amm.conftest import E18, World, add_liquidity, fails_unchanged, stableswap_world

FAR = 2**40


class Operator(Contract):
    """A contract whose code runs what it is given (a timelock executing queued actions)."""

    kind = "test.operator"

    @external
    def run(self, fn: Any, *args: Any) -> Any:
        return fn(*args)


def _curve() -> tuple[State, StableSwap]:
    return stableswap_world("curve")


def _pool_actions(pool: StableSwap, who: str) -> list[tuple[Any, tuple[Any, ...]]]:
    return [
        (pool.add_liquidity, (who, [10 * E18, 10 * E18], 0)),
        (pool.exchange, (who, 0, 1, E18, 0)),
        (pool.remove_liquidity, (who, E18, [0, 0])),
        (pool.remove_liquidity_imbalance, (who, [E18, 0], 10**30)),
        (pool.remove_liquidity_one_coin, (who, E18, 0, 0)),
    ]


class TestStableSwapSender:
    def test_pool_own_address_is_refused(self) -> None:
        """Every action with the pool as sender raises NotTheCaller, outside or inside a
        transaction, and the virtual price stays exactly 1.0 (it fell to 0.979 before)."""
        state, pool = _curve()
        assert pool.get_virtual_price() == E18
        for fn, args in _pool_actions(pool, "curve"):
            fails_unchanged(state, NotTheCaller, fn, *args)

            def in_tx(fn: Any = fn, args: tuple[Any, ...] = args) -> None:
                with state.tx("trader"):
                    fn(*args)

            fails_unchanged(state, NotTheCaller, in_tx)
        assert pool.get_virtual_price() == E18

    def test_another_contract_or_account_is_refused(self) -> None:
        """Another contract named from outside its code, or another account than the sender, cannot act."""
        state, pool = _curve()
        state.register_contract(Operator(state, "op", "ethereum"))
        for fn, args in _pool_actions(pool, "op"):
            fails_unchanged(state, NotTheCaller, fn, *args)
        for fn, args in _pool_actions(pool, "lp"):

            def as_trader(fn: Any = fn, args: tuple[Any, ...] = args) -> None:
                with state.tx("trader"):
                    fn(*args)

            fails_unchanged(state, NotTheCaller, as_trader)

    def test_a_contract_acts_from_its_own_code(self) -> None:
        """A contract holding coins trades from its own code and receives the output itself."""
        state, pool = _curve()
        op = state.register_contract(Operator(state, "op", "ethereum"))
        state.mint(pool.coins[0], "op", E18)
        quoted = pool.get_dy(0, 1, E18)
        assert op.run(pool.exchange, "op", 0, 1, E18, quoted) == quoted  # type: ignore[attr-defined]
        assert (state.balance_of(pool.coins[0], "op"), state.balance_of(pool.coins[1], "op")) == (0, quoted)


class TestPairAndRouter:
    def test_pair_tokens_move_only_from_its_code(self, world: World, pair: Pair) -> None:
        """A plain transfer of the pair's tokens at top level is refused; the router cannot
        act for the pair, nor for an account other than the sender."""
        state, router = world.state, world.router
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        fails_unchanged(state, NotTheCaller, state.transfer, pair.token0, pair.address, "wallet", E18)
        path = [pair.token0, pair.token1]
        fails_unchanged(state, NotTheCaller, router.swap_exact_in, pair.address, E18, 0, path, "wallet", FAR)

        def wallet_as_other() -> None:
            with state.tx("other"):
                router.swap_exact_in("wallet", E18, 0, path, "other", FAR)

        fails_unchanged(state, NotTheCaller, wallet_as_other)
        fails_unchanged(state, NotTheCaller, router.add_liquidity, "router", pair.token0, pair.token1,
                        E18, E18, 0, 0, "router", FAR)

    def test_flash_swap_callback_runs_as_to(self, world: World, pair: Pair) -> None:
        """A callback cannot run as another contract (to drain it) nor as another account: ``to``
        must be the caller; the callback sees ``to`` as the caller."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        victim = world.factory.create_pair(world.token1, world.token2)
        for token in (victim.token0, victim.token1):
            state.transfer(token, "wallet", victim.address, 5 * E18)
        victim.mint("wallet")

        def drain(p: Pair, out0: int, out1: int) -> None:
            state.transfer(victim.token0, victim.address, p.address, 2 * E18)  # repays the loan

        fails_unchanged(state, NotTheCaller, lambda: pair.swap(E18, 0, victim.address, callback=drain))
        fails_unchanged(state, NotTheCaller, lambda: pair.swap(E18, 0, pair.address, callback=drain))

        def as_other() -> None:
            with state.tx("wallet"):
                pair.swap(E18, 0, "other", callback=lambda p, a, b: None)

        fails_unchanged(state, NotTheCaller, as_other)
        seen: list[Any] = []

        def repay(p: Pair, out0: int, out1: int) -> None:
            seen.append(state.caller)
            state.transfer(p.token0, "wallet", p.address, 1003009027081243732)

        with state.tx("wallet"):
            pair.swap(E18, 0, "wallet", callback=repay)
        assert seen == ["wallet"]
        assert pair.get_reserves()[:2] == (5 * E18 + 3009027081243732, 5 * E18)


class TestAdmins:
    def test_admin_named_from_outside_its_code_is_refused(self, world: World) -> None:
        """With a contract as admin, naming it as caller from a script or another account's
        transaction raises NotTheCaller; its own code may set the fee."""
        state, factory = world.state, world.factory
        op = state.register_contract(Operator(state, "timelock", "ethereum"))
        factory.set_param_admin("timelock")
        fails_unchanged(state, NotTheCaller, factory.set_fee_to, "other", "timelock")
        fails_unchanged(state, NotTheCaller, factory.set_param, "fee_on", 1, "timelock")

        def in_tx() -> None:
            with state.tx("wallet"):
                factory.set_param("fee_on", 1, "timelock")

        fails_unchanged(state, NotTheCaller, in_tx)
        fails_unchanged(state, Unauthorized, factory.set_param, "fee_on", 1)
        op.run(factory.set_fee_to, "other", "timelock")  # type: ignore[attr-defined]
        op.run(factory.set_param, "fee_on", 1)  # type: ignore[attr-defined]  (caller from the chain)
        assert factory.fee_to() == "other"

    def test_account_admin_is_the_transaction_sender(self, world: World) -> None:
        """An account admin acts in its own transaction without naming itself; another sender
        naming it raises NotTheCaller."""
        state, factory = world.state, world.factory
        factory.set_param_admin("wallet")
        with state.tx("wallet"):
            factory.set_fee_to("other")

        def impostor() -> None:
            with state.tx("other"):
                factory.set_param("fee_on", 1, "wallet")

        fails_unchanged(state, NotTheCaller, impostor)
        assert factory.get_param("fee_on") == 0
        assert factory._load("fee").recipient == "other"

    def test_pool_admin_ramp_and_fees(self) -> None:
        """The pool's admin checks (ramp_A, set_param A, withdraw_admin_fees) vouch for the caller;
        set_param('A') ramps without a second admin check, from the admin contract's code."""
        state, pool = _curve()
        op = state.register_contract(Operator(state, "timelock", "ethereum"))
        pool.set_param_admin("timelock")
        state.advance(86400)
        fails_unchanged(state, NotTheCaller, pool.ramp_A, 100, state.now + 86400, "timelock")
        fails_unchanged(state, NotTheCaller, pool.withdraw_admin_fees, "trader", "timelock")
        fails_unchanged(state, Unauthorized, pool.stop_ramp_A)
        op.run(pool.set_param, "A", 100)  # type: ignore[attr-defined]
        assert pool.record.future_A == 100 * 100
        assert pool.record.future_A_time == state.now + 86400
