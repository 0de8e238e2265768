"""``lstlab probe``: thresholds, the cascade of a shock, dependency paths."""

from __future__ import annotations

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import ORACLES, emit
from lstlab.cli.params import LOOPS, SEED, leverage_range


@main_group.command()
@click.option("--shock", type=click.Choice(["steth-depeg", "eth-price", "slashing", "bridge-exploit"]),
              default="steth-depeg", show_default=True)
@click.option("--size", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.05,
              show_default=True, help="The shock as a fraction (0.05 = 5%).")
@click.option("--oracle", type=ORACLES, default="market", show_default=True)
@click.option("--loops", type=LOOPS, default=40, show_default=True, help="Seeded loop positions to probe.")
@click.option("--leverage", type=str, default="6:13", show_default=True, help="Their leverage range low:high.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def probe(shock, size, oracle, loops, leverage, seed, as_json) -> None:
    """Which shock liquidates whom: each position's liquidation threshold per risk factor
    (bisection on forks beside the closed form), then the cascade of the shock round by round
    (the shock moves every venue through the arbitrageur; each round the liquidator sweeps
    every market and the venues are re-aligned), and the dependency paths from the shocked
    node to each liquidated position."""
    from lstlab import audit
    from lstlab.agents.population import loop_population
    from lstlab.world import default_world

    low, high = leverage_range(leverage)
    world = default_world()
    world.set_oracle(oracle)
    accounts = loop_population(world, loops, seed, leverage=(low, high))
    table = audit.thresholds(world, accounts)
    result = audit.cascade(world, shock, size)
    if as_json:
        emit({"shock": shock, "size": size, "oracle": oracle,
              "thresholds": table.to_dict(orient="records"),
              "rounds": result.rounds.to_dict(orient="records"),
              "markets": result.by_market().to_dict(orient="records"),
              "pools": result.by_pool().to_dict(orient="records"),
              "liquidated": list(result.liquidated), "paths": result.paths}, True)
        return
    _print(table, result, f"liquidation thresholds ({oracle} oracle)", f"cascade: {shock} of {size:g}")


SYSTEM = ("round", "liquidations", "debt_repaid_eth", "collateral_seized_eth", "liquidator_profit_eth",
          "reference_steth_eth", "feed_steth_eth", "arb_trades", "arb_volume_eth", "bad_debt_eth",
          "bad_debt_usd")
"""The cascade's system-wide columns, in the order shown."""


ARB_REASONS = {"fee_band": "inside its fee band (no trade pays)", "inventory": "short of inventory",
               "unprofitable_gas": "not worth the gas", "revert": "refused by the pool",
               "no_quote": "no quote", "rounds": "still off after its trades"}
"""The arbitrageur's blocked reasons (``lstlab.agents.arbitrageur``), in words."""


def _arb_note(item: str) -> str:
    """``{reason}_{pool}`` as a sentence: the arbitrageur left a pool more than 10 bps off."""
    for reason, words in ARB_REASONS.items():
        if item.startswith(f"{reason}_"):
            return f"arbitrageur left {item.removeprefix(reason + '_')} over 10 bps off: {words}"
    return f"arbitrageur blocked: {item}"


def _print(thresholds, result, title: str, cascade_title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    pools = f"{cascade_title}: per pool (sold by the liquidator; mid after its sales and after the arbitrage)"
    frames = ((title, thresholds), (f"{cascade_title}: system", result.rounds[list(SYSTEM)]),
              (f"{cascade_title}: per market", result.by_market()), (pools, result.by_pool()))
    for name, frame in frames:
        view = Table(title=name)
        for column in frame.columns:
            view.add_column(str(column), overflow="fold")
        for record in frame.itertuples(index=False):
            view.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in record))
        console.print(view)
    for record in result.rounds.to_dict(orient="records"):
        left = {k.removeprefix("liquidator_blocked_"): v for k, v in record.items()
                if k.startswith("liquidator_blocked_") and v}
        notes = [f"liquidator left {v} ({k})" for k, v in left.items()]
        notes += [_arb_note(item) for item in record["arb_blocked"].split(",") if item]
        if notes:
            console.print(f"round {record['round']}: " + "; ".join(notes))
    console.print(f"{len(result.liquidated)} positions liquidated")
    for account in list(result.paths)[:5]:
        console.print(f"  {account}: {' -> '.join(result.paths[account])}")
