"""The state as a graph, for auditors: who holds what, what depends on what, where loops are.

Nodes are strings: an address (``type`` = ``account`` or ``contract``), ``token:<network>:<symbol>``
(``type`` = ``token``) and ``network:<name>`` (``type`` = ``network``). Edges carry ``kind``:

- ``holds`` (holder -> token, ``amount``): every non-zero balance;
- ``on`` (token or contract -> network);
- every dependency declared with ``state.depend(src, dst, kind)``;
- every edge a contract adds in ``graph_edges()`` (positions: supplied, borrowed, staked...).

The queries read the graph built by ``state.graph()`` (cached per state version).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain.model import Token

if TYPE_CHECKING:
    import networkx as nx

    from chain.state import State

STRUCTURAL = frozenset({"on"})
"""Edge kinds that place things rather than expose them; exposure queries skip them."""


def token_node(token: Token) -> str:
    """The graph node of a token."""
    return f"token:{token.key}"


def network_node(name: str) -> str:
    """The graph node of a network."""
    return f"network:{name}"


def build_graph(state: State) -> nx.MultiDiGraph:
    """Build the graph of ``state`` (see module docstring)."""
    import networkx as nx  # imported on first use: a run that never asks for the graph never loads it

    graph = nx.MultiDiGraph()
    for network in state.networks:
        graph.add_node(network_node(network.name), type="network", block_time=network.block_time)
    for token in state.tokens:
        node = token_node(token)
        graph.add_node(node, type="token", network=token.network, symbol=token.symbol,
                       decimals=token.decimals, supply=state.total_supply(token))
        graph.add_edge(node, network_node(token.network), kind="on")
    for address, home in state._home.items():
        if home is None:
            graph.add_node(address, type="account")
    for info in state.contracts():
        graph.add_node(info.address, type="contract", kind=info.kind, network=info.network)
        graph.add_edge(info.address, network_node(info.network), kind="on")
    for token, book in state._balances.items():
        node = token_node(token)
        for holder, amount in book.items():
            if amount:
                graph.add_edge(holder, node, kind="holds", amount=amount)
    for (src, dst, kind), data in state.dependencies().items():
        graph.add_edge(src, dst, kind=kind, **data)
    for info in state.contracts():
        for src, dst, kind, data in state.contract(info.address).graph_edges():
            graph.add_edge(src, dst, kind=kind, **data)
    return graph


def _exposure_view(graph: nx.MultiDiGraph) -> nx.DiGraph:
    import networkx as nx

    view = nx.DiGraph()
    view.add_nodes_from(graph.nodes(data=True))
    for src, dst, data in graph.edges(data=True):
        if data.get("kind") not in STRUCTURAL:
            view.add_edge(src, dst)
    return view


def holders(state: State, token: Token) -> dict[str, int]:
    """Every holder of ``token`` with its amount, from the graph's ``holds`` edges."""
    graph = state.graph()
    node = token_node(state.require_token(token))
    return {
        src: data["amount"]
        for src, _, data in graph.in_edges(node, data=True)
        if data.get("kind") == "holds"
    }


def exposure(state: State, address: str) -> dict[str, list[str]]:
    """Everything ``address`` is exposed to, each with one shortest path that shows how.

    The path goes through holdings, positions and declared dependencies (contracts, feeds,
    tokens, bridges); placement edges (``on``) are not exposure.
    """
    state.require_address(address)
    import networkx as nx

    view = _exposure_view(state.graph())
    paths: dict[str, list[str]] = nx.single_source_shortest_path(view, address)
    paths.pop(address, None)
    return paths


def exposed_to(state: State, node: str) -> dict[str, list[str]]:
    """Every node that is exposed to ``node`` (a token, feed or contract), with a path."""
    import networkx as nx

    view = _exposure_view(state.graph())
    if node not in view:
        return {}
    paths = nx.single_source_shortest_path(view.reverse(copy=False), node)
    paths.pop(node, None)
    return {src: list(reversed(path)) for src, path in paths.items()}


def cycles(state: State, length_bound: int | None = 8) -> list[list[str]]:
    """Dependency and position loops (e.g. a leveraged loop: user -> market -> token -> user),
    each as a list of nodes starting at its smallest name, shortest first; ``length_bound``
    caps the search."""
    import networkx as nx

    view = _exposure_view(state.graph())
    found = []
    for cycle in nx.simple_cycles(view, length_bound=length_bound):
        start = cycle.index(min(cycle))
        found.append(cycle[start:] + cycle[:start])
    return sorted(found, key=lambda c: (len(c), c))


def to_json(state: State) -> dict[str, Any]:
    """The graph as node-link JSON data (ints stay ints)."""
    import networkx as nx

    data: dict[str, Any] = nx.node_link_data(state.graph(), edges="edges")
    return data
