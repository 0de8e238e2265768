"""A plain transliteration of Curve's ETH/stETH pool: ``exchange``, ``get_dy``, ``get_D`` and
``get_y`` with the admin fee, as written in StableSwapSTETH.vy (curvefi/curve-contract,
contracts/pools/steth/StableSwapSTETH.vy at 1af1c9290fbb1b8ad1dc0a8cae1477e182dcc164).

The contract's storage is plain attributes: the coins it holds (``holdings``: ETH as
``self.balance``, stETH as its ``balanceOf``), ``admin_balances``, ``fee``, ``admin_fee`` and
the A ramp. Its balances are ``holdings - admin_balances``, as ``_balances()`` reads them;
every ``/`` is uint256 floor division in the contract's order, and a uint256 underflow or a
loop that does not converge raises, as the contract reverts. Nothing else of a chain: the
baseline the stETH pool's own arithmetic costs in Python, and the reference its outputs are
checked against.
"""

from __future__ import annotations

from amm.errors import InvalidCoin, NoConvergence, Slippage
from chain import Overflow

N_COINS = 2
FEE_DENOMINATOR = 10**10
A_PRECISION = 100


class StableSwapSTETH:
    """The pool's storage and the four functions (see the module docstring)."""

    def __init__(self, holdings: tuple[int, int], A: int, fee: int, admin_fee: int) -> None:
        self.holdings = list(holdings)
        self.admin_balances = [0, 0]
        self.fee = fee
        self.admin_fee = admin_fee
        self.initial_A = self.future_A = A * A_PRECISION
        self.initial_A_time = self.future_A_time = 0
        self.block_timestamp = 0

    def _A(self) -> int:
        """The precise A (x100) on its linear ramp at ``block_timestamp``."""
        t1, a1 = self.future_A_time, self.future_A
        if self.block_timestamp < t1:
            a0, t0 = self.initial_A, self.initial_A_time
            if a1 > a0:
                return a0 + (a1 - a0) * (self.block_timestamp - t0) // (t1 - t0)
            return a0 - (a0 - a1) * (self.block_timestamp - t0) // (t1 - t0)
        return a1

    def balances(self) -> list[int]:
        """``_balances()``: what the pool holds less the admin fees it keeps."""
        return [self.holdings[0] - self.admin_balances[0], self.holdings[1] - self.admin_balances[1]]

    @staticmethod
    def get_D(xp: list[int], amp: int) -> int:
        """The invariant: Newton's iteration with the +1 in D_P's denominator, |dD| <= 1."""
        s = 0
        for x in xp:
            s += x
        if s == 0:
            return 0
        d = s
        ann = amp * N_COINS
        for _ in range(255):
            d_p = d
            for x in xp:
                d_p = d_p * d // (x * N_COINS + 1)
            d_prev = d
            d = (ann * s // A_PRECISION + d_p * N_COINS) * d // (
                (ann - A_PRECISION) * d // A_PRECISION + (N_COINS + 1) * d_p)
            if d > d_prev:
                if d - d_prev <= 1:
                    return d
            elif d_prev - d <= 1:
                return d
        raise NoConvergence(f"get_D did not converge for {xp} at amp {amp}")

    def get_y(self, i: int, j: int, x: int, xp: list[int]) -> int:
        """Coin j's balance when coin i's becomes ``x`` at the invariant of ``xp``."""
        if i == j or not (0 <= i < N_COINS and 0 <= j < N_COINS):
            raise InvalidCoin(f"coins {i} and {j}: pass two different indexes below {N_COINS}")
        amp = self._A()
        d = self.get_D(xp, amp)
        ann = amp * N_COINS
        c = d
        s_ = 0
        for k in range(N_COINS):
            if k == i:
                x_k = x
            elif k != j:
                x_k = xp[k]
            else:
                continue
            s_ += x_k
            c = c * d // (x_k * N_COINS)
        c = c * d * A_PRECISION // (ann * N_COINS)
        b = s_ + d * A_PRECISION // ann
        y = d
        for _ in range(255):
            y_prev = y
            y = (y * y + c) // (2 * y + b - d)
            if y > y_prev:
                if y - y_prev <= 1:
                    return y
            elif y_prev - y <= 1:
                return y
        raise NoConvergence(f"get_y did not converge for x={x}, xp={xp}")

    def _dy(self, i: int, j: int, dx: int) -> tuple[int, int]:
        """``(dy, dy_fee)``: before the fee, ``xp[j] - y - 1`` (uint256: it must not go negative)."""
        xp = self.balances()
        y = self.get_y(i, j, xp[i] + dx, xp)
        dy = xp[j] - y - 1
        if dy < 0:
            raise Overflow(f"xp[j] - y - 1 underflows uint256 for dx={dx}")
        return dy, dy * self.fee // FEE_DENOMINATOR

    def get_dy(self, i: int, j: int, dx: int) -> int:
        """What ``exchange(i, j, dx)`` would pay now."""
        dy, dy_fee = self._dy(i, j, dx)
        return dy - dy_fee

    def exchange(self, i: int, j: int, dx: int, min_dy: int = 0) -> int:
        """Sell ``dx`` of coin i for coin j: the pool receives ``dx``, pays ``dy - fee`` and
        keeps ``fee * admin_fee / 1e10`` of it for the admin. Returns what was paid."""
        dy, dy_fee = self._dy(i, j, dx)
        dy = dy - dy_fee
        if dy < min_dy:
            raise Slippage(f"exchange pays {dy}, below min_dy {min_dy}")
        if self.admin_fee != 0:
            dy_admin_fee = dy_fee * self.admin_fee // FEE_DENOMINATOR
            if dy_admin_fee != 0:
                self.admin_balances[j] += dy_admin_fee
        self.holdings[i] += dx
        self.holdings[j] -= dy
        return dy
