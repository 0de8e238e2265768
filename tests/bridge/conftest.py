"""A two-network world with a deployed bridge, shared by the bridge tests."""

from __future__ import annotations

import attrs
import pytest

from bridge import L1TokenBridge
from chain import ManualFeed, State, Token

LATENCY = 600
CHALLENGE = 7 * 86_400
RATE_0 = 1_150_000_000_000_000_000


@attrs.define
class World:
    state: State
    bridge: L1TokenBridge
    canonical: Token
    wrapped: Token
    feed: ManualFeed


def make_world(**params: int) -> World:
    """ethereum (12 s blocks) and optimism (2 s blocks), wstETH bridged with ``params``;
    alice holds 1,000 wstETH, bob nothing; a manual wstETH/stETH feed on ethereum."""
    state = State()
    state.add_network("ethereum", block_time=12)
    state.add_network("optimism", block_time=2)
    canonical = state.add_token("ethereum", "wstETH")
    for name in ("alice", "bob", "treasury", "guardian", "dao"):
        state.add_account(name)
    state.mint(canonical, "alice", canonical.units(1000))
    params = {"deposit_latency": LATENCY, "withdrawal_delay": CHALLENGE, **params}
    bridge = L1TokenBridge.deploy(
        state,
        "bridge",
        "ethereum",
        canonical=canonical,
        destination="optimism",
        l2_address="bridge-l2",
        fee_recipient="treasury",
        guardian="guardian",
        admin="dao",
        **params,
    )
    feed = ManualFeed.deploy(state, "rate", "ethereum", base="wstETH", quote="stETH", answer=RATE_0)
    state.drain_events()
    return World(state, bridge, canonical, bridge.wrapped, feed)


@pytest.fixture
def world() -> World:
    return make_world()


def invariant_gap(bridge: L1TokenBridge) -> int:
    """claims - assets - (unbacked + drained): 0 whenever the bridge's invariant holds."""
    backing, totals = bridge.backing(), bridge.totals()
    return backing.claims - backing.assets - totals.unbacked_minted - totals.drained
