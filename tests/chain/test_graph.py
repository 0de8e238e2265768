"""state.graph() and its queries on a small hand-built world."""

from __future__ import annotations

import json

import pytest

from chain import Contract, State, cycles, exposed_to, exposure, holders, token_node
from chain.graph import to_json


class Market(Contract):
    """A test contract that reports positions as graph edges."""

    kind = "test.market"

    def graph_edges(self):
        for (tag, user), amount in self._records().items():
            if tag == "debt":
                yield self.address, user, "lent-to", {"amount": amount}


@pytest.fixture
def world():
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    wst = state.add_token("ethereum", "wstETH")
    for name in ("alice", "bob", "carol"):
        state.add_account(name)
    market = state.register_contract(Market(state, "market", "ethereum"))
    state.register_contract(Contract(state, "feed", "ethereum"))
    state.register_contract(Contract(state, "issuer", "ethereum"))
    state.mint(weth, "alice", 5)
    state.mint(weth, "market", 100)
    state.mint(wst, "market", 40)
    state.mint(wst, "bob", 2)
    state.depend("alice", "market", "supplied", asset="wstETH", amount=40)
    state.depend("market", "feed", "prices-with")
    state.depend("feed", "issuer", "reads-rate")
    state.depend(token_node(wst), "issuer", "issued-by")
    market._store(("debt", "alice"), 30)
    return state, weth, wst


def test_holders(world):
    state, weth, wst = world
    assert holders(state, weth) == {"alice": 5, "market": 100}
    assert holders(state, wst) == {"market": 40, "bob": 2}


def test_exposure_with_paths(world):
    """alice is exposed to the issuer through her supply, the market's feed and its rate."""
    state, _, wst = world
    paths = exposure(state, "alice")
    # two shortest routes exist: through the market's feed, or through the wstETH it holds
    assert paths["issuer"] in (["alice", "market", "feed", "issuer"],
                               ["alice", "market", token_node(wst), "issuer"])
    assert paths[token_node(wst)] == ["alice", "market", token_node(wst)]
    assert "carol" not in paths and "network:ethereum" not in paths
    assert exposure(state, "carol") == {}


def test_exposed_to_issuer(world):
    state, _, _ = world
    exposed = exposed_to(state, "issuer")
    assert set(exposed) == {"alice", "bob", "market", "feed", token_node(world[2])}
    assert exposed["bob"] == ["bob", token_node(world[2]), "issuer"]


def test_cycles_find_the_loop(world):
    """alice supplies to the market and the market lends to alice: a loop."""
    state, _, _ = world
    assert cycles(state) == [["alice", "market"]]


def test_graph_cached_per_version_and_json(world):
    state, weth, _ = world
    first = state.graph()
    assert state.graph() is first
    state.transfer(weth, "alice", "carol", 1)
    second = state.graph()
    assert second is not first
    assert second.has_edge("carol", token_node(weth))
    data = to_json(state)
    json.dumps(data)
    assert any(n["id"] == "market" and n["kind"] == "test.market" for n in data["nodes"])
