"""chain/ benchmarks: the ledger, transactions, reverts and forks."""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import Row, Workload, measure
from chain import InsufficientBalance, State

N = 20_000
"""Operations per timed round."""


def _world(accounts: int = 2) -> tuple[State, object]:
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for i in range(accounts):
        state.add_account(f"a{i}")
    state.mint(weth, "a0", 10**30)
    return state, weth


def transfers() -> Iterator[Row]:
    """A checked ledger transfer, bare and inside ``state.tx``, against a plain dict update."""
    state, weth = _world()
    book = {"a0": 10**30, "a1": 0}

    def plain_dict() -> None:
        for _ in range(N):
            if book["a0"] < 1:
                raise InsufficientBalance("a0 is out of funds")
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

    t = measure({"dict": Workload(plain_dict, N), "bare": Workload(bare, N, state.drain_events),
                 "tx": Workload(in_tx, N, state.drain_events)})
    yield Row("transfer, bare (checked, with event)", t["bare"], "plain dict update", t["dict"])
    yield Row("transfer inside state.tx", t["tx"], "transfer, bare", t["bare"], target=5.0)


def failed_tx() -> Iterator[Row]:
    """A transaction that fails at its second transfer and reverts, against one that commits."""
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
                    state.transfer(weth, "a0", "a1", 10**40)  # more than a0 holds
            except InsufficientBalance:
                pass

    t = measure({"ok": Workload(ok, N, state.drain_events), "fail": Workload(failing, N, state.drain_events)})
    yield Row("tx that fails midway and reverts", t["fail"], "tx that commits", t["ok"])


def forks() -> Iterator[Row]:
    """``fork()`` of a state with 100,000 funded accounts against copying one 100k-entry dict."""
    state, weth = _world(100_000)
    for i in range(1, 100_000):
        state.transfer(weth, "a0", f"a{i}", 10**18)
    state.drain_events()
    book = {f"a{i}": 10**18 for i in range(100_000)}
    t = measure({"fork": Workload(state.fork), "copy": Workload(lambda: dict(book))})
    yield Row("fork() of 100,000 accounts", t["fork"], "copy of one 100k-entry dict", t["copy"],
              note="target: well under 1 s")


CASES = [transfers, failed_tx, forks]
