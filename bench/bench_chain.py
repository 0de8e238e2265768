"""chain/ benchmarks: the ledger, transactions, reverts and forks."""

from __future__ import annotations

from bench.harness import Row, best_of
from chain import State

N = 100_000


def _world(accounts: int = 2) -> tuple[State, object]:
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for i in range(accounts):
        state.add_account(f"a{i}")
    state.mint(weth, "a0", 10**30)
    return state, weth


def transfers() -> list[Row]:
    state, weth = _world()
    book = {"a0": 10**30, "a1": 0}

    def plain_dict() -> None:
        for _ in range(N):
            if book["a0"] < 1:
                raise ValueError
            book["a0"] -= 1
            book["a1"] += 1

    def bare() -> None:
        transfer = state.transfer
        for _ in range(N):
            transfer(weth, "a0", "a1", 1)

    def in_tx() -> None:
        transfer, tx = state.transfer, state.tx
        for _ in range(N):
            with tx("a0"):
                transfer(weth, "a0", "a1", 1)

    t_dict = best_of(plain_dict)
    t_bare = best_of(bare, setup=state.drain_events)
    t_tx = best_of(in_tx, setup=state.drain_events)
    return [
        Row("transfer, bare (checked, with event)", N, t_bare, "plain dict update", t_dict),
        Row("transfer inside state.tx", N, t_tx, "transfer, bare", t_bare, note="target <= 5x"),
    ]


def failed_tx() -> list[Row]:
    state, weth = _world()

    def ok() -> None:
        for _ in range(N):
            with state.tx("a0"):
                state.transfer(weth, "a0", "a1", 1)

    def failing() -> None:
        for _ in range(N):
            try:
                with state.tx("a0"):
                    state.transfer(weth, "a0", "a1", 1)
                    state.transfer(weth, "a1", "a0", 10**40)
            except Exception:
                pass

    t_ok = best_of(ok, setup=state.drain_events)
    t_fail = best_of(failing, setup=state.drain_events)
    return [Row("tx that fails midway and reverts", N, t_fail, "tx that commits", t_ok)]


def forks() -> list[Row]:
    state, weth = _world(100_000)
    for i in range(1, 100_000):
        state.transfer(weth, "a0", f"a{i}", 10**18)
    state.drain_events()
    t_fork = best_of(state.fork, repeat=5)
    book = dict(state._balances[weth])
    t_copy = best_of(lambda: dict(book), repeat=5)
    return [Row("fork() of 100,000 accounts", 1, t_fork, "copy of one 100k-entry dict", t_copy,
                note="target well under 1 s")]


CASES = [transfers, failed_tx, forks]
