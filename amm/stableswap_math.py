"""Curve StableSwap integer math (``StableSwapSTETH.vy``; curve-contract), for n coins.

Invariant: ``A n^n sum(x) + D = A n^n D + D^(n+1) / (n^n prod(x))``. ``amp`` is A times
``A_PRECISION`` (100) and ``Ann = amp * n``. Every ``//`` is the contract's uint256 floor, in
the contract's order, including the ``+1`` in the ``D_P`` denominator. ``xp`` are balances
already scaled by their rates to 18-decimal "virtual" units.

Raises NoConvergence when an iteration has not converged within 255 rounds.
"""

from __future__ import annotations

from amm.errors import InsufficientInputAmount, NoConvergence

A_PRECISION = 100
FEE_DENOMINATOR = 10**10
PRECISION = 10**18
MAX_A = 10**6
MAX_A_CHANGE = 10
MAX_FEE = 5 * 10**9
MAX_ADMIN_FEE = 10**10
MIN_RAMP_TIME = 86400


def get_D(xp: tuple[int, ...] | list[int], amp: int) -> int:
    """The invariant D of scaled balances ``xp`` at precise ``amp``; stops when |dD| <= 1."""
    n = len(xp)
    if n == 2:
        return _get_D2(xp[0], xp[1], amp)
    s = sum(xp)
    if s == 0:
        return 0
    d = s
    ann = amp * n
    for _ in range(255):
        d_p = d
        for x in xp:
            d_p = d_p * d // (x * n + 1)
        d_prev = d
        d = (ann * s // A_PRECISION + d_p * n) * d // ((ann - A_PRECISION) * d // A_PRECISION + (n + 1) * d_p)
        if d > d_prev:
            if d - d_prev <= 1:
                return d
        elif d_prev - d <= 1:
            return d
    raise NoConvergence(f"get_D did not converge for xp={list(xp)}, amp={amp}")


def _get_D2(x0: int, x1: int, amp: int) -> int:
    """get_D for two coins, the same operations unrolled (the hot path of a 2-coin pool)."""
    s = x0 + x1
    if s == 0:
        return 0
    d = s
    ann = amp * 2
    numer = ann * s // A_PRECISION
    den0, den1 = x0 * 2 + 1, x1 * 2 + 1
    ann_less = ann - A_PRECISION
    for _ in range(255):
        d_p = d * d // den0 * d // den1
        d_prev = d
        d = (numer + d_p * 2) * d // (ann_less * d // A_PRECISION + 3 * d_p)
        if -1 <= d - d_prev <= 1:
            return d
    raise NoConvergence(f"get_D did not converge for xp={[x0, x1]}, amp={amp}")


def _solve_y(c: int, b: int, d: int) -> int:
    y = d
    b_less = b - d
    for _ in range(255):
        y_prev = y
        y = (y * y + c) // (2 * y + b_less)
        if -1 <= y - y_prev <= 1:
            return y
    raise NoConvergence(f"get_y did not converge (c={c}, b={b}, D={d})")


def get_y(i: int, j: int, x: int, xp: tuple[int, ...] | list[int], amp: int, d: int | None = None) -> int:
    """New scaled balance of coin ``j`` when coin ``i`` becomes ``x``, at constant D
    (computed from ``xp`` unless given). Curve's ``get_y``."""
    n = len(xp)
    if d is None:
        d = get_D(xp, amp)
    ann = amp * n
    if n == 2:  # the one other coin is coin i
        c = d * d // (x * 2) * d * A_PRECISION // (ann * 2)
        return _solve_y(c, x + d * A_PRECISION // ann, d)
    c = d
    s_ = 0
    for k in range(n):
        if k == i:
            x_k = x
        elif k != j:
            x_k = xp[k]
        else:
            continue
        s_ += x_k
        c = c * d // (x_k * n)
    c = c * d * A_PRECISION // (ann * n)
    b = s_ + d * A_PRECISION // ann
    return _solve_y(c, b, d)


def exchange_dy(
    i: int, j: int, dx: int, xp: tuple[int, ...] | list[int], rates: tuple[int, ...] | list[int], amp: int,
    fee: int, d: int | None = None,
) -> tuple[int, int]:
    """``(dy, dy_fee)`` of selling ``dx`` wei of coin ``i`` for coin ``j`` (Curve's ``get_dy``):
    ``dy`` is what the seller gets (wei of coin j), ``xp_j - y - 1`` less the fee, and ``dy_fee``
    the fee (scaled units). Raises InsufficientInputAmount when ``dx`` is too small to pay anything."""
    y = get_y(i, j, xp[i] + dx * rates[i] // PRECISION, xp, amp, d)
    dy = xp[j] - y - 1
    if dy < 0:
        raise InsufficientInputAmount(f"dx {dx} is too small to buy any of coin {j}")
    dy_fee = dy * fee // FEE_DENOMINATOR
    return (dy - dy_fee) * PRECISION // rates[j], dy_fee


def exchange_dy2(i: int, dx: int, x0: int, x1: int, rate_in: int, rate_out: int, amp: int,
                 fee: int) -> tuple[int, int]:
    """:func:`exchange_dy` of a two-coin pool with scaled balances ``x0``/``x1``, selling ``dx``
    wei of coin ``i`` (rate ``rate_in``) for the other (``rate_out``): the same operations in the
    same order (``get_D``, ``get_y``, the fee), with the per-call dispatch unrolled."""
    d = _get_D2(x0, x1, amp)
    x_in, x_out = (x0, x1) if i == 0 else (x1, x0)
    x = x_in + dx * rate_in // PRECISION
    ann = amp * 2
    c = d * d // (x * 2) * d * A_PRECISION // (ann * 2)
    y = _solve_y(c, x + d * A_PRECISION // ann, d)
    dy = x_out - y - 1
    if dy < 0:
        raise InsufficientInputAmount(f"dx {dx} is too small to buy any of coin {1 - i}")
    dy_fee = dy * fee // FEE_DENOMINATOR
    return (dy - dy_fee) * PRECISION // rate_out, dy_fee


def get_y_D(amp: int, i: int, xp: tuple[int, ...] | list[int], d: int) -> int:
    """Scaled balance of coin ``i`` that makes the invariant ``d`` with the other balances
    (Curve's ``get_y_D``, used by one-coin withdrawals)."""
    n = len(xp)
    ann = amp * n
    c = d
    s_ = 0
    for k in range(n):
        if k == i:
            continue
        s_ += xp[k]
        c = c * d // (xp[k] * n)
    c = c * d * A_PRECISION // (ann * n)
    b = s_ + d * A_PRECISION // ann
    return _solve_y(c, b, d)


def ramped_A(initial_a: int, future_a: int, initial_time: int, future_time: int, now: int) -> int:
    """Precise A at ``now`` on a linear ramp (Curve ``_A``), floor toward the start value."""
    if now < future_time:
        if future_a > initial_a:
            return initial_a + (future_a - initial_a) * (now - initial_time) // (future_time - initial_time)
        return initial_a - (initial_a - future_a) * (now - initial_time) // (future_time - initial_time)
    return future_a


def scaled(balances: tuple[int, ...] | list[int], rates: tuple[int, ...] | list[int]) -> list[int]:
    """``xp_i = balance_i * rate_i // 1e18`` (rates are 1e18 for an 18-decimal plain coin)."""
    return [b * r // PRECISION for b, r in zip(balances, rates)]
