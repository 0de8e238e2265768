"""bridge/ benchmarks: deposit+deliver round trips, batched relays and relayed rate updates."""

from __future__ import annotations

from bench.harness import Row, best_of
from bridge import L1TokenBridge
from chain import ManualFeed, State

N = 10_000


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


def round_trips() -> list[Row]:
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
    t_plain = best_of(transfers, setup=state.drain_events)
    t_trip = best_of(deposit_deliver, setup=state.drain_events)
    t_batch = best_of(lambda: deposit_then_relay(bridge), setup=state.drain_events)
    t_ordered = best_of(lambda: deposit_then_relay(ordered), setup=ordered_state.drain_events)
    return [
        Row("deposit + deliver (fee, limit, message)", N, t_trip, "plain ledger transfer", t_plain),
        Row(
            "10,000 deposits then one relay()",
            N,
            t_batch,
            "deposit + deliver",
            t_trip,
            note="10,000 in flight at once",
        ),
        Row(
            "same with ordered delivery",
            N,
            t_ordered,
            "unordered",
            t_batch,
            note="flat: each delivery checks only the open ids before it",
        ),
    ]


def rate_updates() -> list[Row]:
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

    t_set = best_of(set_only, setup=state.drain_events)
    t_relay = best_of(relay_each, setup=state.drain_events)
    assert relayed.latest().answer == 10**18 + N - 1
    return [Row("rate set on source + push + deliver", N, t_relay, "ManualFeed.set on source", t_set)]


CASES = [round_trips, rate_updates]
