"""Best execution: selling an amount of one token for another through the pools of a world.

A sale of ``token_in`` for ``token_out`` uses the pools of ``token_in``'s network
(:meth:`lstlab.world.build.World.pools`): the pools that trade the pair directly or, when
there is none, two hops through the network's WETH (wstETH -> WETH -> USDC). On each hop the
amount is split over the hop's pools so that their marginal prices meet:

- each pool gives its marginal output per wei of input after a trade and the input that
  brings its marginal price down to a target: a V2 pair in closed form
  (``g r_in r_out / (r_in + g dx)^2`` with ``g = 1 - fee``), a StableSwap pool through
  :class:`amm.stableswap_price.PoolQuote`;
- a bisection (on the logarithm of the price) finds the common price at which those inputs add
  up to the amount; the inputs are floored to wei and the remainder goes to the pool that pays
  the most for its next wei;
- every leg is then quoted with the pool's own integer math (V2 ``getAmountOut``, Curve
  ``get_dy``), and the split is kept only when its exact total beats the best single pool's
  exact quote of the whole amount; otherwise the whole amount goes to that pool.

Floats only choose the split; every amount of a :class:`Plan` is an exact integer that the
pools pay in the state the plan was made in. Hops are chained: the second hop sells exactly
what the first hop's legs return. :func:`execute` performs a plan with each leg's expected
output as its minimum, all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import sqrt
from typing import Any

import attrs

from amm import get_amount_out
from amm.errors import Slippage
from amm.stableswap_price import PoolQuote
from chain import InvalidAmount, InvalidArgument, LstlabError, Revert, Token, check_amount
from lstlab.errors import CompositionError
from lstlab.world.build import World
from lstlab.world.venues import PoolInfo, PoolKind

HUB_SYMBOL = "WETH"
"""The token two-hop routes go through on every network: every pool of the default world
trades against WETH."""
PRICE_RESOLUTION = 1e-12
"""The bisection stops when its price bracket is this narrow (relative): far below one wei of
output on any trade the world's pools can absorb."""
MAX_BISECTIONS = 200
"""Bound on bisection rounds (each halves the bracket's logarithm; about 45 suffice)."""


class NoRoute(CompositionError, Revert):
    """No pool of the network trades the pair, directly or through WETH: add a pool or sell elsewhere."""

    code = "NO_ROUTE"


@attrs.frozen
class Leg:
    """One trade of a plan: ``amount_in`` of ``token_in`` into the pool ``pool`` (its key in
    :meth:`World.pools`), paying exactly ``amount_out`` of ``token_out`` (wei)."""

    pool: str
    address: str
    kind: PoolKind
    token_in: Token
    token_out: Token
    amount_in: int
    amount_out: int


@attrs.frozen
class Plan:
    """A sale of ``amount_in`` wei of ``token_in`` for ``amount_out`` wei of ``token_out``:
    the legs of the first hop, then those of the second (if any). ``legs`` is empty and
    ``amount_out`` 0 when the pools pay nothing for the amount."""

    token_in: Token
    token_out: Token
    amount_in: int
    amount_out: int
    legs: tuple[Leg, ...]

    def volumes(self) -> dict[str, int]:
        """Wei of input each pool receives, by pool key."""
        out: dict[str, int] = {}
        for leg in self.legs:
            out[leg.pool] = out.get(leg.pool, 0) + leg.amount_in
        return out


class _V2Side:
    """One direction of a V2 pair read once: reserves (wei) and the fee (bps on the input)."""

    __slots__ = ("fee_bps", "g", "pool", "r_in", "r_out")

    def __init__(self, pool: PoolInfo, r_in: int, r_out: int, fee_bps: int) -> None:
        self.pool, self.r_in, self.r_out, self.fee_bps = pool, r_in, r_out, fee_bps
        self.g = (10_000 - fee_bps) / 10_000

    def out(self, dx: int) -> int:
        return get_amount_out(dx, self.r_in, self.r_out, self.fee_bps) if dx > 0 else 0

    def marginal(self, dx: float) -> float:
        g, r_in = self.g, self.r_in
        return g * r_in * self.r_out / (r_in + g * dx) ** 2

    def input_for(self, price: float, cap: int) -> float:
        if self.marginal(0.0) <= price:
            return 0.0
        dx = (sqrt(self.g * self.r_in * self.r_out / price) - self.r_in) / self.g
        return min(max(dx, 0.0), float(cap))


class _StableSide:
    """One direction (coin ``i`` for coin ``j``) of a StableSwap pool read once."""

    __slots__ = ("i", "j", "pool", "quote")

    def __init__(self, pool: PoolInfo, quote: PoolQuote, i: int, j: int) -> None:
        self.pool, self.quote, self.i, self.j = pool, quote, i, j

    def out(self, dx: int) -> int:
        if dx <= 0:
            return 0
        try:
            return self.quote.get_dy(self.i, self.j, dx)
        except LstlabError:
            return 0

    def marginal(self, dx: float) -> float:
        return self.quote.marginal(self.i, self.j, dx)

    def input_for(self, price: float, cap: int) -> float:
        return self.quote.input_for(self.i, self.j, price, cap)


_Side = _V2Side | _StableSide


def _side(world: World, pool: PoolInfo, token_in: Token, token_out: Token) -> _Side | None:
    """The pool read for selling ``token_in``; None when it is empty or cannot quote."""
    contract: Any = world.state.contract(pool.address)
    if pool.kind == "v2":
        r0, r1, _ = contract.get_reserves()
        r_in, r_out = (r0, r1) if token_in == contract.token0 else (r1, r0)
        return _V2Side(pool, r_in, r_out, contract.fee_bps) if r_in and r_out else None
    quote = PoolQuote.of(contract)
    if quote.d is None or min(quote.xp) == 0:
        return None
    return _StableSide(pool, quote, contract.coins.index(token_in), contract.coins.index(token_out))


def _common_price_split(sides: Sequence[_Side], amount: int) -> list[int]:
    """Inputs (wei, summing to ``amount``) at which the sides' marginal prices meet (floats
    choose them; see the module docstring)."""
    hi = max(s.marginal(0.0) for s in sides)
    lo = min(s.marginal(float(amount)) for s in sides)
    if not 0.0 < lo < hi:
        raise ValueError("no price bracket")
    for _ in range(MAX_BISECTIONS):
        if hi / lo - 1.0 <= PRICE_RESOLUTION:
            break
        mid = sqrt(lo * hi)
        if sum(s.input_for(mid, amount) for s in sides) > amount:
            lo = mid
        else:
            hi = mid
    inputs = [min(int(s.input_for(hi, amount)), amount) for s in sides]
    excess = sum(inputs) - amount  # float rounding near the cap: take it back from the largest input
    if excess > 0:
        inputs[max(range(len(inputs)), key=inputs.__getitem__)] -= excess
    k = max(range(len(sides)), key=lambda n: sides[n].marginal(float(inputs[n])))
    inputs[k] += amount - sum(inputs)
    return inputs


def _split(sides: Sequence[_Side], amount: int) -> tuple[list[int], list[int]]:
    """``(inputs, outputs)`` per side for selling ``amount`` wei over ``sides``: the common
    marginal price split when its exact total beats the best single side's exact quote, else
    everything into that side. Outputs are the sides' exact integer quotes."""
    singles = [s.out(amount) for s in sides]
    best = max(range(len(sides)), key=singles.__getitem__)
    inputs = [0] * len(sides)
    inputs[best] = amount
    outputs = [0] * len(sides)
    outputs[best] = singles[best]
    if len(sides) > 1:
        try:
            trial = _common_price_split(sides, amount)
        except (LstlabError, ValueError, ZeroDivisionError, OverflowError):
            trial = None
        if trial is not None:
            paid = [s.out(x) for s, x in zip(sides, trial)]
            if sum(paid) > singles[best]:
                inputs, outputs = trial, paid
    return inputs, outputs


Hop = tuple[Token, Token, list[PoolInfo]]
"""(token sold, token bought, the pools that trade them) of one hop of a route."""


def _hops(pools: Sequence[PoolInfo], token_in: Token, token_out: Token) -> list[Hop]:
    """The route: one hop over the direct pools, or two hops through the network's WETH."""
    def serving(a: Token, b: Token) -> list[PoolInfo]:
        return [p for p in pools if {p.base, p.quote} == {a, b}]

    direct = serving(token_in, token_out)
    if direct:
        return [(token_in, token_out, direct)]
    hubs = {t for p in pools for t in (p.base, p.quote) if t.symbol == HUB_SYMBOL} - {token_in, token_out}
    for hub in sorted(hubs, key=lambda t: t.key):
        first, second = serving(token_in, hub), serving(hub, token_out)
        if first and second:
            return [(token_in, hub, first), (hub, token_out, second)]
    raise NoRoute(f"no pool on {token_in.network} trades {token_in.key} for {token_out.key}, directly or "
                  f"through {HUB_SYMBOL}: add a pool")


def plan_sale(world: World, token_in: Token, token_out: Token, amount: int,
              pools: Sequence[PoolInfo] | None = None) -> Plan:
    """The best plan (see the module docstring) to sell ``amount`` wei of ``token_in`` for
    ``token_out`` over ``pools`` (default: every pool of the world) on ``token_in``'s
    network. Writes nothing. Raises InvalidAmount (not a positive int), InvalidArgument (the
    same token twice, or tokens of two networks), NoRoute."""
    check_amount(amount)
    if amount == 0:
        raise InvalidAmount("a sale of 0: pass a positive amount")
    if token_in == token_out or token_in.network != token_out.network:
        raise InvalidArgument(f"cannot sell {token_in.key} for {token_out.key}: "
                              "pick two different tokens of one network")
    local = [p for p in (world.pools() if pools is None else pools) if p.network == token_in.network]
    legs: list[Leg] = []
    x = amount
    for a, b, hop_pools in _hops(local, token_in, token_out):
        sides = [s for s in (_side(world, p, a, b) for p in hop_pools) if s is not None]
        if not sides:
            raise NoRoute(f"every pool trading {a.key} for {b.key} is empty or cannot quote: add liquidity")
        inputs, outputs = _split(sides, x)
        legs += [Leg(s.pool.key, s.pool.address, s.pool.kind, a, b, dx, dy)
                 for s, dx, dy in zip(sides, inputs, outputs) if dx]
        x = sum(outputs)
        if x == 0:
            return Plan(token_in, token_out, amount, 0, ())
    return Plan(token_in, token_out, amount, x, tuple(legs))


def _fill(world: World, account: str, leg: Leg) -> None:
    """Trade one leg from ``account`` to ``account``; raises Slippage below ``leg.amount_out``."""
    state = world.state
    contract: Any = state.contract(leg.address)
    if leg.kind == "stableswap":
        coins = contract.coins
        contract.exchange(account, coins.index(leg.token_in), coins.index(leg.token_out), leg.amount_in,
                          leg.amount_out)
        return
    r0, r1, _ = contract.get_reserves()
    zero_for_one = leg.token_in == contract.token0
    r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
    out = get_amount_out(leg.amount_in, r_in, r_out, contract.fee_bps)
    if out < leg.amount_out:
        raise Slippage(f"{leg.pool} pays {out}, below the planned {leg.amount_out}: plan again")
    state.transfer(leg.token_in, account, leg.address, leg.amount_in)
    if zero_for_one:
        contract.swap(0, out, account)
    else:
        contract.swap(out, 0, account)


def execute(world: World, account: str, plan: Plan) -> dict[str, int]:
    """Perform ``plan`` from ``account`` (which must hold ``plan.amount_in``) inside the
    caller's transaction: Curve ``exchange`` with the leg's output as ``min_dy``, a V2 pair's
    ``swap`` after checking its output is at least the leg's. All legs or none (a failure
    reverts every leg and re-raises: Slippage, InsufficientBalance...). ``account`` receives
    at least ``plan.amount_out`` (exactly, in the state the plan was made in). Returns the
    wei each pool received, by pool key."""
    with world.state.atomic():
        for leg in plan.legs:
            _fill(world, account, leg)
    return plan.volumes()


__all__ = ["HUB_SYMBOL", "Leg", "NoRoute", "Plan", "execute", "plan_sale"]
