"""``lstlab compare``: liquid staking providers side by side, every figure with its source."""

from __future__ import annotations

from pathlib import Path

import click

from lstlab.cli.app import main_group
from lstlab.report.compare import SIZE


def _provider_names() -> tuple[str, ...]:
    """Every provider a world can deploy (``lst.presets.PROVIDERS``), or the default world's
    own when that registry is absent."""
    from lst import presets

    registry = getattr(presets, "PROVIDERS", None)
    return tuple(registry) if registry else ()


def _world(names: tuple[str, ...]):
    """The default world with ``names`` deployed (``WorldParams.providers``)."""
    import attrs

    from lstlab.world import default_world
    from lstlab.world.params import WorldParams

    params = WorldParams()
    if names and "providers" in attrs.fields_dict(WorldParams):
        params = attrs.evolve(params, providers=names)
    return default_world(params)


def _text(value: float, name: str) -> str:
    if value != value:
        return "unknown"
    if name in ("nakamoto", "peg_days_below_99"):
        return f"{value:.0f}"
    if name == "exit_days":
        return f"{value:.2f}"
    if name == "exit_cost":
        return f"{value * 1e4:.1f} bps"
    return f"{value * 100:.2f}%"


@main_group.command()
@click.option("--providers", type=str, default=None,
              help="Comma-separated provider names (default: every provider preset).")
@click.option("--size", type=click.IntRange(min=1), default=SIZE, show_default=True,
              help="Exit sale in whole native units (ETH, SOL, ATOM) worth of the token.")
@click.option("--out", type=click.Path(file_okay=False), default="lstlab-out", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each figure as {value, source}.")
def compare(providers, size, out, as_json) -> None:
    """One row per liquid staking provider of a world with every provider deployed: APR gross
    and net of fees, time to exit through the protocol, the cost of selling --size in the
    deepest venue, operator concentration, share of the network's stake, restaked share and
    peg statistics. Every figure names its source; unknown ones say why. Writes compare.png
    in --out."""
    import json

    from lstlab.cli.output import json_safe
    from lstlab.report.compare import FIGURES, compare_providers, plot_compare, records

    known = _provider_names()
    names = known
    if providers is not None:
        names = tuple(n.strip() for n in providers.split(",") if n.strip())
        unknown = [n for n in names if known and n not in known]
        if not names or unknown:
            raise click.BadParameter(f"unknown provider {', '.join(unknown) or repr(providers)}: choose from "
                                     f"{', '.join(known) or 'the default world'}", param_hint="'--providers'")
    frame = compare_providers(_world(names), size=size)
    figure = plot_compare(frame, Path(out) / "compare.png", size=size)
    if as_json:
        click.echo(json.dumps(json_safe({"size": size, "providers": records(frame), "plot": str(figure)}), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"providers (exit_cost: sale worth {size:,} native units)", title_justify="left")
    for column in ("figure", *frame["provider"]):
        table.add_column(column, overflow="fold")
    for name in ("network", "exit_venue"):
        table.add_row(name, *[str(v) or "-" for v in frame[name]])
    for name in FIGURES:
        table.add_row(name, *[_text(v, name) for v in frame[name]])
    console.print(table)
    sources = Table(title="sources", title_justify="left")
    for column in ("provider", "figure", "source"):
        sources.add_column(column, overflow="fold")
    for row in frame.to_dict("records"):
        for name in FIGURES:
            sources.add_row(row["provider"], name, row[f"{name}_source"])
    console.print(sources)
    click.echo(f"wrote {figure}", err=True)
