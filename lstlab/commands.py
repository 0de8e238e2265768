"""The commands of ``lstlab``: loop, backtest, graph (probe, run, sweep and report live in
their own modules and register here too)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click

from chain import WAD
from lstlab.cli import emit, json_safe, main_group, progress_bar

ORACLES = click.Choice(["exchange-rate", "market"])


def _target(leverage: float | None, health: float | None) -> dict[str, float | None]:
    if leverage is None and health is None:
        return {"leverage": 5.0, "health": None}
    if leverage is not None and health is not None:
        raise click.UsageError("give --leverage or --health, not both")
    return {"leverage": leverage, "health": health}


@main_group.command()
@click.option("--leverage", type=float, help="Target leverage (collateral / equity). Default 5.")
@click.option("--health", type=float, help="Target health factor instead of a leverage.")
@click.option("--equity", type=float, default=100.0, show_default=True, help="Equity in ETH.")
@click.option("--oracle", type=ORACLES, default="exchange-rate", show_default=True,
              help="How the market prices wstETH.")
@click.option("--staking-apr", type=float, default=None, help="Staking APR (default: the world's, 3.5%).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def loop(leverage, health, equity, oracle, staking_apr, as_json) -> None:
    """A wstETH/WETH loop on the default world: closed form and simulation side by side.

    The loop is opened in one transaction with a flash loan, then simulated for a year of
    daily oracle reports to measure its net APY.
    """
    from lending.risk import liquidation_ratio
    from lstlab import closed_form, strategies, worlds
    from lstlab.params import WorldParams

    world = worlds.default(WorldParams())
    world.set_oracle(oracle)
    apr = world.params.lst.staking_apr if staking_apr is None else staking_apr
    target = _target(leverage, health)
    ltv, lt = strategies.emode_figures(world)
    lev = target["leverage"] or closed_form.leverage_for_health(target["health"], lt)
    closed_form.check_leverage(lev, ltv)
    account, amount = "strategist", int(equity * WAD)
    world.fund(world.weth, account, amount)
    opened = strategies.open_flash(world, account, amount, leverage=lev)
    m = world.market
    borrow_apr = m.reserve_state(world.weth).variable_borrow_rate / 1e27
    price_ratio = m.price(world.wsteth) / m.price(world.weth)
    liq = liquidation_ratio(m, account, world.wsteth, world.weth)
    year = world.fork()
    for _ in range(365):
        year.state.advance(86_400)
        year.report_rewards(apr)
    after = strategies.figures(year, account)
    rows = {
        "leverage": (lev, opened.leverage),
        "health factor": (closed_form.health_factor(lev, lt), opened.health_factor),
        "liquidation ratio (of today's wstETH/WETH price)": (
            closed_form.liquidation_ratio(lev, lt), liq / WAD / price_ratio if liq else 0.0),
        "net APY on equity": (closed_form.net_apy(lev, apr, borrow_apr), after.equity_eth / opened.equity_eth - 1),
        "maximum leverage (1/(1-LTV))": (closed_form.max_leverage(ltv), None),
    }
    info = {"equity_eth": equity, "oracle": oracle, "staking_apr": apr, "borrow_apr": borrow_apr,
            "emode_ltv": ltv, "emode_lt": lt, "collateral_wsteth": opened.collateral_wsteth / WAD,
            "debt_weth": opened.debt_weth / WAD}
    if as_json:
        emit({**info, "figures": {k: {"closed_form": a, "simulated": b} for k, (a, b) in rows.items()}}, True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{lev:g}x wstETH/WETH loop, {equity:g} ETH equity, {oracle} oracle")
    for column in ("figure", "closed form", "simulated"):
        table.add_column(column)
    for name, (a, b) in rows.items():
        table.add_row(name, f"{a:.6g}", "" if b is None else f"{b:.6g}")
    Console().print(table)
    emit(info, False, "inputs")


def _load_table(data: str | None, start: str | None, end: str | None, synthetic: bool, seed: int,
                days: int, volatility: float, depeg: float):
    from lstlab.data import default_path
    from lstlab.prices import load_prices
    from lstlab.synthetic import Depeg, SyntheticPath

    if synthetic:
        if data:
            raise click.UsageError("give --data or --synthetic, not both")
        shocks = (Depeg(start_day=days / 2, depth=depeg),) if depeg > 0 else ()
        return SyntheticPath(days=days, volatility=volatility, depegs=shocks).table(seed)
    return load_prices(data or default_path(), start=start, end=end)


@main_group.command()
@click.option("--data", type=str, default=None, help="Price table (CSV or Parquet). Default: the shipped 2021-2023 daily data.")
@click.option("--start", type=str, default=None, help="First date to use (e.g. 2022-05-01).")
@click.option("--end", type=str, default=None, help="Last date to use.")
@click.option("--leverage", type=float, help="Loop leverage (default 5).")
@click.option("--health", type=float, help="Open at this health factor instead.")
@click.option("--equity", type=float, default=100.0, show_default=True, help="Equity in ETH.")
@click.option("--oracle", type=ORACLES, default="exchange-rate", show_default=True)
@click.option("--band", type=str, default=None, help="Rebalance band low:target:high, e.g. 1.03:1.06:1.15.")
@click.option("--synthetic", is_flag=True, help="Use a seeded synthetic path instead of data.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--days", type=int, default=365, show_default=True, help="Synthetic path length.")
@click.option("--volatility", type=float, default=0.8, show_default=True, help="Synthetic ETH volatility.")
@click.option("--depeg", type=float, default=0.0, show_default=True, help="Synthetic depeg depth mid-path.")
@click.option("--no-agents", is_flag=True, help="Run without the arbitrageur and the liquidator.")
@click.option("--out", type=click.Path(file_okay=False), default="lstlab-out", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def backtest(data, start, end, leverage, health, equity, oracle, band, synthetic, seed, days, volatility,
             depeg, no_agents, out, as_json) -> None:
    """Backtest a leveraged loop over a price table; write metrics, plots and a report."""
    from lstlab import report, strategies
    from lstlab.backtest import Backtest, LoopConfig, leverage_limits

    table = _load_table(data, start, end, synthetic, seed, days, volatility, depeg)
    target = _target(leverage, health)
    rebalance = None
    if band:
        try:
            low, mid, high = (float(x) for x in band.split(":"))
        except ValueError:
            raise click.UsageError(f"--band {band!r} must be low:target:high") from None
        rebalance = strategies.Band(low, high, mid)
    config = LoopConfig(leverage=target["leverage"], health=target["health"], equity_eth=equity, band=rebalance)
    test = Backtest(table, config, oracle=oracle, agents=[] if no_agents else None)
    limits = leverage_limits(test.world, table)
    bar, update = progress_bar(len(table.frame), "backtest")
    with bar:
        result = test.run(update)
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    result.metrics.to_csv(directory / "metrics.csv")
    images = report.plot(result.metrics, directory)
    summary = {**result.summary, **limits, "oracle": oracle, "data": table.source}
    page = report.write_html(directory / "report.html", "lstlab backtest",
                             {"Summary": summary}, images, table.quality.lines())
    (directory / "summary.json").write_text(json.dumps(json_safe(summary), indent=2))
    summary["written"] = str(page)
    if not as_json:
        for line in table.quality.lines()[1:]:
            click.echo(f"data: {line}", err=True)
    emit(summary, as_json, "backtest summary")


@main_group.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of stdout.")
def graph(fmt, out) -> None:
    """The state graph of the default world (networks, tokens, accounts, contracts, positions,
    dependencies) as node-link JSON or GraphML."""
    import networkx as nx

    from chain.graph import to_json
    from lstlab import worlds

    world = worlds.default()
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
    if out:
        Path(out).write_text(text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text)


__all__ = ["backtest", "graph", "loop", "probe"]


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
    from lstlab import probe as probes
    from lstlab import worlds
    from lstlab.agents.population import loop_population

    try:
        low, high = (float(x) for x in leverage.split(":"))
    except ValueError:
        raise click.UsageError(f"--leverage {leverage!r} must be low:high") from None
    world = worlds.default()
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
