"""``lstlab probe``: thresholds, the cascade of a shock, dependency paths."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import click

from lstlab.cli.app import main_group
from lstlab.cli.output import emit
from lstlab.cli.params import LOOPS, SEED, leverage_range

SHOCK_WORDS = {"steth-depeg": "a stETH/ETH depeg", "eth-price": "an ETH/USD fall", "slashing": "a slashing (protocol "
               "rate loss)", "bridge-exploit": "a bridge exploit (backing loss)"}
"""Each ``--shock`` in words, for the cascade's title."""


@main_group.command()
@click.option("--shock", type=click.Choice(["steth-depeg", "eth-price", "slashing", "bridge-exploit"]),
              default="steth-depeg", show_default=True)
@click.option("--size", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.05,
              show_default=True, help="The shock as a fraction (0.05 = 5%).")
@click.option("--oracle", type=str, default=None,
              help="Oracle of the LST in every Ethereum market (lstlab.world.oracles.ORACLES); "
                   "default: market (shock probe), the world's own (--positions).")
@click.option("--oracle-option", "oracle_options", multiple=True, type=str, metavar="KEY=VALUE",
              help="An option of --oracle (see lstlab.world.oracles.ORACLES), e.g. live=false, "
                   "quote=steth-eth, heartbeat=3600; repeat for several.")
@click.option("--oracle-grid", type=str, default=None,
              help="Price grid of a pool-quote oracle as a price step, e.g. 0.01 (the grid option, in wad).")
@click.option("--oracle-rounding", type=click.Choice(["floor", "nearest"]), default=None,
              help="How a pool-quote oracle puts its price on the grid (default floor).")
@click.option("--loops", type=LOOPS, default=40, show_default=True, help="Seeded loop positions to probe.")
@click.option("--leverage", type=str, default="6:13", show_default=True, help="Their leverage range low:high.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--positions", "positions_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A snapshot of positions (CSV or Parquet, lstlab.audit.snapshot schema): probe a sale "
                   "against them instead of seeded loops.")
@click.option("--market-preset", "presets", multiple=True, type=str,
              help="Market preset(s) to deploy (lending.presets.PRESETS; repeat for several). Default aave-v3.")
@click.option("--as-of", "as_of", type=str, default="latest", show_default=True,
              help="Date of every market preset (WorldParams.markets_as_of), e.g. 2023-06-19.")
@click.option("--close-factor-bps", "close_factors", multiple=True, type=str, metavar="[PRESET=]BPS",
              help="Close factor of every market (BPS), or of one preset's market (PRESET=BPS); repeat "
                   "for several. Rule v2: at any HF; v3.0.2: above its HF threshold (100% below).")
@click.option("--sell", type=str, default=None,
              help="stETH (whole tokens, exact decimal, at the protocol rate) sold into --pool (with --positions).")
@click.option("--pool", "sale_pool", type=str, default="curve", show_default=True,
              help="The pool the sale and the seized collateral go into.")
@click.option("--pool-balances", type=str, default=None, help="ETH,STETH of the StableSwap pool (whole tokens).")
@click.option("--amp", type=click.IntRange(min=1), default=None, help="The StableSwap pool's A.")
@click.option("--fee-bps", type=click.FloatRange(min=0, max=100), default=None, help="The StableSwap pool's fee, bps.")
@click.option("--admin-fee-bps", type=click.IntRange(min=0, max=10_000), default=None,
              help="Share of the StableSwap pool's fee to its admin, bps (default 5000, Curve's 50%; 0 keeps "
                   "the whole fee in the pool).")
@click.option("--start-rate", type=click.FloatRange(min=1), default=None, help="stETH per wstETH at start.")
@click.option("--rule", type=click.Choice(["profitable", "every-eligible"]), default="profitable", show_default=True,
              help="Who liquidates in a sale cascade: profit-seeking liquidators, or every position below 1.")
@click.option("--max-rounds", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
              help="Rounds after the sale at most (a cascade that settles stops before).")
@click.option("--seizable", "seizable_pegs", type=str, default=None, metavar="PEG[,PEG...]",
              help="Print, per market, the collateral one round seizes at each stETH/ETH price, before any "
                   "sale (with --positions; --sell then optional).")
@click.option("--records", type=click.Path(file_okay=False), default=None,
              help="Keep every event of the cascade, round by round, in this folder (lstlab query / account).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Write the probe's interactive page (thresholds, the cascade per round) here.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def probe(shock, size, oracle, oracle_options, oracle_grid, oracle_rounding, loops, leverage, seed, positions_file,
          presets, as_of, close_factors, sell, sale_pool, pool_balances, amp, fee_bps, admin_fee_bps, start_rate,
          rule, max_rounds, seizable_pegs, records, html_path, as_json) -> None:
    """Which shock liquidates whom: each position's liquidation threshold per risk factor
    (bisection on forks beside the closed form), then the cascade of the shock round by round
    (the shock moves every venue through the arbitrageur; each round the liquidator sweeps
    every market and the venues are re-aligned), and the dependency paths from the shocked
    node to each liquidated position. With --positions: the cascade of selling --sell stETH
    into the pool, against the snapshot's positions, round by round (and with --seizable what
    one round seizes at given prices)."""
    options = oracle_settings(oracle, oracle_options, oracle_grid, oracle_rounding)
    if positions_file is not None:
        params = sale_world_params(presets, pool_balances, amp, fee_bps, start_rate, as_of=as_of,
                                   admin_fee_bps=admin_fee_bps)
        _probe_sale(positions_file, params, close_factors, sell, sale_pool, rule, oracle, options, max_rounds,
                    seizable_pegs, as_json, records, html_path)
        return
    if options:
        raise click.UsageError("--oracle-option, --oracle-grid and --oracle-rounding apply to a sale probe "
                               "(--positions) only")
    from lstlab import audit
    from lstlab.agents.population import loop_population
    from lstlab.world import default_world

    oracle = oracle or "market"
    low, high = leverage_range(leverage)
    world = default_world()
    world.set_oracle(oracle)
    accounts = loop_population(world, loops, seed, leverage=(low, high))
    table = audit.thresholds(world, accounts)
    result = audit.cascade(world, shock, size, records=records)
    if html_path is not None:
        from lstlab.report.probe import probe_page

        probe_page(html_path, result, table, settings={"shock": shock, "size": size, "oracle": oracle,
                                                        "loops": loops, "leverage": leverage, "seed": seed})
    if as_json:
        emit({"shock": shock, "size": size, "oracle": oracle,
              "thresholds": table.to_dict(orient="records"),
              "rounds": result.rounds.to_dict(orient="records"),
              "markets": result.by_market().to_dict(orient="records"),
              "pools": result.by_pool().to_dict(orient="records"),
              "liquidated": list(result.liquidated), "paths": result.paths}, True)
        return
    from lstlab.cli.probe_view import cascade_text, thresholds_text

    click.echo(thresholds_text(table, oracle))
    click.echo()
    click.echo(cascade_text(result, f"cascade of {SHOCK_WORDS[shock]} of {size:.2%} ({oracle} oracle)"))


def exact(text: str, hint: str, *, decimals: int = 18) -> int:
    """``text``, a positive decimal number, in units of 1e-``decimals`` exactly (Decimal, never a
    float: "94000" is 94000 * 10**18); raises click.BadParameter (``hint`` naming the option)
    for anything else, or for more digits than ``decimals``."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise click.BadParameter(f"{text!r} is not a decimal number", param_hint=hint) from None
    if not value.is_finite() or value <= 0:
        raise click.BadParameter(f"{text!r} must be a positive number", param_hint=hint)
    units = value.scaleb(decimals)
    if units != units.to_integral_value():
        raise click.BadParameter(f"{text!r} has more than {decimals} decimals", param_hint=hint)
    return int(units)


def _option_value(text: str) -> Any:
    """An ``--oracle-option`` value: an int for digits, a bool for true/false, else the string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(low)
    except ValueError:
        return text.strip()


def oracle_settings(oracle, pairs, grid, rounding) -> dict[str, Any]:
    """The options passed to ``World.set_oracle(oracle, ...)``: each ``KEY=VALUE`` of ``pairs``,
    ``grid`` (a price step such as "0.01") as the grid in wad, ``rounding``. Raises
    click.UsageError for options without --oracle, click.BadParameter for a malformed pair."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise click.BadParameter(f"{pair!r}: give KEY=VALUE, e.g. live=false", param_hint="--oracle-option")
        options[key.strip()] = _option_value(value)
    if grid is not None:
        options["grid"] = exact(grid, "--oracle-grid")
    if rounding is not None:
        options["rounding"] = rounding
    if options and oracle is None:
        raise click.UsageError("oracle options need --oracle, e.g. --oracle pool-quote --oracle-grid 0.01")
    return options


def close_factor_plan(values, presets) -> dict[str, int]:
    """``--close-factor-bps`` values as {preset: bps} over ``presets`` (the world's markets, in
    order): a bare BPS sets every market, PRESET=BPS one (later values win). Raises
    click.BadParameter for a malformed value or a preset the world lacks."""
    plan: dict[str, int] = {}
    for value in values:
        name, sep, bps = value.rpartition("=")
        if sep and name not in presets:
            raise click.BadParameter(f"{value!r}: {name!r} is not a market of this probe; use one of "
                                     f"{', '.join(presets)}", param_hint="--close-factor-bps")
        try:
            number = int(bps)
        except ValueError:
            raise click.BadParameter(f"{value!r}: give BPS or PRESET=BPS, e.g. 10000 or aave-v3=10000",
                                     param_hint="--close-factor-bps") from None
        plan |= {p: number for p in ((name,) if sep else presets)}
    return plan


def sale_world_params(presets, pool_balances, amp, fee_bps, start_rate, *, as_of="latest", admin_fee_bps=None):
    """WorldParams of a sale probe: the presets as of ``as_of`` (default "latest", each preset's
    own default), the StableSwap pool as given (``admin_fee_bps`` None: PoolParams' 50%), no
    background borrower (the snapshot is the book). Raises click.BadParameter for bad balances."""
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
    if admin_fee_bps is not None:
        pools["curve_admin_fee"] = admin_fee_bps * 10**6  # 1e10 = 100%: 1 bps = 1e6
    lst = LstParams() if start_rate is None else LstParams(start_rate=start_rate)
    markets = tuple(presets) or ("aave-v3",)
    return WorldParams(markets=markets, markets_as_of=as_of, lst=lst, pools=attrs.evolve(PoolParams(), **pools),
                       lending=LendingParams(background=False))


def sale_world(params, close_factors=(), oracle=None, oracle_options=None):
    """The world of a sale probe: ``default_world(params)``, each market's close factor per
    :func:`close_factor_plan` (``Market.set_param("close_factor_bps", ...)``, as the markets'
    admin before any governance hand-over), and ``oracle`` with ``oracle_options`` installed in
    every Ethereum market (``World.set_oracle``; None: the world's own)."""
    from lstlab.world import default_world
    from lstlab.world.build import market_address

    world = default_world(params)
    for preset, bps in close_factor_plan(close_factors, params.markets).items():
        world.markets()[market_address(params, preset)].set_param("close_factor_bps", bps)
    if oracle is not None:
        world.set_oracle(oracle, **(oracle_options or {}))
    return world


def _probe_sale(positions_file, params, close_factors, sell, sale_pool, rule, oracle, options, max_rounds,
                seizable_pegs, as_json, records=None, html_path=None) -> None:
    """Open the snapshot in the world of ``params``, print what one round seizes at each
    ``--seizable`` price (before any sale), then the cascade of the ``--sell`` sale."""
    import pandas as pd

    from lstlab import audit

    if sell is None and seizable_pegs is None:
        raise click.UsageError("--positions needs --sell (the stETH sold into the pool) or --seizable")
    if html_path is not None and sell is None:
        raise click.UsageError("--html draws the cascade of a sale: give --sell with --positions")
    wei = exact(sell, "--sell") if sell is not None else None
    pegs = [exact(p, "--seizable") for p in seizable_pegs.split(",")] if seizable_pegs is not None else []
    world = sale_world(params, close_factors, oracle, options)
    opened = audit.open_positions(world, audit.load_positions(positions_file))
    seizable = pd.concat([audit.seizable(world, peg) for peg in pegs], ignore_index=True) if pegs else None
    result = None
    if wei is not None:
        sale = audit.Sale.of_steth(world, sale_pool, wei)
        result = audit.cascade(world, sale=sale, rule=rule, venue=sale_pool, max_rounds=max_rounds, records=records)
    if html_path is not None:
        from lstlab.report.probe import probe_page

        settings = {"positions": positions_file, "sell (stETH)": sell, "pool": sale_pool, "rule": rule,
                    "oracle": oracle or "the markets' own"}
        probe_page(html_path, result, None, settings=settings, seizable=seizable)
    if as_json:
        out: dict[str, Any] = {"positions": len(opened), "markets": list(world.markets()), "oracle": oracle,
                               "oracle_options": options}
        if seizable is not None:
            out["seizable"] = seizable.to_dict(orient="records")
        if result is not None:
            out |= {"sell_steth": float(Decimal(sell)), "sell_steth_wei": wei, "pool": sale_pool, "rule": rule,
                    "rounds": result.rounds.to_dict(orient="records"), "liquidated": list(result.liquidated)}
        emit(out, True)
        return
    from lstlab.cli.probe_view import sale_text, seizable_text

    if seizable is not None:
        click.echo(seizable_text(seizable, len(opened)))
    if result is not None:
        if seizable is not None:
            click.echo()
        click.echo(sale_text(result, f"cascade of selling {sell} stETH into {sale_pool} ({rule}; {len(opened)} "
                             "accounts)"))
