"""Quotes and marginal prices of a StableSwap pool read once.

:class:`PoolQuote` holds what ``StableSwap.get_dy`` reads (scaled balances, rates, precise A,
fee) and the invariant ``D`` of those balances, so many quotes of one pool state cost one
``get_y`` each. :meth:`PoolQuote.get_dy` is the pool's integer ``get_dy``, operation for
operation; the float methods give its marginal price and the input that brings that price to a
target, for sizing trades before checking them with exact quotes.

For two coins the invariant of :mod:`amm.stableswap_math` is, with ``Ann = amp * 2 / 100``
(``amp`` is A times ``A_PRECISION``) and ``x, y`` the scaled balances,
``f(x, y) = Ann (x + y) + D - Ann D - D^3 / (4 x y) = 0``; along it
``-dy/dx = (Ann + D^3 / (4 x^2 y)) / (Ann + D^3 / (4 x y^2))``. The functions below work in
``u = x / D``, ``v = y / D``, where it reads ``Ann (u + v) + 1 - Ann - 1 / (4 u v) = 0``.
"""

from __future__ import annotations

from math import sqrt
from typing import Any

import attrs

from amm import stableswap_math as sm
from amm.errors import NoConvergence
from amm.validation import validate_coins, validate_input
from chain import UINT256_MAX, InvalidArgument

NEWTON_ROUNDS = 60


def slope(ann: float, u: float) -> tuple[float, float]:
    """``(s, ds/du)``: ``s = -dv/du`` along the invariant at ``u`` and its derivative.

    ``v`` is the positive root of ``Ann v^2 + b v - 1/(4u) = 0``, the invariant at ``u``; each
    product of u and v is computed once, in the left-to-right order of the formulas
    (``u * u * v * v`` is ``(u * u * v) * v``)."""
    b = ann * u + 1.0 - ann
    c = 1.0 / (4.0 * u)
    root = sqrt(b * b + 4.0 * ann * c)
    v = 2.0 * c / (b + root) if b >= 0 else (root - b) / (2.0 * ann)
    uu = u * u
    uuv = uu * v
    uuvv = uuv * v
    uvv = u * v * v
    num = ann + 0.25 / uuv
    den = ann + 0.25 / uvv
    s = num / den
    d_num = 0.25 * (s / uuvv - 2.0 / (uu * u * v))
    d_den = 0.25 * (2.0 * s / (uvv * v) - 1.0 / uuvv)
    return s, (d_num - s * d_den) / den


INVARIANTS_KEPT = 512
"""Invariants remembered by their inputs (:func:`invariant`); the table empties when full."""
_INVARIANTS: dict[tuple[tuple[int, ...], int], int | None] = {}


def invariant(xp: tuple[int, ...], amp: int) -> int | None:
    """``get_D(xp, amp)``, None where its iteration does not converge; remembered by its
    inputs (a pure function: a pool read again unchanged computes no new D)."""
    key = (xp, amp)
    try:
        return _INVARIANTS[key]
    except KeyError:
        pass
    try:
        d: int | None = sm.get_D(xp, amp)
    except NoConvergence:
        d = None
    if len(_INVARIANTS) >= INVARIANTS_KEPT:
        _INVARIANTS.clear()
    _INVARIANTS[key] = d
    return d


@attrs.frozen
class PoolQuote:
    """One read of a StableSwap pool: ``xp`` (scaled balances less admin fees), ``rates``,
    ``amp`` (precise A now), ``d`` (invariant of ``xp``; None where its iteration does not
    converge, so that quotes raise NoConvergence as the pool's do) and ``fee`` (1e10 = 100%)."""

    xp: tuple[int, ...]
    rates: tuple[int, ...]
    amp: int
    d: int | None
    fee: int

    @classmethod
    def of(cls, pool: Any) -> PoolQuote:
        """Read ``pool`` (an :class:`amm.StableSwap`) now: its feeds once, its balances once."""
        rates = tuple(pool.rates())
        st = pool.record  # read once: what balances(), A_precise() and the fee read
        xp = tuple(sm.scaled(pool.balances(st), rates))
        amp = sm.ramped_A(st.initial_A, st.future_A, st.initial_A_time, st.future_A_time, pool.state.now)
        return cls(xp, rates, amp, invariant(xp, amp), st.fee)

    def get_dy(self, i: int, j: int, dx: int) -> int:
        """What the pool's ``get_dy(i, j, dx)`` returns in the state read; raises as it does."""
        xp = self.xp
        n = len(xp)
        if type(i) is not int or type(j) is not int or not (0 <= i < n and 0 <= j < n and i != j):
            validate_coins(i, j, n)  # names the failure; the common case passes the test above
        if type(dx) is not int or not 0 < dx <= UINT256_MAX:
            validate_input(dx)
        rates = self.rates
        if n == 2:  # exchange_dy at d, unrolled for two coins (where d is None both compute D, and raise)
            return sm.exchange_dy2(i, dx, xp[0], xp[1], rates[i], rates[j], self.amp, self.fee, self.d)[0]
        return sm.exchange_dy(i, j, dx, xp, rates, self.amp, self.fee, self.d)[0]

    def _setup(self, i: int, j: int) -> tuple[float, float, float, float]:
        """``(D, Ann, wei of coin i per unit of u, coin-j-per-coin-i factor of the fee-paid
        slope)``; D is 0 for an empty pool. Raises NoConvergence where the pool's quotes do."""
        n = len(self.xp)
        if type(i) is not int or type(j) is not int or not (0 <= i < n and 0 <= j < n and i != j):
            validate_coins(i, j, n)  # names the failure (as in get_dy)
        if n != 2:
            raise InvalidArgument(f"marginal prices are for 2-coin pools, this one has {n}")
        if self.d is None:
            raise NoConvergence(f"the invariant of xp={list(self.xp)} did not converge: no price")
        d = float(self.d)
        ann = self.amp * 2 / sm.A_PRECISION
        per_u = d * sm.PRECISION / self.rates[i]
        factor = (1.0 - self.fee / sm.FEE_DENOMINATOR) * self.rates[i] / self.rates[j]
        return d, ann, per_u, factor

    def marginal(self, i: int, j: int, dx: float = 0.0) -> float:
        """Marginal output of coin ``j`` per wei of coin ``i`` after selling ``dx`` wei of
        ``i`` (fee included, float)."""
        d, ann, _, factor = self._setup(i, j)
        return factor * slope(ann, (self.xp[i] + dx * self.rates[i] / sm.PRECISION) / d)[0]

    def input_for(self, i: int, j: int, price: float, cap: int) -> float:
        """The input ``dx`` (wei of coin ``i``, float, in ``[0, cap]``) after which the
        marginal output (coin ``j`` per coin ``i``, fee included) equals ``price``: 0 when the
        pool already pays less (or is empty), ``cap`` when it still pays more there.
        Safeguarded Newton."""
        d, ann, per_u, factor = self._setup(i, j)
        if d == 0 or min(self.xp) == 0:
            return 0.0
        target = price / factor
        lo = self.xp[i] / d
        hi = lo + cap / per_u
        if slope(ann, lo)[0] <= target:
            return 0.0
        if slope(ann, hi)[0] > target:
            return float(cap)
        u = lo
        for _ in range(NEWTON_ROUNDS):
            s, ds = slope(ann, u)
            if s > target:
                lo = u
            else:
                hi = u
            nxt = u - (s - target) / ds if ds < 0 else hi
            if not lo < nxt < hi:
                nxt = (lo + hi) / 2
            if abs(nxt - u) <= 1e-15 * u:
                u = nxt
                break
            u = nxt
        return min(max((u * d - self.xp[i]) * sm.PRECISION / self.rates[i], 0.0), float(cap))
