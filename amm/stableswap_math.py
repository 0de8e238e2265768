"""Curve StableSwap integer math (``StableSwapSTETH.vy``; curve-contract), for n coins.

Invariant: ``A n^n sum(x) + D = A n^n D + D^(n+1) / (n^n prod(x))``. ``amp`` is A times
``A_PRECISION`` (100) and ``Ann = amp * n``. Every ``//`` is the contract's uint256 floor, in
the contract's order, including the ``+1`` in the ``D_P`` denominator. ``xp`` are balances
already scaled by their rates to 18-decimal "virtual" units.

Raises NoConvergence when an iteration has not converged within 255 rounds.
"""

from __future__ import annotations

from math import isqrt

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
    dens = [x * n + 1 for x in xp]  # the round's D_P denominators and terms that do not change
    numer, ann_less, n_plus = ann * s // A_PRECISION, ann - A_PRECISION, n + 1
    for _ in range(255):
        d_p = d
        for den in dens:
            d_p = d_p * d // den
        d_prev = d
        d = (numer + d_p * n) * d // (ann_less * d // A_PRECISION + n_plus * d_p)
        if -1 <= d - d_prev <= 1:
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


_SOLVE_Y_BOUND = 2**254
"""Below it, Curve's y iteration started at or above its fixed point returns within 255 rounds."""


def _solve_y(c: int, b: int, d: int) -> int:
    """Curve's y iteration ``y = (y*y + c) // (2*y + b - d)`` from ``y = d``, until y moves by at
    most 1 (``get_y``, ``get_y_D``); the loop's result, computed directly where it is known.

    With ``f(y) = y*y + (b - d)*y - c`` (``c > 0``: roots ``r2 < 0 < r``), a round maps y to
    ``y - ceil(f(y) / f'(y))``. Let ``m`` be an integer with ``f(m) <= 0`` and ``f(m + 1) >= 2``:
    then ``m = floor(r)``; the round maps m and m + 1 to m; ``f/f'`` grows above r and
    ``f(m + 1) >= 2`` makes the round move every y >= m + 2 by at least 2, to no less than m
    (Newton from above the root of a convex function stays above it), at least halving
    ``y - r``. So from any start ``d >= m`` the loop returns m, within ``bit_length(d) + 1 <=
    255`` rounds when ``d < 2**254``. ``m`` is ``floor((sqrt(disc) - (b - d)) / 2)`` with
    ``disc = (b - d)**2 + 4c`` (math.isqrt); when the conditions fail (they hold for pools'
    values; tests/amm/test_hot_paths.py compares both on wide ranges) the loop runs.
    """
    b_less = b - d
    if c > 0 and d < _SOLVE_Y_BOUND:
        m = (isqrt(b_less * b_less + 4 * c) - b_less) // 2
        f_m = m * (m + b_less) - c
        if m <= d and f_m <= 0 and f_m + 2 * m + b_less >= 1:  # f(m + 1) = f(m) + 2m + 1 + (b - d) >= 2
            return m
    return _solve_y_loop(c, b_less, d)


def _solve_y_loop(c: int, b_less: int, d: int) -> int:
    """:func:`_solve_y`'s iteration, round by round (``b_less = b - d``)."""
    y = d
    for _ in range(255):
        y_prev = y
        y = (y * y + c) // (2 * y + b_less)
        if -1 <= y - y_prev <= 1:
            return y
    raise NoConvergence(f"get_y did not converge (c={c}, b={b_less + d}, D={d})")


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
                 fee: int, d: int | None = None) -> tuple[int, int]:
    """:func:`exchange_dy` of a two-coin pool with scaled balances ``x0``/``x1``, selling ``dx``
    wei of coin ``i`` (rate ``rate_in``) for the other (``rate_out``), at the invariant ``d``
    (computed unless given): the same operations in the same order (``get_D``, ``get_y``, the
    fee), with the per-call dispatch unrolled."""
    if d is None:
        d = _get_D2(x0, x1, amp)
    x_in, x_out = (x0, x1) if i == 0 else (x1, x0)
    x = x_in + (dx if rate_in == PRECISION else dx * rate_in // PRECISION)  # dx * 1e18 // 1e18 is dx
    ann = amp * 2
    c = d * d // (x * 2) * d * A_PRECISION // (ann * 2)
    y = _solve_y(c, x + d * A_PRECISION // ann, d)
    dy = x_out - y - 1
    if dy < 0:
        raise InsufficientInputAmount(f"dx {dx} is too small to buy any of coin {1 - i}")
    dy_fee = dy * fee // FEE_DENOMINATOR
    dy -= dy_fee
    return (dy if rate_out == PRECISION else dy * PRECISION // rate_out), dy_fee


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
