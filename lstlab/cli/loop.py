"""``lstlab loop``: a loop on the default world, closed form beside simulation."""

from __future__ import annotations

import click

from chain import WAD
from lstlab.cli.app import main_group
from lstlab.cli.output import ORACLES, emit, loop_target
from lstlab.cli.params import APR, EQUITY, HEALTH, LEVERAGE


@main_group.command()
@click.option("--leverage", type=LEVERAGE, help="Target leverage (collateral / equity). Default 5.")
@click.option("--health", type=HEALTH, help="Target health factor instead of a leverage.")
@click.option("--equity", type=EQUITY, default=100.0, show_default=True, help="Equity in ETH.")
@click.option("--oracle", type=ORACLES, default="exchange-rate", show_default=True,
              help="How the market prices wstETH.")
@click.option("--staking-apr", type=APR, default=None,
              help="Staking APR as a fraction, 0.05 for 5% (default: the world's, 0.035).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def loop(leverage, health, equity, oracle, staking_apr, as_json) -> None:
    """A wstETH/WETH loop on the default world: closed form and simulation side by side.

    The loop is opened in one transaction with a flash loan, then simulated for a year of
    daily oracle reports to measure its net APY.
    """
    from lending.risk import liquidation_ratio
    from lstlab import strategies
    from lstlab.sim.scenario import max_staking_apr
    from lstlab.strategies import closed_form
    from lstlab.strategies.loop import equity_wei
    from lstlab.world import default_world
    from lstlab.world.params import WorldParams

    params = WorldParams()
    target = loop_target(leverage, health)
    amount = equity_wei(equity)
    limit = max_staking_apr(params.lst.fee_bps)
    if staking_apr is not None and staking_apr > limit:
        raise click.BadParameter(
            f"{staking_apr:g} is above {limit:.4g}: APR is a fraction (0.05 for 5%), and above {limit:.4g} the "
            "issuer's oracle refuses the rewards (a 10% a year limit on the consensus balance)",
            param_hint="'--staking-apr'")
    world = default_world(params)
    world.set_oracle(oracle)
    apr = world.params.lst.staking_apr if staking_apr is None else staking_apr
    ltv, lt = strategies.emode_figures(world)
    lev = target["leverage"] if target["leverage"] is not None else closed_form.leverage_for_health(target["health"], lt)
    closed_form.check_leverage(lev, ltv)
    account = "strategist"
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
    from lstlab.report.tables import Column, number, numeric, render

    units = {"leverage": "x", "health factor": "hf", "liquidation ratio (of today's wstETH/WETH price)": "stETH/ETH",
             "net APY on equity": "%", "maximum leverage (1/(1-LTV))": "x"}
    table = [(name, number(a, units[name]), "closed form only" if b is None else number(b, units[name]))
             for name, (a, b) in rows.items()]
    title = (f"{lev:g}x wstETH/WETH loop, {equity:g} ETH equity, {oracle} oracle: the closed form beside the loop "
             "opened by a flash loan and simulated for a year of daily oracle reports")
    click.echo(render([Column("figure"), numeric("closed form"), numeric("simulated")], table, title=title))
    click.echo()
    inputs = [("equity", number(equity, "ETH", with_unit=True)), ("oracle", oracle),
              ("staking APR", number(apr, "%")), ("WETH borrow APR at the open", number(borrow_apr, "%")),
              ("eMode LTV", number(ltv, "%")), ("eMode liquidation threshold", number(lt, "%")),
              ("collateral", number(info["collateral_wsteth"], "wstETH", with_unit=True)),
              ("debt", number(info["debt_weth"], "WETH", with_unit=True))]
    click.echo(render([Column("input", wrap=False), Column("value")], inputs, title="inputs"))
