"""``lstlab compare``: liquid staking providers side by side, every figure with its source."""

from __future__ import annotations

import math

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import wrote
from lstlab.cli.params import out_help, target_dir
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


LABELS = {
    "network": "network", "exit_venue": "deepest venue", "apr_gross": "APR gross", "fee": "fee (of rewards)",
    "apr_net": "APR net of fee", "exit_days": "exit time", "exit_cost": "exit cost", "largest_operator":
    "largest operator", "herfindahl": "herfindahl (0-1)", "nakamoto": "nakamoto", "network_share": "network share",
    "restaked": "restaked", "peg_worst_discount": "worst discount", "peg_days_below_99": "days below 0.99",
}
"""Each figure's row label (``--json`` keeps the figure names of lstlab.report.compare)."""


def _text(value: float, name: str) -> str:
    """A figure as people read it, its unit with it; a NaN figure is ``unknown`` (its source
    in the second table says why)."""
    if math.isnan(value):
        return "unknown"
    if name == "nakamoto":
        return f"{value:.0f}"
    if name == "peg_days_below_99":
        return f"{value:,.0f} days"
    if name == "exit_days":
        return f"{value:.2f} days"
    if name == "exit_cost":
        return f"{value * 1e4:.1f} bps"
    if name == "herfindahl":
        return f"{value:.4f}"
    return f"{value * 100:.2f}%"


@main_group.command()
@click.option("--providers", type=str, default=None,
              help="Comma-separated provider names (default: every provider preset).")
@click.option("--size", type=click.IntRange(min=1), default=SIZE, show_default=True,
              help="Exit sale in whole native units (ETH, SOL, ATOM) worth of the token.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help=out_help("compare"))
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
    directory = target_dir(out, "compare")
    figure = plot_compare(frame, directory / "compare.png", size=size)
    if as_json:
        click.echo(json.dumps(json_safe({"size": size, "providers": records(frame), "plot": str(figure)}), indent=2))
        return
    from lstlab.report.tables import Column, render

    rows = [[LABELS[name], *[str(v) or "-" for v in frame[name]]] for name in ("network", "exit_venue")]
    rows += [[LABELS[name], *[_text(v, name) for v in frame[name]]] for name in FIGURES]
    columns = [Column("figure"), *(Column(p) for p in frame["provider"])]
    click.echo(render(columns, rows, title=f"liquid staking providers side by side (exit cost: selling {size:,} "
                      "native units' worth; unknown: see its source below)"))
    click.echo()
    sources = []
    for row in frame.to_dict("records"):
        for k, name in enumerate(FIGURES):
            sources.append([row["provider"] if k == 0 else "", LABELS[name], row[f"{name}_source"]])
    click.echo(render([Column("provider", wrap=False), Column("figure", wrap=False), Column("source")], sources,
                      title="where each figure comes from"))
    wrote(directory, [figure.name])
