"""The V2 swap baseline: a minimal checked constant-product pair, and the floor formula.

What ``UniswapV2Pair.swap`` checks, and nothing of a chain: balances in two dicts, the output
bounds, the input measured as ``balance - (reserve - out)``, the K check on fee-adjusted
balances (0.3% as 997/1000) and the uint112 bound (Uniswap/v2-core,
contracts/UniswapV2Pair.sol). No journal, no events, no caller checks: what an exact V2 swap
costs in plain Python.
"""

from __future__ import annotations

from amm.errors import (
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    KInvariant,
    ReserveOverflow,
)
from chain import InsufficientBalance

UINT112 = 2**112 - 1
PAIR = "pair"


def amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    """``getAmountOut`` of v2-periphery's UniswapV2Library (floor): the largest output the K
    check accepts for ``amount_in`` at a 0.3% fee."""
    with_fee = amount_in * 997
    return with_fee * reserve_out // (reserve_in * 1000 + with_fee)


class CheckedPair:
    """Two token books and the reserves of one pair (see the module docstring)."""

    def __init__(self, reserve0: int, reserve1: int, holders: dict[str, int] | None = None) -> None:
        holders = holders or {}
        self.books = [{PAIR: reserve0, **holders}, {PAIR: reserve1, **holders}]
        self.reserve0, self.reserve1 = reserve0, reserve1

    def transfer(self, token: int, src: str, dst: str, amount: int) -> None:
        """Move ``amount`` of token 0 or 1; InsufficientBalance when ``src`` holds less."""
        book = self.books[token]
        held = book.get(src, 0)
        if amount < 0 or held < amount:
            raise InsufficientBalance(f"{src} holds {held} of token {token}, cannot send {amount}")
        book[src] = held - amount
        book[dst] = book.get(dst, 0) + amount

    def swap(self, out0: int, out1: int, to: str) -> None:
        """Pay ``out0``/``out1`` to ``to`` against what was sent in; raises
        InsufficientOutputAmount, InsufficientLiquidity, InsufficientInputAmount, KInvariant
        (``out`` above the floor formula) or ReserveOverflow, writing nothing then."""
        r0, r1 = self.reserve0, self.reserve1
        if out0 <= 0 and out1 <= 0:
            raise InsufficientOutputAmount("swap pays nothing: ask for some output")
        if out0 >= r0 or out1 >= r1:
            raise InsufficientLiquidity(f"output {out0}/{out1} reaches the reserves {r0}/{r1}")
        b0 = self.books[0][PAIR] - out0
        b1 = self.books[1][PAIR] - out1
        in0 = b0 - (r0 - out0) if b0 > r0 - out0 else 0
        in1 = b1 - (r1 - out1) if b1 > r1 - out1 else 0
        if in0 <= 0 and in1 <= 0:
            raise InsufficientInputAmount("nothing was sent to the pair: transfer the input first")
        if (b0 * 1000 - in0 * 3) * (b1 * 1000 - in1 * 3) < r0 * r1 * 1_000_000:
            raise KInvariant(f"output {out0}/{out1} exceeds what {in0}/{in1} in pays at reserves {r0}/{r1}")
        if b0 > UINT112 or b1 > UINT112:
            raise ReserveOverflow(f"balances {b0}/{b1} exceed uint112")
        if out0:
            self.transfer(0, PAIR, to, out0)
        if out1:
            self.transfer(1, PAIR, to, out1)
        self.reserve0, self.reserve1 = b0, b1
