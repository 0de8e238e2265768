"""The checked pair class accepts exactly the floor formula's output and nothing more.

Published vectors: Uniswap/v2-core test/UniswapV2Pair.spec.ts ``swapTestCases`` (swap amount,
reserves, expected output; the test also requires one wei more to fail with K).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amm.errors import (
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    KInvariant,
    ReserveOverflow,
)
from bench.checked_pair import UINT112, CheckedPair, amount_out
from chain import InsufficientBalance

E18 = 10**18
SWAP_TEST_CASES = [  # swapAmount, token0Amount, token1Amount, expectedOutputAmount
    (1 * E18, 5 * E18, 10 * E18, 1662497915624478906),
    (1 * E18, 10 * E18, 5 * E18, 453305446940074565),
    (2 * E18, 5 * E18, 10 * E18, 2851015155847869602),
    (2 * E18, 10 * E18, 5 * E18, 831248957812239453),
    (1 * E18, 10 * E18, 10 * E18, 906610893880149131),
    (1 * E18, 100 * E18, 100 * E18, 987158034397061298),
    (1 * E18, 1000 * E18, 1000 * E18, 996006981039903216),
]


def _sent(r0: int, r1: int, amount: int, token: int) -> CheckedPair:
    """A pair of reserves r0/r1 to which ``user`` has sent ``amount`` of ``token``."""
    pair = CheckedPair(r0, r1, {"user": 10**40})
    pair.transfer(token, "user", "pair", amount)
    return pair


class TestPublishedVectors:
    @pytest.mark.parametrize("amount,r0,r1,expected", SWAP_TEST_CASES)
    def test_floor_formula(self, amount: int, r0: int, r1: int, expected: int) -> None:
        """getAmountOut gives the published output."""
        assert amount_out(amount, r0, r1) == expected

    @pytest.mark.parametrize("amount,r0,r1,expected", SWAP_TEST_CASES)
    def test_one_wei_more_fails(self, amount: int, r0: int, r1: int, expected: int) -> None:
        """The published output is paid; one wei more fails the K check and writes nothing."""
        pair = _sent(r0, r1, amount, 0)
        with pytest.raises(KInvariant):
            pair.swap(0, expected + 1, "user")
        assert (pair.reserve0, pair.reserve1, pair.books[1]["pair"]) == (r0, r1, r1)
        pair.swap(0, expected, "user")
        assert (pair.reserve0, pair.reserve1) == (r0 + amount, r1 - expected)
        assert pair.books[1]["user"] == 10**40 + expected


class TestFloorIsTheLimit:
    @given(r0=st.integers(1_000, 2**100), r1=st.integers(1_000, 2**100), amount=st.integers(1, 2**100),
           token=st.integers(0, 1))
    def test_any_swap(self, r0: int, r1: int, amount: int, token: int) -> None:
        """For any reserves and input the floor output is accepted (when positive) and one wei more is not."""
        r_in, r_out = (r0, r1) if token == 0 else (r1, r0)
        out = amount_out(amount, r_in, r_out)
        pair = _sent(r0, r1, amount, token)
        outs = (lambda o: (0, o)) if token == 0 else (lambda o: (o, 0))
        if out + 1 < r_out:
            with pytest.raises(KInvariant):
                pair.swap(*outs(out + 1), "user")
        if out > 0:
            pair.swap(*outs(out), "user")
            assert {0: pair.reserve0, 1: pair.reserve1}[1 - token] == r_out - out


class TestChecks:
    def test_uint112(self) -> None:
        """Balances past uint112 revert with ReserveOverflow and write nothing."""
        pair = _sent(UINT112 - 10, UINT112 - 10, 100, 0)
        with pytest.raises(ReserveOverflow):
            pair.swap(0, 1, "user")
        assert (pair.reserve0, pair.reserve1) == (UINT112 - 10, UINT112 - 10)

    def test_no_input(self) -> None:
        """A swap with nothing sent in is refused."""
        with pytest.raises(InsufficientInputAmount):
            CheckedPair(10**18, 10**18).swap(0, 1, "user")

    def test_bad_outputs(self) -> None:
        """No output, or an output reaching the reserve, is refused."""
        pair = _sent(10**18, 10**18, 10**17, 0)
        with pytest.raises(InsufficientOutputAmount):
            pair.swap(0, 0, "user")
        with pytest.raises(InsufficientLiquidity):
            pair.swap(0, 10**18, "user")

    def test_balance(self) -> None:
        """A transfer above the sender's balance is refused and moves nothing."""
        pair = CheckedPair(10, 10, {"user": 5})
        with pytest.raises(InsufficientBalance):
            pair.transfer(0, "user", "pair", 6)
        assert pair.books[0] == {"pair": 10, "user": 5}
