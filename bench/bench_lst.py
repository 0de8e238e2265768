"""lst/ benchmarks: oracle reports must not touch holders; submits next to plain transfers."""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import Row, Workload, measure
from chain import State
from lst import Issuer

ETH = 10**18
DAYS = 365
N_SUBMITS = 4_000
"""Operations per timed round."""


def _world(holders: int) -> tuple[State, Issuer]:
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for name in ("dao", "treasury"):
        state.add_account(name)
    state.mint(weth, "dao", 10**30)
    issuer = Issuer.deploy(
        state, "lido", "ethereum", native=weth, funder="dao", bootstrap=ETH, treasury="treasury"
    )
    for i in range(4):
        state.add_account(f"op{i}")
        issuer.add_operator(f"op{i}", f"op{i}")
    for i in range(holders):
        name = f"h{i}"
        state.add_account(name)
        state.mint(weth, name, 64 * ETH)
        issuer.submit(name, 32 * ETH + i)
    issuer.deposit()
    state.drain_events()
    return state, issuer


def _year_of_reports(state: State, issuer: Issuer) -> None:
    report, advance = issuer.report, state.advance
    for _ in range(DAYS):
        advance(86_400)
        pool = issuer.pool()
        report(
            pool.cl_balance
            + (pool.deposited_validators - pool.cl_validators) * issuer.size
            + pool.deposited_validators * 32 * ETH * 3 // 100 // 365
        )


def reports() -> Iterator[Row]:
    """A year of daily oracle reports with 10,000 holders against the same with 10: flat."""
    big_state, big = _world(10_000)
    small_state, small = _world(10)
    t = measure({"big": Workload(lambda: _year_of_reports(big_state, big), DAYS, big_state.drain_events),
                 "small": Workload(lambda: _year_of_reports(small_state, small), DAYS, small_state.drain_events)})
    yield Row("daily report for a year, 10,000 holders", t["big"], "same with 10 holders", t["small"],
              note="flat: a report touches no holder")


def submits() -> Iterator[Row]:
    """``submit`` (checked, atomic, with events) against a bare ledger transfer."""
    state, issuer = _world(0)
    weth = issuer.native
    for i in range(2):
        state.add_account(f"u{i}")
        state.mint(weth, f"u{i}", 10**30)

    def submit_many() -> None:
        submit = issuer.submit
        for _ in range(N_SUBMITS):
            submit("u0", ETH)

    def transfer_many() -> None:
        transfer = state.transfer
        for _ in range(N_SUBMITS):
            transfer(weth, "u1", "u0", ETH)

    t = measure({"submit": Workload(submit_many, N_SUBMITS, state.drain_events),
                 "transfer": Workload(transfer_many, N_SUBMITS, state.drain_events)})
    yield Row("submit (checked, atomic, events)", t["submit"], "ledger transfer, bare", t["transfer"])


def transfers() -> Iterator[Row]:
    """An stETH transfer in its rebasing view against a ledger transfer of shares."""
    state, issuer = _world(2)

    def rebasing() -> None:
        transfer = issuer.transfer
        for _ in range(N_SUBMITS):
            transfer("h0", "h1", 10**15)

    def shares() -> None:
        transfer, token = state.transfer, issuer.token
        for _ in range(N_SUBMITS):
            transfer(token, "h1", "h0", 10**15)

    t = measure({"rebasing": Workload(rebasing, N_SUBMITS, state.drain_events),
                 "shares": Workload(shares, N_SUBMITS, state.drain_events)})
    yield Row("stETH transfer (rebasing view)", t["rebasing"], "ledger transfer of shares", t["shares"])


CASES = [reports, submits, transfers]
