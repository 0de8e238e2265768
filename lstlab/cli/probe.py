"""``lstlab probe``: thresholds, the cascade of a shock, dependency paths."""

from __future__ import annotations

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import emit
from lstlab.cli.params import LOOPS, SEED, leverage_range


@main_group.command()
@click.option("--shock", type=click.Choice(["steth-depeg", "eth-price", "slashing", "bridge-exploit"]),
              default="steth-depeg", show_default=True)
@click.option("--size", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.05,
              show_default=True, help="The shock as a fraction (0.05 = 5%).")
@click.option("--oracle", type=str, default=None,
              help="Oracle of the LST in every Ethereum market (lstlab.world.oracles.ORACLES); "
                   "default: market (shock probe), the world's own (--positions).")
@click.option("--loops", type=LOOPS, default=40, show_default=True, help="Seeded loop positions to probe.")
@click.option("--leverage", type=str, default="6:13", show_default=True, help="Their leverage range low:high.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--positions", "positions_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A snapshot of positions (CSV or Parquet, lstlab.audit.snapshot schema): probe a sale "
                   "against them instead of seeded loops.")
@click.option("--market-preset", "presets", multiple=True, type=str,
              help="Market preset(s) to deploy (lending.presets.PRESETS; repeat for several). Default aave-v3.")
@click.option("--sell", type=click.FloatRange(min=0, min_open=True), default=None,
              help="stETH (whole tokens, at the protocol rate) sold into --pool (with --positions).")
@click.option("--pool", "sale_pool", type=str, default="curve", show_default=True,
              help="The pool the sale and the seized collateral go into.")
@click.option("--pool-balances", type=str, default=None, help="ETH,STETH of the StableSwap pool (whole tokens).")
@click.option("--amp", type=click.IntRange(min=1), default=None, help="The StableSwap pool's A.")
@click.option("--fee-bps", type=click.FloatRange(min=0, max=100), default=None, help="The StableSwap pool's fee, bps.")
@click.option("--start-rate", type=click.FloatRange(min=1), default=None, help="stETH per wstETH at start.")
@click.option("--rule", type=click.Choice(["profitable", "every-eligible"]), default="profitable", show_default=True,
              help="Who liquidates in a sale cascade: profit-seeking liquidators, or every position below 1.")
@click.option("--json", "as_json", is_flag=True)
def probe(shock, size, oracle, loops, leverage, seed, positions_file, presets, sell, sale_pool, pool_balances,
          amp, fee_bps, start_rate, rule, as_json) -> None:
    """Which shock liquidates whom: each position's liquidation threshold per risk factor
    (bisection on forks beside the closed form), then the cascade of the shock round by round
    (the shock moves every venue through the arbitrageur; each round the liquidator sweeps
    every market and the venues are re-aligned), and the dependency paths from the shocked
    node to each liquidated position. With --positions: the cascade of selling --sell stETH
    into the pool, against the snapshot's positions, round by round."""
    if positions_file is not None:
        _probe_sale(positions_file, presets, sell, sale_pool, pool_balances, amp, fee_bps, start_rate, rule,
                    oracle, as_json)
        return
    from lstlab import audit
    from lstlab.agents.population import loop_population
    from lstlab.world import default_world

    oracle = oracle or "market"
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


def sale_world_params(presets, pool_balances, amp, fee_bps, start_rate):
    """WorldParams of a sale probe: the presets, the StableSwap pool as given, no background
    borrower (the snapshot is the book). Raises click.BadParameter for bad balances."""
    import attrs

    from lstlab.world.params import LendingParams, LstParams, PoolParams, WorldParams

    pools: dict = {}
    if pool_balances is not None:
        try:
            eth, steth = (float(x) for x in pool_balances.split(","))
        except ValueError:
            raise click.BadParameter("give ETH,STETH whole tokens, e.g. 235285,241954",
                                     param_hint="--pool-balances") from None
        if eth <= 0 or steth <= 0:
            raise click.BadParameter("both balances must be positive", param_hint="--pool-balances")
        pools |= {"curve_eth": round(eth), "curve_steth": round(steth)}
    if amp is not None:
        pools["curve_a"] = amp
    if fee_bps is not None:
        pools["curve_fee"] = round(fee_bps * 10**6)  # Curve's fee unit is 1e-10: 1 bps = 1e6
    lst = LstParams() if start_rate is None else LstParams(start_rate=start_rate)
    markets = tuple(presets) or ("aave-v3",)
    return WorldParams(markets=markets, lst=lst, pools=attrs.evolve(PoolParams(), **pools),
                       lending=LendingParams(background=False))


def _probe_sale(positions_file, presets, sell, sale_pool, pool_balances, amp, fee_bps, start_rate, rule, oracle,
                as_json) -> None:
    from lstlab import audit
    from lstlab.world import default_world

    if sell is None:
        raise click.UsageError("--positions needs --sell: the stETH sold into the pool")
    world = default_world(sale_world_params(presets, pool_balances, amp, fee_bps, start_rate))
    positions = audit.load_positions(positions_file)
    opened = audit.open_positions(world, positions)
    sale = audit.Sale.of_steth(world, sale_pool, round(sell * 10**18))
    result = audit.cascade(world, sale=sale, rule=rule, venue=sale_pool, oracle=oracle)
    if as_json:
        emit({"positions": len(opened), "sell_steth": sell, "pool": sale_pool, "rule": rule, "oracle": oracle,
              "markets": list(world.markets()), "rounds": result.rounds.to_dict(orient="records"),
              "liquidated": list(result.liquidated)}, True)
        return
    from rich.console import Console

    _table(Console(), f"cascade of selling {sell:g} stETH into {sale_pool} ({rule}; {len(opened)} accounts)",
           result.rounds)


def _table(console, name, frame) -> None:
    from rich.table import Table

    view = Table(title=name)
    for column in frame.columns:
        view.add_column(str(column), overflow="fold")
    for record in frame.itertuples(index=False):
        view.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in record))
    console.print(view)


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
