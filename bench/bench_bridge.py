"""bridge/ benchmarks: deposit+deliver round trips, batched relays and relayed rate updates."""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import Row, Workload, measure
from bridge import L1TokenBridge
from chain import ManualFeed, State

N = 2_000
"""Operations per timed round."""


def _world(**params: int) -> tuple[State, L1TokenBridge]:
    state = State()
    state.add_network("ethereum")
    state.add_network("optimism", block_time=2)
    canonical = state.add_token("ethereum", "wstETH")
    for name in ("alice", "bob", "treasury"):
        state.add_account(name)
    state.mint(canonical, "alice", 10**30)
    bridge = L1TokenBridge.deploy(
        state,
        "bridge",
        "ethereum",
        canonical=canonical,
        destination="optimism",
        l2_address="bridge-l2",
        fee_recipient="treasury",
        fee_fixed=1,
        fee_bps=5,
        **params,
    )
    return state, bridge


def round_trips() -> Iterator[Row]:
    """Deposit + deliver round trips, a batch of deposits relayed at once, ordered delivery."""
    state, bridge = _world()
    canonical = bridge.canonical

    def transfers() -> None:
        transfer = state.transfer
        for _ in range(N):
            transfer(canonical, "alice", "bob", 10**18)

    def deposit_deliver() -> None:
        deposit, deliver = bridge.deposit, bridge.deliver
        for _ in range(N):
            deliver(deposit("alice", 10**18, "bob"))

    def deposit_then_relay(bridge: L1TokenBridge) -> None:
        deposit = bridge.deposit
        for _ in range(N):
            deposit("alice", 10**18, "bob")
        bridge.relay()

    ordered_state, ordered = _world(ordered_delivery=1)
    t = measure({
        "plain": Workload(transfers, N, state.drain_events),
        "trip": Workload(deposit_deliver, N, state.drain_events),
        "batch": Workload(lambda: deposit_then_relay(bridge), N, state.drain_events),
        "ordered": Workload(lambda: deposit_then_relay(ordered), N, ordered_state.drain_events),
    })
    yield Row("deposit + deliver (fee, limit, message)", t["trip"], "plain ledger transfer", t["plain"])
    yield Row(f"{N:,} deposits then one relay()", t["batch"], "deposit + deliver", t["trip"],
              note=f"{N:,} in flight at once")
    yield Row("same with ordered delivery", t["ordered"], "unordered", t["batch"],
              note="flat: each delivery checks only the open ids before it")


def rate_updates() -> Iterator[Row]:
    """A rate set on the source feed, pushed and delivered, against the set alone."""
    state, bridge = _world()
    source = ManualFeed.deploy(state, "rate", "ethereum", base="wstETH", quote="stETH", answer=10**18)
    relayed = bridge.deploy_rate_feed("rate-op", "rate")

    def set_only() -> None:
        for i in range(N):
            source.set(10**18 + i)

    def relay_each() -> None:
        push, deliver = bridge.push_rate, bridge.deliver
        for i in range(N):
            source.set(10**18 + i)
            state.advance(1)
            deliver(push("rate-op"))

    t = measure({"set": Workload(set_only, N, state.drain_events),
                 "relay": Workload(relay_each, N, state.drain_events)})
    assert relayed.latest().answer == 10**18 + N - 1
    yield Row("rate set on source + push + deliver", t["relay"], "ManualFeed.set on source", t["set"])


CASES = [round_trips, rate_updates]
