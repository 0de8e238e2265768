"""amm/ benchmarks: V2 swap transactions and StableSwap exchanges, each against a baseline
measured in the same run.

- 100,000 swaps, each ``with state.tx(...)``: transfer the input to the pair, then
  ``pair.swap`` (ledger checks, journal, Transfer/Sync/Swap events), against a plain checked
  pair in this file (balances in dicts, the K check, the uint112 check, no journal or events).
- 10,000 StableSwap exchanges (ledger, events) against curvesim's integer ``CurvePool`` when it
  is importable (``pip install curvesim``; it is not a dependency), and against a bare integer
  port of the stETH pool's exchange in this file.
"""

from __future__ import annotations

from amm import Factory, StableSwap
from bench.harness import Row, best_of
from chain import State

N_SWAPS = 100_000
N_EXCHANGES = 10_000
E18 = 10**18
UINT112 = 2**112 - 1
AMOUNT = 10**15


class PlainPair:
    """A checked constant-product pair: balances in dicts, K and uint112 checks, 997/1000 fee."""

    def __init__(self, r0: int, r1: int) -> None:
        self.balances = [{"pair": r0, "user": 10**30}, {"pair": r1, "user": 10**30}]
        self.r0, self.r1 = r0, r1

    def transfer(self, token: int, src: str, dst: str, amount: int) -> None:
        book = self.balances[token]
        if amount < 0 or book[src] < amount:
            raise ValueError("insufficient balance")
        book[src] -= amount
        book[dst] += amount

    def swap(self, out0: int, out1: int, to: str) -> None:
        r0, r1 = self.r0, self.r1
        if not (out0 or out1) or out0 >= r0 or out1 >= r1:
            raise ValueError("bad output")
        if out0:
            self.transfer(0, "pair", to, out0)
        if out1:
            self.transfer(1, "pair", to, out1)
        b0, b1 = self.balances[0]["pair"], self.balances[1]["pair"]
        in0 = b0 - (r0 - out0) if b0 > r0 - out0 else 0
        in1 = b1 - (r1 - out1) if b1 > r1 - out1 else 0
        if not (in0 or in1):
            raise ValueError("no input")
        if (b0 * 1000 - in0 * 3) * (b1 * 1000 - in1 * 3) < r0 * r1 * 1000**2:
            raise ValueError("K")
        if b0 > UINT112 or b1 > UINT112:
            raise ValueError("overflow")
        self.r0, self.r1 = b0, b1


def _amount_out(a: int, r_in: int, r_out: int) -> int:
    return a * 997 * r_out // (r_in * 1000 + a * 997)


def swaps() -> list[Row]:
    state = State()
    state.add_network("ethereum")
    t0, t1 = state.add_token("ethereum", "TKA"), state.add_token("ethereum", "TKB")
    state.add_account("user")
    for t in (t0, t1):
        state.mint(t, "user", 10**30)
    pair = Factory.deploy(state, "factory", "ethereum").create_pair(t0, t1)
    state.transfer(t0, "user", pair.address, 10**24)
    state.transfer(t1, "user", pair.address, 10**24)
    pair.mint("user")
    plain = PlainPair(10**24, 10**24)

    def baseline() -> None:
        for k in range(N_SWAPS):
            r0, r1 = plain.r0, plain.r1
            if k & 1:
                plain.transfer(1, "user", "pair", AMOUNT)
                plain.swap(_amount_out(AMOUNT, r1, r0), 0, "user")
            else:
                plain.transfer(0, "user", "pair", AMOUNT)
                plain.swap(0, _amount_out(AMOUNT, r0, r1), "user")

    def lstlab() -> None:
        tx, transfer, swap, address = state.tx, state.transfer, pair.swap, pair.address
        for k in range(N_SWAPS):
            r0, r1, _ = pair.get_reserves()
            with tx("user"):
                if k & 1:
                    transfer(t1, "user", address, AMOUNT)
                    swap(_amount_out(AMOUNT, r1, r0), 0, "user")
                else:
                    transfer(t0, "user", address, AMOUNT)
                    swap(0, _amount_out(AMOUNT, r0, r1), "user")

    def chain_floor() -> None:
        tx, transfer, address = state.tx, state.transfer, pair.address
        for _ in range(N_SWAPS):
            with tx("user"):  # the user's two tokens in (only the pair's code moves the pair's)
                transfer(t0, "user", address, 1)
                transfer(t1, "user", address, 1)

    t_base = best_of(baseline)
    t_ours = best_of(lstlab, setup=state.drain_events)
    t_floor = best_of(chain_floor, setup=state.drain_events)
    return [
        Row("swap tx (transfer in + pair.swap)", N_SWAPS, t_ours, "plain checked pair (dicts)", t_base,
            note="target <= 3x"),
        Row("chain floor: tx + 2 transfers, no swap", N_SWAPS, t_floor, "plain checked pair (dicts)", t_base,
            note="what state.tx and the ledger cost alone"),
    ]


def _bare_exchange(balances: list[int], i: int, j: int, dx: int, amp: int, fee: int) -> int:
    """StableSwapSTETH.exchange for two 18-decimal coins on a plain list (no ledger)."""
    n = 2
    s = balances[0] + balances[1]
    d, ann = s, amp * n
    for _ in range(255):
        d_p = d * d // (balances[0] * n + 1) * d // (balances[1] * n + 1)
        prev = d
        d = (ann * s // 100 + d_p * n) * d // ((ann - 100) * d // 100 + (n + 1) * d_p)
        if -1 <= d - prev <= 1:
            break
    x = balances[i] + dx
    c = d * d // (x * n) * d * 100 // (ann * n)
    b = x + d * 100 // ann
    y = d
    for _ in range(255):
        prev = y
        y = (y * y + c) // (2 * y + b - d)
        if -1 <= y - prev <= 1:
            break
    dy = balances[j] - y - 1
    dy -= dy * fee // 10**10
    balances[i] += dx
    balances[j] -= dy
    return dy


def exchanges() -> list[Row]:
    state = State()
    state.add_network("ethereum")
    coins = [state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")]
    state.add_account("user")
    for c in coins:
        state.mint(c, "user", 10**30)
    pool = StableSwap.deploy(state, "pool", "ethereum", coins, A=50, fee=4_000_000, admin_fee=0)
    pool.add_liquidity("user", [10**24, 10**24], 0)
    dx = 10**20

    def lstlab() -> None:
        exchange = pool.exchange
        for k in range(N_EXCHANGES):
            exchange("user", k & 1, 1 - (k & 1), dx, 0)

    def bare() -> None:
        balances = [10**24, 10**24]
        for k in range(N_EXCHANGES):
            _bare_exchange(balances, k & 1, 1 - (k & 1), dx, 5000, 4_000_000)

    t_ours = best_of(lstlab, setup=state.drain_events)
    rows = [Row("StableSwap.exchange (ledger, events)", N_EXCHANGES, t_ours, "bare integer port (lists)",
                best_of(bare))]
    try:
        from curvesim.pool.stableswap.pool import CurvePool  # optional, not a dependency
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        rows.append(Row("StableSwap.exchange (ledger, events)", N_EXCHANGES, t_ours, "curvesim CurvePool",
                        t_ours, note=f"curvesim not importable ({type(exc).__name__}): baseline = ours"))
        return rows
    curve = CurvePool(A=50, D=[10**24, 10**24], n=2, fee=4_000_000, admin_fee=0)

    def curvesim_run() -> None:
        for k in range(N_EXCHANGES):
            curve.exchange(k & 1, 1 - (k & 1), dx)

    rows.append(Row("StableSwap.exchange (ledger, events)", N_EXCHANGES, t_ours,
                    "curvesim CurvePool.exchange (gmpy2)", best_of(curvesim_run), note="target <= 1x"))
    return rows


CASES = [swaps, exchanges]
