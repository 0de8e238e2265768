"""``lstlab probe``: thresholds, the cascade of a shock, dependency paths."""

from __future__ import annotations

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import ORACLES, emit

@main_group.command()
@click.option("--shock", type=click.Choice(["steth-depeg", "eth-price", "slashing", "bridge-exploit"]),
              default="steth-depeg", show_default=True)
@click.option("--size", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.05,
              show_default=True, help="The shock as a fraction (0.05 = 5%).")
@click.option("--oracle", type=ORACLES, default="market", show_default=True)
@click.option("--loops", type=int, default=40, show_default=True, help="Seeded loop positions to probe.")
@click.option("--leverage", type=str, default="6:13", show_default=True, help="Their leverage range low:high.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def probe(shock, size, oracle, loops, leverage, seed, as_json) -> None:
    """Which shock liquidates whom: each position's liquidation threshold per risk factor
    (bisection on forks beside the closed form), then the cascade of the shock round by round
    (liquidations, collateral sold, pool and feed price, bad debt), and the dependency paths
    from the shocked node to each liquidated position."""
    from lstlab.audit import probe as probes
    from lstlab.world import default_world
    from lstlab.agents.population import loop_population

    try:
        low, high = (float(x) for x in leverage.split(":"))
    except ValueError:
        raise click.UsageError(f"--leverage {leverage!r} must be low:high") from None
    world = default_world()
    world.set_oracle(oracle)
    accounts = loop_population(world, loops, seed, leverage=(low, high))
    table = probes.thresholds(world, accounts)
    result = probes.cascade(world, shock, size)
    if as_json:
        emit({"shock": shock, "size": size, "oracle": oracle,
              "thresholds": table.to_dict(orient="records"), "rounds": result.rounds.to_dict(orient="records"),
              "liquidated": list(result.liquidated), "paths": result.paths}, True)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for title, frame in ((f"liquidation thresholds ({oracle} oracle)", table),
                         (f"cascade: {shock} of {size:g}", result.rounds)):
        view = Table(title=title)
        for column in frame.columns:
            view.add_column(str(column))
        for record in frame.itertuples(index=False):
            view.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in record))
        console.print(view)
    console.print(f"{len(result.liquidated)} positions liquidated")
    for account in list(result.paths)[:5]:
        console.print(f"  {account}: {' -> '.join(result.paths[account])}")
