"""The inlined actions against their general forms, on twin worlds.

``Pair.swap``, ``Router.swap_exact_in`` (with its remembered pools) and ``StableSwap.exchange``
open their call frame, store their record and emit inline. Each is compared here with the same
action written as the composition of its parts (``chain.external``, ``validate_*``,
``Pair._settle``, ``Router._quote_out``/``_execute``, ``stableswap_math.exchange_dy``,
``state.store``, ``state.emit``): two worlds built alike, one with the general classes, take
the same random operations (inside and outside transactions, reverted ones, bad arguments,
pools created and reverted, forks), and must agree on every outcome, error message, digest,
transaction count, version and event log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from amm import Pair, Router, Slippage, StableSwap, get_amount_out
from amm import stableswap_math as sm
from amm.events import Swap, Sync, TokenExchange
from amm.stableswap import FEE_DENOMINATOR, PRECISION
from amm.validation import (
    validate_coins,
    validate_deadline,
    validate_input,
    validate_recipient,
    validate_swap,
)
from chain import ManualFeed, State, check_amount, external
from tests.amm.conftest import add_liquidity, make_world

FAR = 2**63


class GeneralPair(Pair):
    """``Pair.swap`` as its parts."""

    @external
    def swap(self, amount0_out: int, amount1_out: int, to: str, callback: Any = None) -> None:
        state, address = self.state, self.address
        r = self._load("reserves")
        validate_swap(amount0_out, amount1_out, r.reserve0, r.reserve1, self._load("lock", False))
        if callback is not None:
            return self._flash_swap(r, amount0_out, amount1_out, to, callback)
        balance0 = state.balance_of(self.token0, address) - amount0_out
        balance1 = state.balance_of(self.token1, address) - amount1_out
        record, in0, in1 = self._settle(r, balance0, balance1, amount0_out, amount1_out)
        if amount0_out:
            state.transfer(self.token0, address, to, amount0_out)
        if amount1_out:
            state.transfer(self.token1, address, to, amount1_out)
        state.store(address, "reserves", record)
        state.emit(Sync(address, balance0, balance1), Swap(address, state.sender, in0, in1, amount0_out, amount1_out, to))
        return None


class GeneralRouter(Router):
    """``Router.swap_exact_in`` as its parts: every check spelt out, the multi-hop quote and execution."""

    @external
    def swap_exact_in(
        self, sender: str, amount_in: int, amount_out_min: int, path: list[Any], to: str, deadline: int
    ) -> list[int]:
        self.authorize(sender, "sender")
        state = self.state
        validate_deadline(state.now, deadline)
        validate_recipient(state, to, self.network)
        check_amount(amount_in)
        check_amount(amount_out_min)
        amounts, pairs = self._quote_out(amount_in, path)
        if amounts[-1] < amount_out_min:
            raise Slippage(f"output {amounts[-1]} is below amount_out_min {amount_out_min}")
        return self._execute(sender, amounts, path, pairs, to)


class GeneralStableSwap(StableSwap):
    """``StableSwap.exchange`` and ``get_dy`` as their parts, quoted by the n-coin ``exchange_dy``."""

    def _general_dy(self, i: int, j: int, dx: int, st: Any) -> tuple[int, int, int]:
        rates = self.rates()
        xp = sm.scaled(self.balances(st), rates)
        dy, dy_fee = sm.exchange_dy(i, j, dx, xp, rates, self.A_precise(), st.fee)
        return dy, dy_fee, rates[j]

    def get_dy(self, i: int, j: int, dx: int) -> int:
        validate_coins(i, j, self.n)
        validate_input(dx)
        return self._general_dy(i, j, dx, self._load("state"))[0]

    @external
    def exchange(self, sender: str, i: int, j: int, dx: int, min_dy: int) -> int:
        self._sender(sender)
        validate_coins(i, j, self.n)
        validate_input(dx)
        check_amount(min_dy, "min_dy")
        st = self._load("state")
        dy, dy_fee, rate_j = self._general_dy(i, j, dx, st)
        if dy < min_dy:
            raise Slippage(f"exchange pays {dy}, below min_dy {min_dy}: widen it or trade less")
        state, address = self.state, self.address
        state.transfer(self.coins[i], sender, address, dx)
        state.transfer(self.coins[j], address, sender, dy)
        dy_admin = dy_fee * st.admin_fee // FEE_DENOMINATOR * PRECISION // rate_j
        if dy_admin:
            admin = list(st.admin_balances)
            admin[j] += dy_admin
            self._store("state", attrs.evolve(st, admin_balances=tuple(admin)))
        state.emit(TokenExchange(address, sender, i, dx, j, dy))
        return dy


class Revert(Exception):
    """Raised inside a transaction to revert it."""


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return "ok", fn()
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc), str(exc)


def _in_context(state: State, ctx: str, fn: Callable[[], Any]) -> Any:
    """``fn()`` outside every transaction, in one of ``wallet``/``trader``, or in one reverted after it."""
    if ctx == "none":
        return fn()
    sender = "wallet" if "wallet" in ctx else "trader"
    with state.tx(sender):
        result = fn()
        if ctx.startswith("revert"):
            raise Revert(repr(result))
    return result


class Twins:
    """Two worlds built alike (``build(general)``); ``step(op)`` runs one operation on both."""

    def __init__(self, build: Callable[[bool], State]) -> None:
        self.states = [build(False), build(True)]

    def step(self, op: Callable[[State, bool], Any]) -> None:
        outcomes = [_outcome(lambda s=s, g=g: op(s, g)) for s, g in zip(self.states, (False, True))]
        assert outcomes[0] == outcomes[1]
        fast, general = self.states
        assert fast.digest() == general.digest()
        assert (fast.tx_count, fast.version) == (general.tx_count, general.version)

    def fork(self) -> None:
        self.states = [s.fork() for s in self.states]

    def finish(self) -> None:
        fast, general = self.states
        assert fast.drain_log() == general.drain_log()


# --- V2: Pair.swap and Router.swap_exact_in -----------------------------------------------------

PAIRS = ("factory:TKA/TKB", "factory:TKB/TKC")


def _v2(general: bool) -> State:
    world = make_world()
    state = world.state
    for a, b, amounts in ((world.token0, world.token1, (10**24, 2 * 10**24)), (world.token1, world.token2, (10**24, 10**24))):
        pair = world.factory.create_pair(a, b)
        add_liquidity(world, pair, *amounts)
        if general:
            pair.__class__ = GeneralPair
    ManualFeed.deploy(state, "far", "arbitrum", base="X", quote="Y", answer=1)  # a contract of another network
    if general:
        world.router.__class__ = GeneralRouter
    return state


def _tokens(state: State) -> list[Any]:
    return [state.token("ethereum", s) for s in ("TKA", "TKB", "TKC")]


RECIPIENTS = ["wallet", "other", "router", "nobody", "far"]
CONTEXTS = ["none", "tx-wallet", "revert-wallet"]


def _mostly(usual: list[Any], rare: list[Any]) -> Any:
    """One of ``usual`` mostly, else one of ``rare``."""
    return _mostly_from(st.sampled_from(usual), rare=rare)


def _mostly_from(*usual: Any, rare: list[Any]) -> Any:
    """A value of one of the ``usual`` strategies mostly, else one of ``rare`` (a middle draw of
    a small integer: hypothesis favours the ends of ranges)."""
    return st.tuples(st.integers(0, 8), st.one_of(*usual), st.sampled_from(rare)).map(
        lambda t: t[2] if t[0] == 4 else t[1]
    )


@st.composite
def _swap_op(draw: Any) -> Callable[[State, bool], Any]:
    pair_at = draw(st.sampled_from(PAIRS))
    zero_for_one = draw(st.booleans())
    amount = draw(st.integers(10**6, 10**23))
    variant = draw(st.sampled_from(["exact", "exact", "plus", "zero", "both", "reserve", "negative", "bool",
                                    "float", "no input", "donation"]))
    to = draw(_mostly(["wallet", "other", "router"], ["nobody", "far"]))
    ctx = draw(st.sampled_from(CONTEXTS))

    def op(state: State, general: bool) -> Any:
        pair: Any = state.contract(pair_at)
        assert isinstance(pair, GeneralPair) is general
        r0, r1, _ = pair.get_reserves()
        r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
        out: Any = get_amount_out(amount, r_in, r_out, pair.fee_bps)
        out = {"plus": out + 1, "reserve": r_out, "negative": -1, "bool": True, "float": float(out)}.get(variant, out)
        outs: tuple[Any, Any] = (0, out) if zero_for_one else (out, 0)
        if variant == "zero":
            outs = (0, 0)
        elif variant == "both":
            outs = (1, 1)

        def run() -> Any:
            if variant != "no input":
                state.transfer(pair.token0 if zero_for_one else pair.token1, "wallet", pair.address, amount)
            if variant == "donation":
                state.transfer(pair.token1 if zero_for_one else pair.token0, "wallet", pair.address, amount // 7)
            return pair.swap(*outs, to)

        return _in_context(state, ctx, run)

    return op


@st.composite
def _route_op(draw: Any) -> Callable[[State, bool], Any]:
    path_at = draw(_mostly([(0, 1), (1, 0), (2, 1)], [(1, 2), (0, 1, 2), (2, 1, 0), (0, 2), (2, 0), (0, 0), (0,)]))
    as_tuple = draw(st.integers(0, 9)) == 0
    amount: Any = draw(_mostly_from(st.integers(1, 10**23), rare=[0, -1, 1.5, True, 2**200, 2**256]))
    minimum = draw(_mostly(["zero", "exact", "plus"], ["negative"]))
    sender = draw(_mostly(["wallet"], ["other", "router", "nobody"]))
    to = draw(_mostly(["wallet", "other", "router"], ["nobody", "far"]))
    deadline: Any = draw(_mostly([FAR], [0, 2**256, "soon"]))
    ctx = draw(st.sampled_from(CONTEXTS))

    def op(state: State, general: bool) -> Any:
        router: Any = state.contract("router")
        assert isinstance(router, GeneralRouter) is general
        tokens = _tokens(state)
        path: Any = [tokens[k] for k in path_at]
        path = tuple(path) if as_tuple else path
        try:
            quoted = router.get_amounts_out(amount, list(path))[-1]
        except Exception:  # noqa: BLE001 - the swap raises it again, compared
            quoted = 0
        least = {"zero": 0, "exact": quoted, "plus": quoted + 1, "negative": -1}[minimum]
        return _in_context(state, ctx, lambda: router.swap_exact_in(sender, amount, least, path, to, deadline))

    return op


@st.composite
def _create_op(draw: Any) -> Callable[[State, bool], Any]:
    """Create the pool of TKA/TKC, seed it and route through it, in a transaction kept or reverted."""
    revert = draw(st.booleans())
    seed = draw(st.integers(10**20, 10**24))
    amount = draw(st.integers(10**15, 10**21))

    def op(state: State, general: bool) -> Any:
        tokens = _tokens(state)
        factory: Any = state.contract("factory")
        router: Any = state.contract("router")

        def run() -> Any:
            pair = factory.create_pair(tokens[0], tokens[2])
            if general:
                pair.__class__ = GeneralPair
            state.transfer(pair.token0, "wallet", pair.address, seed)
            state.transfer(pair.token1, "wallet", pair.address, seed // 3)
            pair.mint("wallet")
            return router.swap_exact_in("wallet", amount, 0, [tokens[0], tokens[2]], "wallet", FAR)

        return _in_context(state, "revert-wallet" if revert else "tx-wallet", run)

    return op


def _advance_op(seconds: int) -> Callable[[State, bool], Any]:
    return lambda state, general: state.advance(seconds)


V2_OPS = st.one_of(_swap_op(), _route_op(), _create_op(), st.integers(0, 10**6).map(_advance_op), st.just("fork"))


def _route(sender: str, amount: Any, path_at: tuple[int, ...], to: str = "wallet", ctx: str = "none",
           least: Any = 0, deadline: Any = FAR) -> Callable[[State, bool], Any]:
    def op(state: State, general: bool) -> Any:
        tokens = _tokens(state)
        router: Any = state.contract("router")
        path = [tokens[k] for k in path_at]
        return _in_context(state, ctx, lambda: router.swap_exact_in(sender, amount, least, path, to, deadline))

    return op


def _raw_swap(pair_at: str, outs: tuple[Any, Any], to: str, sent: tuple[int, int] = (0, 0),
              ctx: str = "none") -> Callable[[State, bool], Any]:
    def op(state: State, general: bool) -> Any:
        pair: Any = state.contract(pair_at)

        def run() -> Any:
            for token, amount in zip((pair.token0, pair.token1), sent):
                if amount:
                    state.transfer(token, "wallet", pair.address, amount)
            return pair.swap(*outs, to)

        return _in_context(state, ctx, run)

    return op


V2_EDGES = [
    _route("wallet", 2**200, (0, 1)),  # MathOverflow in the quote
    _route("wallet", 2**255, (1, 0), ctx="tx-wallet"),
    _route("wallet", 0, (0, 1)),  # InsufficientInputAmount
    _route("wallet", 10**18, (0, 1), least=10**30),  # Slippage
    _route("wallet", 10**18, (0, 1), deadline=1),  # Expired
    _route("wallet", 10**18, (0, 1), to="far"),  # WrongNetwork
    _route("wallet", 10**18, (0, 1), to="factory:TKA/TKB"),  # a pair receives
    _route("other", 10**18, (0, 1), ctx="tx-wallet"),  # NotTheCaller
    _route("router", 10**18, (0, 1)),  # a contract outside its code
    _route("nobody", 10**18, (0, 1)),
    _route("wallet", 10**40, (0, 1)),  # more than the wallet holds
    _route("wallet", 10**18, (0, 2)),  # no pool
    _route("wallet", 10**18, (2, 1), to="other", ctx="revert-wallet"),
    _raw_swap(PAIRS[0], (0, 10**17), "wallet", sent=(10**18, 10**15)),  # two inputs
    _raw_swap(PAIRS[0], (10**15, 10**17), "wallet", sent=(10**18, 10**18)),  # two outputs
    _raw_swap(PAIRS[0], (0, 10**17), "wallet"),  # no input
    _raw_swap(PAIRS[0], (0, 2 * 10**24), "wallet", sent=(10**18, 0)),  # the whole reserve
    _raw_swap(PAIRS[1], (0, 10**18), "router", sent=(2 * 10**18, 0), ctx="tx-wallet"),
    _raw_swap(PAIRS[1], (0, 10**18), "far", sent=(2 * 10**18, 0)),
    _raw_swap(PAIRS[1], (10**18, 0), "wallet", sent=(0, 10**29)),
    lambda state, general: state.mint(_tokens(state)[0], "wallet", 2**113),
    _raw_swap(PAIRS[0], (0, 10**18), "wallet", sent=(2**112, 0)),  # ReserveOverflow
]


def run_twins(make, ops) -> None:
    """Apply ``ops`` (an operation, or "fork") to the twin worlds ``make`` builds, then compare them."""
    twins = Twins(make)
    for op in ops:
        if op == "fork":
            twins.fork()
        else:
            twins.step(op)
    twins.finish()


class TestV2AgainstGeneralPaths:
    def test_edge_cases(self):
        run_twins(_v2, V2_EDGES)

    @settings(max_examples=150, deadline=None)
    @given(ops=st.lists(V2_OPS, min_size=1, max_size=30))
    def test_twin_worlds_agree(self, ops):
        run_twins(_v2, ops)

    def test_a_pool_created_again_after_a_revert_is_the_one_routed(self):
        """The router remembers a pool it routed through; a revert that removes the pool, and
        a pool created again at another address, are seen (the general path looks it up)."""
        twins = Twins(_v2)

        def create(address: str, revert: bool) -> Callable[[State, bool], Any]:
            def op(state: State, general: bool) -> Any:
                tokens = _tokens(state)
                factory: Any = state.contract("factory")
                router: Any = state.contract("router")

                def run() -> Any:
                    pair = factory.create_pair(tokens[0], tokens[2], address)
                    if general:
                        pair.__class__ = GeneralPair
                    state.transfer(pair.token0, "wallet", pair.address, 10**22)
                    state.transfer(pair.token1, "wallet", pair.address, 10**21)
                    pair.mint("wallet")
                    return router.swap_exact_in("wallet", 10**18, 0, [tokens[0], tokens[2]], "wallet", FAR)

                return _in_context(state, "revert-wallet" if revert else "tx-wallet", run)

            return op

        def route(state: State, general: bool) -> Any:
            tokens = _tokens(state)
            router: Any = state.contract("router")
            return router.swap_exact_in("wallet", 10**18, 0, [tokens[0], tokens[2]], "wallet", FAR)

        twins.step(create("first", revert=True))
        twins.step(route)  # no pool now: InvalidPath on both
        twins.step(create("second", revert=False))
        twins.step(route)
        twins.fork()
        twins.step(route)
        twins.finish()
        fast = twins.states[0]
        tokens = _tokens(fast)
        second: Any = fast.contract("second")
        token_c = second.token0 if second.token0 is tokens[2] else second.token1
        assert fast.balance_of(token_c, "second") < 10**21  # the routed pool paid out


# --- StableSwap.exchange and get_dy ---------------------------------------------------------------

E18 = 10**18
POOLS = ("plain", "rated", "three")


def _stable(general: bool) -> State:
    """Three pools: WETH/stETH with a 50% admin fee; WETH/wstETH rated by a feed, no admin fee; a
    3-coin pool with a 6-decimal coin. ``trader``, ``lp`` and the contract ``c`` hold coins."""
    state = State()
    state.add_network("ethereum")
    state.add_network("arbitrum")
    coins = [state.add_token("ethereum", s, d) for s, d in (("WETH", 18), ("stETH", 18), ("wstETH", 18), ("USDC", 6))]
    for name in ("lp", "trader", "other"):
        state.add_account(name)
    ManualFeed.deploy(state, "c", "ethereum", base="A", quote="B", answer=1)  # a contract that acts
    ManualFeed.deploy(state, "far", "arbitrum", base="A", quote="B", answer=1)
    feed = ManualFeed.deploy(state, "rate", "ethereum", base="wstETH", quote="stETH", answer=115 * 10**16)
    for name in ("lp", "trader", "c"):
        for coin in coins:
            state.mint(coin, name, 10**30)
    pools = [
        StableSwap.deploy(state, "plain", "ethereum", coins[:2], A=30, fee=4_000_000, admin_fee=5 * 10**9),
        StableSwap.deploy(state, "rated", "ethereum", [coins[0], coins[2]], A=100, fee=1_000_000, admin_fee=0,
                          rates=[None, feed.address]),
        StableSwap.deploy(state, "three", "ethereum", [coins[0], coins[1], coins[3]], A=200, fee=3_000_000,
                          admin_fee=10**10),
    ]
    pools[0].add_liquidity("lp", [235_285 * E18, 241_954 * E18], 0)
    pools[1].add_liquidity("lp", [1_000 * E18, 900 * E18], 0)
    pools[2].add_liquidity("lp", [500 * E18, 400 * E18, 450 * 10**6], 0)
    if general:
        for pool in pools:
            pool.__class__ = GeneralStableSwap
    return state


@st.composite
def _exchange_op(draw: Any) -> Callable[[State, bool], Any]:
    pool_at = draw(st.sampled_from(POOLS))
    coins = 3 if pool_at == "three" else 2
    i, j = draw(_mostly([(a, b) for a in range(coins) for b in range(coins) if a != b],
                        [(1, 1), (0, 3), (-1, 0), (True, 0), (1.0, 0), (0, False)]))
    dx: Any = draw(_mostly_from(st.integers(1, 10**24), st.integers(1, 10**6),
                                rare=[0, -1, 1.0, True, 2**256, 10**29]))
    minimum = draw(_mostly(["zero", "exact"], ["plus", "negative", "huge"]))
    ctx = draw(st.sampled_from(["none", "tx-trader", "revert-trader", "callback"]))
    sender = draw(_mostly(["c" if ctx == "callback" else "trader"], ["trader", "c", "lp", "other", "nobody", "far",
                                                                      "plain"]))

    def op(state: State, general: bool) -> Any:
        pool: Any = state.contract(pool_at)
        assert isinstance(pool, GeneralStableSwap) is general
        try:
            quoted = pool.get_dy(i, j, dx)
        except Exception:  # noqa: BLE001 - the exchange raises it again, compared
            quoted = 0
        least = {"zero": 0, "exact": quoted, "plus": quoted + 1, "negative": -1, "huge": 2**256}[minimum]
        if ctx == "callback":  # a contract's own code calls the pool
            return pool.call_back("far" if sender == "far" else "c", pool.exchange, sender, i, j, dx, least)
        return _in_context(state, ctx, lambda: pool.exchange(sender, i, j, dx, least))

    return op


@st.composite
def _quote_op(draw: Any) -> Callable[[State, bool], Any]:
    pool_at = draw(st.sampled_from(POOLS))
    i, j = draw(st.sampled_from([(0, 1), (1, 0), (0, 2), (2, 1), (1, 1), (0, 3)]))
    dx: Any = draw(st.one_of(st.integers(1, 10**25), st.sampled_from([0, 1, -5, 2.0])))
    return lambda state, general: state.contract(pool_at).get_dy(i, j, dx)  # type: ignore[attr-defined]


@st.composite
def _govern_op(draw: Any) -> Callable[[State, bool], Any]:
    pool_at = draw(st.sampled_from(POOLS))
    what = draw(st.sampled_from(["ramp", "stop", "fee", "admin_fee", "rate"]))
    value = draw(st.integers(1, 10**9))

    def op(state: State, general: bool) -> Any:
        pool: Any = state.contract(pool_at)
        if what == "ramp":
            state.advance(86_400)
            return pool.ramp_A(value % 500 + 10, state.now + 86_400 * (1 + value % 3))
        if what == "stop":
            return pool.stop_ramp_A()
        if what == "rate":
            return state.contract("rate").set(10**18 + value * 10**8)  # type: ignore[attr-defined]
        return pool.set_param(what, value % 5 * 10**9 // 4 if what == "admin_fee" else value % 10**7)

    return op


STABLE_OPS = st.one_of(_exchange_op(), _exchange_op(), _quote_op(), _govern_op(),
                       st.integers(0, 2 * 86_400).map(_advance_op), st.just("fork"))


def _exchange(pool_at: str, sender: str, i: Any, j: Any, dx: Any, least: Any = 0, ctx: str = "none",
              receiver: str | None = None) -> Callable[[State, bool], Any]:
    def op(state: State, general: bool) -> Any:
        pool: Any = state.contract(pool_at)
        if receiver is not None:
            return pool.call_back(receiver, pool.exchange, sender, i, j, dx, least)
        return _in_context(state, ctx, lambda: pool.exchange(sender, i, j, dx, least))

    return op


STABLE_EDGES = [
    _exchange("plain", "far", 0, 1, E18, receiver="far"),  # WrongNetwork: a contract of another network
    _exchange("plain", "c", 0, 1, E18, receiver="c"),
    _exchange("plain", "trader", 0, 1, E18, receiver="c"),  # NotTheCaller
    _exchange("plain", "c", 0, 1, E18),  # a contract outside its code
    _exchange("plain", "trader", 0, 1, 1),  # too small to buy anything
    _exchange("three", "trader", 0, 2, 10**21, ctx="tx-trader"),  # admin fee in a 6-decimal coin
    _exchange("three", "trader", 2, 1, 10**9, ctx="revert-trader"),
    _exchange("rated", "trader", 1, 0, 10**20),
    _exchange("rated", "trader", 0, 1, 10**20, least=10**30),  # Slippage
    _exchange("plain", "trader", 1, 0, 10**29),
    _exchange("plain", "nobody", 1, 0, E18),
    _exchange("plain", "plain", 1, 0, E18),
]


class TestStableSwapAgainstGeneralPaths:
    def test_edge_cases(self):
        run_twins(_stable, STABLE_EDGES)

    @settings(max_examples=150, deadline=None)
    @given(ops=st.lists(STABLE_OPS, min_size=1, max_size=30))
    def test_twin_worlds_agree(self, ops):
        run_twins(_stable, ops)
