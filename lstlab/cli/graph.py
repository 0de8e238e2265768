"""``lstlab graph``: the default world's state graph as JSON or GraphML."""

from __future__ import annotations

import io
import json

import click

from lstlab.cli.app import main_group
from lstlab.cli.params import out_file


@main_group.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of stdout.")
def graph(fmt, out) -> None:
    """The state graph of the default world (networks, tokens, accounts, contracts, positions,
    dependencies) as node-link JSON or GraphML."""
    import networkx as nx

    from chain.graph import to_json
    from lstlab.world import default_world

    target = out_file(out) if out else None
    world = default_world()
    if fmt == "json":
        text = json.dumps(to_json(world.state), default=str, indent=1)
    else:
        g = world.state.graph().copy()
        attributes = [data for _, data in g.nodes(data=True)] + [data for *_, data in g.edges(data=True)]
        for data in attributes:
            for key, value in data.items():
                if not isinstance(value, (str, float, bool)):
                    data[key] = str(value)
        buffer = io.BytesIO()
        nx.write_graphml(g, buffer)
        text = buffer.getvalue().decode()
    if target is not None:
        target.write_text(text)
        click.echo(f"wrote {target}", err=True)
    else:
        click.echo(text)
