"""The pair against Uniswap V2's published tests, exactly.

Vectors: Uniswap/v2-core test/UniswapV2Pair.spec.ts (pinned ee547b17853e71ed4e0101ccfd52e70d5acded58):
``swapTestCases``, ``optimisticTestCases``, 'mint', 'burn', 'swap:token0', 'swap:token1',
'price{0,1}CumulativeLast', 'feeTo:off', 'feeTo:on'.
"""

from __future__ import annotations

import pytest

from amm import (
    MINIMUM_LIQUIDITY,
    Burn,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientLiquidityBurned,
    InsufficientLiquidityMinted,
    InsufficientOutputAmount,
    KInvariant,
    Locked,
    Mint,
    Pair,
    ReserveOverflow,
    Swap,
    Sync,
)
from chain import UINT112_MAX, ZERO_ADDRESS, InvalidAmount, Transfer, UnknownAccount, WrongNetwork
from tests.amm.conftest import E18, World, add_liquidity, fails_unchanged

SWAP_TEST_CASES = [  # swapAmount, token0Amount, token1Amount, expectedOutputAmount
    (1 * E18, 5 * E18, 10 * E18, 1662497915624478906),
    (1 * E18, 10 * E18, 5 * E18, 453305446940074565),
    (2 * E18, 5 * E18, 10 * E18, 2851015155847869602),
    (2 * E18, 10 * E18, 5 * E18, 831248957812239453),
    (1 * E18, 10 * E18, 10 * E18, 906610893880149131),
    (1 * E18, 100 * E18, 100 * E18, 987158034397061298),
    (1 * E18, 1000 * E18, 1000 * E18, 996006981039903216),
]

OPTIMISTIC_TEST_CASES = [  # outputAmount, token0Amount, token1Amount, inputAmount
    (997000000000000000, 5 * E18, 10 * E18, 1 * E18),
    (997000000000000000, 10 * E18, 5 * E18, 1 * E18),
    (997000000000000000, 5 * E18, 5 * E18, 1 * E18),
    (1 * E18, 5 * E18, 5 * E18, 1003009027081243732),
]


def _fails_unchanged(world: World, exc: type[Exception], fn, *args) -> None:
    fails_unchanged(world.state, exc, fn, *args)


class TestPublishedVectors:
    def test_mint(self, world: World, pair: Pair) -> None:
        """1 and 4 tokens mint 2e18 LP, 1000 of them locked at the zero address."""
        state = world.state
        with state.tx("wallet"):
            liquidity = add_liquidity(world, pair, 1 * E18, 4 * E18)
        assert liquidity == 2 * E18 - MINIMUM_LIQUIDITY
        assert pair.total_supply() == 2 * E18
        assert state.balance_of(pair.lp_token, ZERO_ADDRESS) == MINIMUM_LIQUIDITY
        assert state.balance_of(pair.lp_token, "wallet") == 2 * E18 - MINIMUM_LIQUIDITY
        assert pair.get_reserves()[:2] == (1 * E18, 4 * E18)
        assert state.events[-4:] == [
            Transfer(pair.lp_token, ZERO_ADDRESS, ZERO_ADDRESS, MINIMUM_LIQUIDITY),
            Transfer(pair.lp_token, ZERO_ADDRESS, "wallet", 2 * E18 - MINIMUM_LIQUIDITY),
            Sync(pair.address, 1 * E18, 4 * E18),
            Mint(pair.address, "wallet", 1 * E18, 4 * E18),
        ]

    @pytest.mark.parametrize("swap_amount,amount0,amount1,expected", SWAP_TEST_CASES)
    def test_get_input_price(self, world: World, pair: Pair, swap_amount, amount0, amount1, expected) -> None:
        """The published output passes; one wei more fails the K check and writes nothing."""
        add_liquidity(world, pair, amount0, amount1)
        world.state.transfer(pair.token0, "wallet", pair.address, swap_amount)
        _fails_unchanged(world, KInvariant, pair.swap, 0, expected + 1, "wallet")
        pair.swap(0, expected, "wallet")
        assert pair.get_reserves()[:2] == (amount0 + swap_amount, amount1 - expected)

    @pytest.mark.parametrize("output,amount0,amount1,input_amount", OPTIMISTIC_TEST_CASES)
    def test_optimistic(self, world: World, pair: Pair, output, amount0, amount1, input_amount) -> None:
        """Repaying in the borrowed token needs ceil(out/0.997); one wei more out fails."""
        add_liquidity(world, pair, amount0, amount1)
        world.state.transfer(pair.token0, "wallet", pair.address, input_amount)
        _fails_unchanged(world, KInvariant, pair.swap, output + 1, 0, "wallet")
        pair.swap(output, 0, "wallet")

    @pytest.mark.parametrize("token_in,expected", [(0, 1662497915624478906), (1, 453305446940074565)])
    def test_swap_events(self, world: World, pair: Pair, token_in: int, expected: int) -> None:
        """swap:token0 and swap:token1: Transfer, Sync, Swap with the published amounts."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 10 * E18)
        tokens = (pair.token0, pair.token1)
        with state.tx("wallet"):
            state.transfer(tokens[token_in], "wallet", pair.address, E18)
            outs = (0, expected) if token_in == 0 else (expected, 0)
            pair.swap(*outs, "wallet")
        ins = (E18, 0) if token_in == 0 else (0, E18)
        reserves = (5 * E18 + ins[0] - outs[0], 10 * E18 + ins[1] - outs[1])
        assert state.events[-3:] == [
            Transfer(tokens[1 - token_in], pair.address, "wallet", expected),
            Sync(pair.address, *reserves),
            Swap(pair.address, "wallet", *ins, *outs, "wallet"),
        ]
        assert pair.get_reserves()[:2] == reserves
        assert state.balance_of(pair.token0, pair.address) == reserves[0]
        assert state.balance_of(pair.token1, "wallet") == 10**30 - reserves[1]

    def test_burn(self, world: World, pair: Pair) -> None:
        """Burning all but MINIMUM_LIQUIDITY of 3/3 returns 3e18-1000 of each token."""
        state = world.state
        add_liquidity(world, pair, 3 * E18, 3 * E18)
        with state.tx("wallet"):
            state.transfer(pair.lp_token, "wallet", pair.address, 3 * E18 - MINIMUM_LIQUIDITY)
            amounts = pair.burn("wallet")
        assert amounts == (3 * E18 - 1000, 3 * E18 - 1000)
        assert state.events[-5:] == [
            Transfer(pair.lp_token, pair.address, ZERO_ADDRESS, 3 * E18 - MINIMUM_LIQUIDITY),
            Transfer(pair.token0, pair.address, "wallet", 3 * E18 - 1000),
            Transfer(pair.token1, pair.address, "wallet", 3 * E18 - 1000),
            Sync(pair.address, 1000, 1000),
            Burn(pair.address, "wallet", 3 * E18 - 1000, 3 * E18 - 1000, "wallet"),
        ]
        assert pair.total_supply() == MINIMUM_LIQUIDITY
        assert state.balance_of(pair.token0, "wallet") == 10**30 - 1000

    def test_price_cumulative_last(self, world: World, pair: Pair) -> None:
        """Accumulators grow by the old price times elapsed seconds, on the first update of a block."""
        state = world.state
        add_liquidity(world, pair, 3 * E18, 3 * E18)
        t0 = pair.get_reserves()[2]
        state.advance(1)
        pair.sync()
        initial = (3 * E18 * 2**112 // (3 * E18), 3 * E18 * 2**112 // (3 * E18))
        r = pair.reserves
        assert (r.price0_cumulative_last, r.price1_cumulative_last, r.block_timestamp_last) == (*initial, t0 + 1)
        state.transfer(pair.token0, "wallet", pair.address, 3 * E18)
        state.advance(9)
        pair.swap(0, 1 * E18, "wallet")
        r = pair.reserves
        assert (r.price0_cumulative_last, r.price1_cumulative_last) == (initial[0] * 10, initial[1] * 10)
        state.advance(10)
        pair.sync()
        new = (2 * E18 * 2**112 // (6 * E18), 6 * E18 * 2**112 // (2 * E18))
        r = pair.reserves
        assert r.price0_cumulative_last == initial[0] * 10 + new[0] * 10
        assert r.price1_cumulative_last == initial[1] * 10 + new[1] * 10
        assert r.block_timestamp_last == t0 + 20

    def _fee_case(self, world: World, pair: Pair) -> None:
        add_liquidity(world, pair, 1000 * E18, 1000 * E18)
        world.state.transfer(pair.token1, "wallet", pair.address, E18)
        pair.swap(996006981039903216, 0, "wallet")
        world.state.transfer(pair.lp_token, "wallet", pair.address, 1000 * E18 - MINIMUM_LIQUIDITY)
        pair.burn("wallet")

    def test_fee_to_off(self, world: World, pair: Pair) -> None:
        """Without fee_to nothing is minted to the protocol."""
        self._fee_case(world, pair)
        assert pair.total_supply() == MINIMUM_LIQUIDITY

    def test_fee_to_on(self, world: World, pair: Pair) -> None:
        """With fee_to the protocol gets 249750499251388 LP (1/6 of the sqrt(k) growth)."""
        world.factory.set_fee_to("other")
        world.factory.set_param("fee_on", 1)
        self._fee_case(world, pair)
        state = world.state
        assert pair.total_supply() == MINIMUM_LIQUIDITY + 249750499251388
        assert state.balance_of(pair.lp_token, "other") == 249750499251388
        assert state.balance_of(pair.token0, pair.address) == 1000 + 249501683697445
        assert state.balance_of(pair.token1, pair.address) == 1000 + 250000187312969


class TestFlashSwap:
    def test_repaid_in_same_token(self, world: World, pair: Pair) -> None:
        """Borrow 1e18 token0 and repay ceil(1e18/0.997) = 1003009027081243732 inside the callback."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 5 * E18)

        def repay(p: Pair, out0: int, out1: int) -> None:
            state.transfer(p.token0, "wallet", p.address, 1003009027081243732)

        pair.swap(E18, 0, "wallet", callback=repay)
        assert pair.get_reserves()[:2] == (5 * E18 + 3009027081243732, 5 * E18)

    def test_short_repayment_reverts_everything(self, world: World, pair: Pair) -> None:
        """One wei short: K fails and the optimistic transfer out is undone too."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 5 * E18)

        def repay(p: Pair, out0: int, out1: int) -> None:
            state.transfer(p.token0, "wallet", p.address, 1003009027081243731)

        _fails_unchanged(world, KInvariant, lambda: pair.swap(E18, 0, "wallet", callback=repay))

    def test_reentry_is_locked(self, world: World, pair: Pair) -> None:
        """A callback that calls the same pair raises Locked; nothing is written."""
        add_liquidity(world, pair, 5 * E18, 5 * E18)

        def reenter(p: Pair, out0: int, out1: int) -> None:
            p.sync()

        _fails_unchanged(world, Locked, lambda: pair.swap(E18, 0, "wallet", callback=reenter))
        pair.sync()  # the lock is released after the revert


class TestBadInput:
    def test_swap_errors(self, world: World, pair: Pair) -> None:
        """Zero outputs, outputs at the reserve, no input, bad amounts and recipients write nothing."""
        add_liquidity(world, pair, 5 * E18, 10 * E18)
        _fails_unchanged(world, InsufficientOutputAmount, pair.swap, 0, 0, "wallet")
        _fails_unchanged(world, InsufficientLiquidity, pair.swap, 5 * E18, 0, "wallet")
        _fails_unchanged(world, InsufficientLiquidity, pair.swap, 0, 10 * E18, "wallet")
        _fails_unchanged(world, InsufficientInputAmount, pair.swap, 1, 0, "wallet")
        _fails_unchanged(world, InvalidAmount, pair.swap, -1, 5, "wallet")
        _fails_unchanged(world, InvalidAmount, pair.swap, 1.0, 0, "wallet")
        world.state.transfer(pair.token0, "wallet", pair.address, E18)
        _fails_unchanged(world, UnknownAccount, pair.swap, 0, 1, "nobody")
        other_net = world.factory.__class__.deploy(world.state, "l2factory", "arbitrum")
        _fails_unchanged(world, WrongNetwork, pair.swap, 0, 1, other_net.address)

    def test_mint_burn_errors(self, world: World, pair: Pair) -> None:
        """Too little to mint, nothing to burn, an unknown recipient: typed errors, nothing written."""
        state = world.state
        state.transfer(pair.token0, "wallet", pair.address, 1000)
        state.transfer(pair.token1, "wallet", pair.address, 1000)
        _fails_unchanged(world, InsufficientLiquidityMinted, pair.mint, "wallet")
        _fails_unchanged(world, UnknownAccount, pair.mint, "nobody")
        _fails_unchanged(world, InsufficientLiquidityBurned, pair.burn, "wallet")

    def test_reserve_overflow(self, world: World, pair: Pair) -> None:
        """Balances past uint112 cannot be synced or minted; skim removes the excess."""
        state = world.state
        add_liquidity(world, pair, E18, E18)
        state.mint(pair.token0, pair.address, UINT112_MAX)
        _fails_unchanged(world, ReserveOverflow, pair.sync)
        state.transfer(pair.token1, "wallet", pair.address, E18)
        _fails_unchanged(world, ReserveOverflow, pair.mint, "wallet")
        assert pair.skim("other") == (UINT112_MAX, E18)
        assert state.balance_of(pair.token0, "other") == UINT112_MAX
        pair.sync()
        assert pair.get_reserves()[:2] == (E18, E18)

    def test_sync_takes_donations(self, world: World, pair: Pair) -> None:
        """sync sets the reserves to the balances."""
        add_liquidity(world, pair, E18, E18)
        world.state.transfer(pair.token1, "wallet", pair.address, 7)
        pair.sync()
        assert pair.get_reserves()[:2] == (E18, E18 + 7)
