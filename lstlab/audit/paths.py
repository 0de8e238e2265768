"""Dependency paths: from a shocked feed, contract or token to the positions it reaches
(``chain.exposed_to`` on the world's state graph). Writes nothing."""

from __future__ import annotations

from collections.abc import Iterable

import chain
from lstlab.audit.factors import borrowers
from lstlab.world.build import World


def paths(world: World, node: str, accounts: Iterable[str] | None = None) -> dict[str, list[str]]:
    """``chain.exposed_to`` from ``node`` (a feed, contract or token node) restricted to
    ``accounts`` (default: every borrower of the Ethereum market): account -> list of nodes
    from it to ``node``."""
    exposed = chain.exposed_to(world.state, node)
    wanted = borrowers(world) if accounts is None else list(accounts)
    return {a: exposed[a] for a in wanted if a in exposed}


__all__ = ["paths"]
