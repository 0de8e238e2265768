"""Factory and router: one pool per pair, optimal deposits, multi-hop swaps, atomic failures.

Published values: Uniswap/v2-periphery test/UniswapV2Router01.spec.ts 'swapExactTokensForTokens'
(1662497915624478906) and 'swapTokensForExactTokens' (557227237267357629), pinned
0335e8f7e1bd1e8d8329fd300aea2ef2f36dd19f.
"""

from __future__ import annotations

from amm import (
    MINIMUM_LIQUIDITY,
    Expired,
    IdenticalTokens,
    InvalidPath,
    KInvariant,
    PairCreated,
    PairExists,
    Slippage,
    get_amount_in,
    get_amount_out,
)
from chain import InsufficientBalance, Unauthorized, UnknownToken, WrongNetwork
from tests.amm.conftest import E18, World, fails_unchanged

FAR = 2**40


def _fails_unchanged(world: World, exc: type[Exception], fn, *args) -> None:
    fails_unchanged(world.state, exc, fn, *args)


def _pool(world: World, a, b, amount_a: int, amount_b: int) -> None:
    world.router.add_liquidity("wallet", a, b, amount_a, amount_b, 0, 0, "wallet", FAR)


class TestFactory:
    def test_one_pool_per_pair(self, world: World) -> None:
        """A second pool of the same pair, in either order, is refused."""
        pair = world.factory.create_pair(world.token1, world.token0)
        assert (pair.token0, pair.token1) == (world.token0, world.token1)
        assert world.state.events[-1] == PairCreated("factory", "ethereum:TKA", "ethereum:TKB", pair.address)
        assert world.factory.get_pair(world.token0, world.token1).address == pair.address
        assert pair.lp_token.symbol == "UNI-V2:TKA/TKB"
        _fails_unchanged(world, PairExists, world.factory.create_pair, world.token0, world.token1)

    def test_bad_pairs(self, world: World) -> None:
        """Identical tokens, a token of another network, an unknown token: typed, nothing written."""
        state = world.state
        l2 = state.add_token("arbitrum", "L2T")
        _fails_unchanged(world, IdenticalTokens, world.factory.create_pair, world.token0, world.token0)
        _fails_unchanged(world, WrongNetwork, world.factory.create_pair, world.token0, l2)
        _fails_unchanged(world, UnknownToken, world.factory.create_pair, world.token0, "TKB")


class TestRouter:
    def test_add_liquidity_creates_and_mints(self, world: World) -> None:
        """The first deposit creates the pool; later deposits use the optimal ratio."""
        amounts = world.router.add_liquidity("wallet", world.token0, world.token1, E18, 4 * E18, 0, 0, "wallet", FAR)
        assert amounts == (E18, 4 * E18, 2 * E18 - MINIMUM_LIQUIDITY)
        amounts = world.router.add_liquidity("wallet", world.token1, world.token0, 4 * E18, 2 * E18, 0, 0, "wallet", FAR)
        assert amounts == (4 * E18, E18, 2 * E18)

    def test_add_liquidity_minimums(self, world: World) -> None:
        """An optimal amount below its minimum is Slippage and writes nothing."""
        _pool(world, world.token0, world.token1, E18, 4 * E18)
        router = world.router
        _fails_unchanged(world, Slippage, router.add_liquidity, "wallet", world.token0, world.token1,
                         E18, 8 * E18, 0, 4 * E18 + 1, "wallet", FAR)
        _fails_unchanged(world, Slippage, router.add_liquidity, "wallet", world.token0, world.token1,
                         2 * E18, 4 * E18, E18 + 1, 0, "wallet", FAR)

    def test_swap_exact_in_published(self, world: World) -> None:
        """1 token into 5/10 returns 1662497915624478906."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        amounts = world.router.swap_exact_in("wallet", E18, 0, [world.token0, world.token1], "wallet", FAR)
        assert amounts == [E18, 1662497915624478906]

    def test_swap_exact_out_published(self, world: World) -> None:
        """1 token out of 5/10 costs 557227237267357629; one wei less allowed is Slippage."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        path = [world.token0, world.token1]
        _fails_unchanged(world, Slippage, world.router.swap_exact_out, "wallet", E18, 557227237267357628, path, "wallet", FAR)
        amounts = world.router.swap_exact_out("wallet", E18, 557227237267357629, path, "wallet", FAR)
        assert amounts == [557227237267357629, E18]

    def test_multi_hop(self, world: World) -> None:
        """Two hops equal two chained get_amount_out; the output lands at ``to``."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        _pool(world, world.token1, world.token2, 20 * E18, 7 * E18)
        path = [world.token0, world.token1, world.token2]
        mid = get_amount_out(E18, 5 * E18, 10 * E18)
        out = get_amount_out(mid, 20 * E18, 7 * E18)
        amounts = world.router.swap_exact_in("wallet", E18, out, path, "other", FAR)
        assert amounts == [E18, mid, out]
        assert world.state.balance_of(world.token2, "other") == out
        back = world.router.get_amounts_in(out, path)
        assert back[-1] == out and back[1] == get_amount_in(out, 20 * E18 + mid, 7 * E18 - out)

    def test_remove_liquidity(self, world: World) -> None:
        """Removal returns pro-rata amounts; a minimum one wei too high reverts it whole."""
        _pool(world, world.token0, world.token1, 3 * E18, 3 * E18)
        lp = world.factory.get_pair(world.token0, world.token1).lp_token
        liquidity = 3 * E18 - MINIMUM_LIQUIDITY
        _fails_unchanged(world, Slippage, world.router.remove_liquidity, "wallet", world.token0, world.token1,
                         liquidity, 3 * E18 - 999, 0, "wallet", FAR)
        assert world.router.remove_liquidity("wallet", world.token0, world.token1, liquidity, 0, 0, "wallet", FAR) == (
            3 * E18 - 1000, 3 * E18 - 1000)
        assert world.state.balance_of(lp, "wallet") == 0

    def test_failures_write_nothing(self, world: World) -> None:
        """Deadline, slippage, an unknown path and a too-short path revert the whole call."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        router, state = world.router, world.state
        path = [world.token0, world.token1]
        _fails_unchanged(world, Expired, router.swap_exact_in, "wallet", E18, 0, path, "wallet", state.now - 1)
        _fails_unchanged(world, Slippage, router.swap_exact_in, "wallet", E18, 1662497915624478907, path, "wallet", FAR)
        _fails_unchanged(world, InvalidPath, router.swap_exact_in, "wallet", E18, 0, [world.token0, world.token2], "wallet", FAR)
        _fails_unchanged(world, InvalidPath, router.swap_exact_in, "wallet", E18, 0, [world.token0], "wallet", FAR)
        _fails_unchanged(world, InvalidPath, router.swap_exact_out, "wallet", 1, E18, [world.token1, world.token2], "wallet", FAR)

    def test_sender_short_of_funds(self, world: World) -> None:
        """A sender without the input gets InsufficientBalance and nothing is written."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        world.state.add_account("poor")
        world.state.mint(world.token0, "poor", 10)
        _fails_unchanged(world, InsufficientBalance, world.router.swap_exact_in, "poor", E18, 0,
                         [world.token0, world.token1], "poor", FAR)

    def test_transaction_with_a_failing_swap_reverts_whole(self, world: World) -> None:
        """A tx doing one good multi-hop swap, then a swap past its deadline, undoes both."""
        _pool(world, world.token0, world.token1, 5 * E18, 10 * E18)
        _pool(world, world.token1, world.token2, 20 * E18, 7 * E18)
        state, router = world.state, world.router
        path = [world.token0, world.token1, world.token2]

        def tx() -> None:
            with state.tx("wallet"):
                router.swap_exact_in("wallet", E18, 0, path, "wallet", FAR)
                router.swap_exact_in("wallet", E18, 0, path, "wallet", state.now - 1)

        _fails_unchanged(world, Expired, tx)


class TestStandalonePairAndGovernance:
    def test_standalone_pair_with_its_own_fee(self, world: World) -> None:
        """A pair deployed without a factory uses its fee (1%) and never mints a protocol fee."""
        from amm import Pair

        state = world.state
        pair = Pair.deploy(state, "venue", "ethereum", world.token2, world.token0, fee_bps=100, lp_symbol="VENUE-LP")
        assert (pair.token0, pair.token1, pair.fee_to()) == (world.token0, world.token2, None)
        state.transfer(world.token0, "wallet", "venue", 10 * E18)
        state.transfer(world.token2, "wallet", "venue", 10 * E18)
        pair.mint("wallet")
        out = get_amount_out(E18, 10 * E18, 10 * E18, 100)
        assert out == E18 * 9900 * 10 * E18 // (10 * E18 * 10_000 + E18 * 9900)
        state.transfer(world.token0, "wallet", "venue", E18)
        fails_unchanged(state, KInvariant, pair.swap, 0, out + 1, "wallet")
        pair.swap(0, out, "wallet")

    def test_fee_switch_needs_the_admin(self, world: World) -> None:
        """Once an admin is set, only it may turn the fee on or name the recipient."""
        factory = world.factory
        factory.set_param_admin("wallet")
        fails_unchanged(world.state, Unauthorized, factory.set_param, "fee_on", 1, "other")
        fails_unchanged(world.state, Unauthorized, factory.set_fee_to, "other", "other")
        factory.set_fee_to("other", "wallet")
        assert factory.fee_to() is None  # recipient set, switch still off
        factory.set_param("fee_on", 1, "wallet")
        assert factory.fee_to() == "other"
