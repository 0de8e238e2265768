"""amm/ benchmarks: V2 swaps and StableSwap exchanges against baselines and peers, timed
interleaved in the same run, and the exactness of their outputs.

- V2: a swap transaction (``state.tx``: transfer in, ``Pair.swap``) and a swap through
  ``Router.swap_exact_in`` in a transaction, against the checked pair class
  (:mod:`bench.checked_pair`) and UniswapPy's ``swap_exact_tokens_for_tokens``; outputs of
  random swaps against the floor formula ``getAmountOut``.
- StableSwap: ``exchange`` with the Ethereum pool's settings (A 30, fee 0.04%, admin fee 50%,
  the 2023-06-19 balances of lstlab.world.params.PoolParams) against curvesim's
  ``CurvePool.exchange`` and the transliteration of StableSwapSTETH.vy
  (:mod:`bench.steth_vyper`); outputs of random exchanges against the transliteration.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from amm import Factory, Router, StableSwap
from bench import peers
from bench.checked_pair import CheckedPair, amount_out
from bench.harness import Check, Row, Workload, measure
from bench.steth_vyper import StableSwapSTETH
from chain import State
from lstlab.world.params import PoolParams

E18 = 10**18
RESERVE = 10**24
SWAPS = 5_000
"""V2 swaps per timed round."""
AMOUNT = 10**15
EXCHANGES = 2_000
"""StableSwap exchanges per timed round."""
FAR = 2**63
"""A deadline that never passes."""


class V2World:
    """A state with a pair of two tokens (``RESERVE`` each), a router and a funded ``user``."""

    def __init__(self) -> None:
        state = self.state = State()
        state.add_network("ethereum")
        self.tokens = [state.add_token("ethereum", "TKA"), state.add_token("ethereum", "TKB")]
        state.add_account("user")
        for token in self.tokens:
            state.mint(token, "user", 10**32)
        factory = Factory.deploy(state, "factory", "ethereum")
        self.router = Router.deploy(state, "router", "ethereum", factory="factory")
        self.pair = factory.create_pair(*self.tokens)
        with state.tx("user"):
            for token in self.tokens:
                state.transfer(token, "user", self.pair.address, RESERVE)
            self.pair.mint("user")
        self.tokens = [self.pair.token0, self.pair.token1]
        state.drain_events()

    def swap_tx(self, n: int) -> None:
        """``n`` transactions: transfer in, then ``Pair.swap`` of the floor output; alternating."""
        state, pair = self.state, self.pair
        tx, transfer, swap, address, (t0, t1) = state.tx, state.transfer, pair.swap, pair.address, self.tokens
        for k in range(n):
            r0, r1, _ = pair.get_reserves()
            with tx("user"):
                if k & 1:
                    transfer(t1, "user", address, AMOUNT)
                    swap(amount_out(AMOUNT, r1, r0), 0, "user")
                else:
                    transfer(t0, "user", address, AMOUNT)
                    swap(0, amount_out(AMOUNT, r0, r1), "user")

    def router_tx(self, n: int) -> None:
        """``n`` transactions of ``Router.swap_exact_in``, alternating directions."""
        tx, swap = self.state.tx, self.router.swap_exact_in
        paths = [list(self.tokens), list(reversed(self.tokens))]
        for k in range(n):
            with tx("user"):
                swap("user", AMOUNT, 0, paths[k & 1], "user", FAR)

    def chain_floor(self, n: int) -> None:
        """``n`` transactions of the two transfers alone: what ``state.tx`` and the ledger cost."""
        tx, transfer, address, (t0, t1) = self.state.tx, self.state.transfer, self.pair.address, self.tokens
        for _ in range(n):
            with tx("user"):
                transfer(t0, "user", address, 1)
                transfer(t1, "user", address, 1)


def checked_swaps(pair: CheckedPair, n: int) -> None:
    """The same swaps on the checked pair class."""
    transfer, swap = pair.transfer, pair.swap
    for k in range(n):
        r0, r1 = pair.reserve0, pair.reserve1
        if k & 1:
            transfer(1, "user", "pair", AMOUNT)
            swap(amount_out(AMOUNT, r1, r0), 0, "user")
        else:
            transfer(0, "user", "pair", AMOUNT)
            swap(0, amount_out(AMOUNT, r0, r1), "user")


def v2_swaps() -> Iterator[Row]:
    world = V2World()
    pair = CheckedPair(RESERVE, RESERVE, {"user": 10**32})
    work = {
        "checked": Workload(lambda: checked_swaps(pair, SWAPS), SWAPS),
        "tx": Workload(lambda: world.swap_tx(SWAPS), SWAPS, world.state.drain_events),
        "router": Workload(lambda: world.router_tx(SWAPS), SWAPS, world.state.drain_events),
        "floor": Workload(lambda: world.chain_floor(SWAPS), SWAPS, world.state.drain_events),
    }
    uniswappy = peers.load("uniswappy")
    if uniswappy is not None:
        lp, t0, t1 = peers.uniswappy_pair(RESERVE, RESERVE)
        tokens = (t0, t1)

        def uniswappy_swaps() -> None:
            swap = lp.swap_exact_tokens_for_tokens
            for k in range(SWAPS):
                swap(AMOUNT, 0, tokens[k & 1], "user")

        work["uniswappy"] = Workload(uniswappy_swaps, SWAPS)
    t = measure(work)
    checked = "checked pair class (K, uint112, balances)"
    yield Row("V2 swap: state.tx + transfer in + Pair.swap", t["tx"], checked, t["checked"], target=4.0)
    yield Row("V2 swap: Router.swap_exact_in in state.tx", t["router"], checked, t["checked"], target=6.0)
    yield Row("chain floor: state.tx + 2 transfers, no swap", t["floor"], checked, t["checked"],
              note="what the transaction and the ledger cost alone")
    peer = "UniswapPy swap_exact_tokens_for_tokens (wei mode)"
    if uniswappy is None:
        yield Row("V2 swap: Router.swap_exact_in in state.tx", t["router"], peer, None, note=peers.missing("uniswappy"))
    else:
        yield Row("V2 swap: Router.swap_exact_in in state.tx", t["router"], peer, t["uniswappy"],
                  note="UniswapPy skips the K check and rounds outputs up")


def _random_swaps(n: int, seed: int) -> list[tuple[int, int]]:
    """``n`` (direction, amount in) pairs, amounts log-uniform from 1e6 wei to 1% of a reserve."""
    rng = random.Random(seed)
    return [(rng.randrange(2), int(10 ** rng.uniform(6, 22))) for _ in range(n)]


def v2_exactness(n: int = 20_000) -> Iterator[Check]:
    """Outputs of ``n`` random swaps against ``getAmountOut`` on the reserves before each one."""
    swaps = _random_swaps(n, seed=17)
    world = V2World()
    pair, state, paths = world.pair, world.state, [list(world.tokens), list(reversed(world.tokens))]
    off = 0
    for k, (direction, amount) in enumerate(swaps):
        r0, r1, _ = pair.get_reserves()
        r_in, r_out = (r0, r1) if direction == 0 else (r1, r0)
        with state.tx("user"):
            out = world.router.swap_exact_in("user", amount, 0, paths[direction], "user", FAR)[-1]
        off += out != amount_out(amount, r_in, r_out)
        if k % 1000 == 999:
            state.drain_events()
    yield Check("lstlab Router.swap_exact_in", "getAmountOut (floor)", off, n, exact=True)
    if peers.load("uniswappy") is None:
        yield Check("UniswapPy swap_exact_tokens_for_tokens", "getAmountOut (floor)", 0, 0,
                    note=peers.missing("uniswappy"))
        return
    lp, t0, t1 = peers.uniswappy_pair(RESERVE, RESERVE)
    diffs: dict[int, int] = {}
    for direction, amount in swaps:
        r_in, r_out = (lp.reserve0, lp.reserve1) if direction == 0 else (lp.reserve1, lp.reserve0)
        out = lp.swap_exact_tokens_for_tokens(amount, 0, (t0, t1)[direction], "user")
        diff = out - amount_out(amount, r_in, r_out)
        if diff:
            diffs[diff] = diffs.get(diff, 0) + 1
    yield Check("UniswapPy swap_exact_tokens_for_tokens", "getAmountOut (floor)", sum(diffs.values()), n,
                note=_diffs(diffs))


def _diffs(diffs: dict[int, int]) -> str:
    """``+1 wei on 9,991`` style summary of output differences."""
    return ", ".join(f"{d:+,} wei on {count:,}" for d, count in sorted(diffs.items()))


def v2_exactness_full() -> Iterator[Check]:
    yield from v2_exactness(100_000)


POOL = PoolParams()
HOLDINGS = (POOL.curve_eth * E18, POOL.curve_steth * E18)
"""The Ethereum stETH/ETH pool's balances on 2023-06-19 (lstlab.world.params)."""


def stableswap_pool() -> tuple[State, StableSwap]:
    """lstlab's StableSwap with the pool's settings, seeded by ``lp``; ``user`` trades."""
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")]
    for name in ("lp", "user"):
        state.add_account(name)
        for coin in coins:
            state.mint(coin, name, 10**30)
    pool = StableSwap.deploy(state, "pool", "ethereum", coins, A=POOL.curve_a, fee=POOL.curve_fee,
                             admin_fee=POOL.curve_admin_fee)
    pool.add_liquidity("lp", list(HOLDINGS), 0)
    state.drain_events()
    return state, pool


def _transliteration() -> StableSwapSTETH:
    return StableSwapSTETH(HOLDINGS, POOL.curve_a, POOL.curve_fee, POOL.curve_admin_fee)


def stableswap_exchanges() -> Iterator[Row]:
    rng = random.Random(5)
    sizes = [int(10 ** rng.uniform(15, 22)) for _ in range(EXCHANGES // 2)]  # 0.001 to 10,000 ETH
    state, pool = stableswap_pool()
    vyper = _transliteration()

    def lstlab() -> None:
        exchange = pool.exchange
        for k in range(EXCHANGES):
            exchange("user", k & 1, 1 - (k & 1), sizes[k >> 1], 0)

    def transliteration() -> None:
        exchange = vyper.exchange
        for k in range(EXCHANGES):
            exchange(k & 1, 1 - (k & 1), sizes[k >> 1])

    work = {"lstlab": Workload(lstlab, EXCHANGES, state.drain_events), "vyper": Workload(transliteration, EXCHANGES)}
    if peers.load("curvesim") is not None:
        curve = peers.curvesim_pool(POOL.curve_a, HOLDINGS, POOL.curve_fee, POOL.curve_admin_fee)

        def curvesim() -> None:
            exchange = curve.exchange
            for k in range(EXCHANGES):
                exchange(k & 1, 1 - (k & 1), sizes[k >> 1])

        work["curvesim"] = Workload(curvesim, EXCHANGES)
    t = measure(work)
    case = "StableSwap.exchange, real pool settings (admin fee 50%)"
    peer = "curvesim CurvePool.exchange"
    if "curvesim" in t:
        yield Row(case, t["lstlab"], peer, t["curvesim"], target=1.0)
    else:
        yield Row(case, t["lstlab"], peer, None, target=1.0, note=peers.missing("curvesim"))
    yield Row(case, t["lstlab"], "transliteration of StableSwapSTETH.vy", t["vyper"])


def stableswap_exactness(n: int = 20_000) -> Iterator[Check]:
    """Outputs of ``n`` random exchanges of lstlab and of curvesim against the transliteration,
    each from the transliteration's state before the exchange."""
    rng = random.Random(11)
    state, pool = stableswap_pool()
    vyper = _transliteration()
    curve = None
    if peers.load("curvesim") is not None:
        curve = peers.curvesim_pool(POOL.curve_a, HOLDINGS, POOL.curve_fee, POOL.curve_admin_fee)
    off, diffs = 0, {}
    for k in range(n):
        i = rng.randrange(2)
        dx = int(10 ** rng.uniform(9, 22.3))  # 1 gwei to 20,000 ETH
        if curve is not None:
            curve.balances = vyper.balances()
            diff = curve.exchange(i, 1 - i, dx)[0] - vyper.get_dy(i, 1 - i, dx)
            if diff:
                diffs[diff] = diffs.get(diff, 0) + 1
        expected = vyper.exchange(i, 1 - i, dx)
        off += pool.exchange("user", i, 1 - i, dx, 0) != expected
        if k % 1000 == 999:
            state.drain_events()
    same_state = pool.balances() == vyper.balances() and list(pool.record.admin_balances) == vyper.admin_balances
    yield Check("lstlab StableSwap.exchange", "StableSwapSTETH.vy transliteration", off, n, exact=True,
                note="balances and admin balances equal after" if same_state else "balances differ after")
    if curve is None:
        yield Check("curvesim CurvePool.exchange", "StableSwapSTETH.vy transliteration", 0, 0,
                    note=peers.missing("curvesim"))
    else:
        yield Check("curvesim CurvePool.exchange", "StableSwapSTETH.vy transliteration", sum(diffs.values()), n,
                    note=_diffs(diffs) + " (its get_D lacks the +1 of D_P's denominator)")


CASES = [v2_swaps, v2_exactness, stableswap_exchanges, stableswap_exactness]
FULL_CASES = [v2_swaps, v2_exactness_full, stableswap_exchanges, stableswap_exactness]
