"""The ``lstlab`` command line."""

from __future__ import annotations

import click

from chain import LstlabError, State


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """lstlab: exact simulation of DeFi around liquid staking tokens."""


@main.command()
def demo() -> None:
    """Build a tiny chain state, run a transaction that fails, and show it reverted."""
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    alice, bob = state.add_account("alice"), state.add_account("bob")
    state.mint(weth, alice, weth.units(10))
    before = state.digest()
    try:
        with state.tx(alice):
            state.transfer(weth, alice, bob, weth.units(4))
            state.transfer(weth, bob, alice, weth.units(5))
    except LstlabError as err:
        click.echo(f"reverted: {err}")
    click.echo(f"alice {state.balance_of(weth, alice)} wei, bob {state.balance_of(weth, bob)} wei; "
               f"state unchanged: {state.digest() == before}")
