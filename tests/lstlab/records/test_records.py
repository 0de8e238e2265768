"""Event records: typed events to Parquet rows and back through the DuckDB views, exactly."""

from __future__ import annotations

import json

import pytest

from amm.events import Swap, TokenExchange
from chain import Transfer
from lending.events import LiquidationCall
from lstlab import records
from lstlab.agents import Liquidator, loop_population
from lstlab.errors import DataError
from lstlab.world import default_world


@pytest.fixture(scope="module")
def run():
    """A world with two transfers (one past int64 and past 2**64), loops liquidated by the
    liquidator (which sells the seized collateral), and the log of each step."""
    world = default_world()
    world.state.drain_events()
    world.fund(world.weth, "alice", 3 * 10**30)
    world.state.add_account("bob")
    world.state.add_account("carol")
    with world.state.tx("alice"):
        world.state.transfer(world.weth, "alice", "bob", 10**30 + 7)
    with world.state.tx("alice"):
        world.state.transfer(world.weth, "alice", "carol", 1)
    steps = [world.state.drain_events()]
    loop_population(world, 12, 3, leverage=(8.0, 13.0), equity=(5.0, 50.0))
    world.set_oracle("market")
    world.set_prices(1719.0, 0.95)
    steps.append(world.state.drain_events())
    Liquidator(gas_wei=0, max_passes=1).sweep(world)
    steps.append(world.state.drain_events())
    return world, steps


def _write(tmp_path, world, steps, flush_every):
    with records.EventRecorder(tmp_path, flush_every=flush_every) as recorder:
        for i, events in enumerate(steps):
            recorder.record(i, 1_000 + i, events, state=world.state)
    return records.open(tmp_path)


def _all(steps):
    return [(i, k, e) for i, events in enumerate(steps) for k, e in enumerate(events)]


def test_views_return_exactly_the_recorded_events(tmp_path, run):
    """Each view holds exactly the events of its type, in log order, amounts to the wei."""
    world, steps = run
    con = _write(tmp_path, world, steps, 10_000)
    flat = _all(steps)
    transfers = con.execute("SELECT step, log_index, token, src, dst, amount, amount_text FROM transfers "
                        "ORDER BY step, log_index").fetchall()
    assert transfers == [(i, k, e.token.key, e.src, e.dst, e.amount, str(e.amount))
                         for i, k, e in flat if isinstance(e, Transfer)]
    assert (0, 1, "ethereum:WETH", "alice", "bob", 10**30 + 7, str(10**30 + 7)) in transfers
    liquidations = con.execute("SELECT step, log_index, market, user, liquidator, collateral, debt, debt_covered, "
                           "collateral_seized, protocol_fee, receive_a_token FROM liquidations "
                           "ORDER BY step, log_index").fetchall()
    expected = [(i, k, e.market, e.user, e.liquidator, e.collateral.key, e.debt.key, e.debt_covered,
                 e.collateral_seized, e.protocol_fee, e.receive_a_token)
                for i, k, e in flat if isinstance(e, LiquidationCall)]
    assert liquidations == expected and len(expected) > 0
    swaps = con.execute("SELECT step, log_index, venue, amount0_in, amount1_in, amount0_out, amount1_out, i, sold, "
                    "j, bought FROM swaps ORDER BY step, log_index").fetchall()
    want = [(i, k, e.pair, e.amount0_in, e.amount1_in, e.amount0_out, e.amount1_out, None, None, None, None)
            if isinstance(e, Swap) else (i, k, e.pool, None, None, None, None, e.i, e.sold, e.j, e.bought)
            for i, k, e in flat if isinstance(e, (Swap, TokenExchange))]
    assert swaps == want and len(want) > 0
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(flat)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0


def test_rows_name_emitter_network_and_fields(tmp_path, run):
    """A liquidation's row names its market as emitter and network; fields are exact JSON."""
    world, steps = run
    con = _write(tmp_path, world, steps, 10_000)
    event = next(e for e in steps[2] if isinstance(e, LiquidationCall))
    emitter, network, fields = con.execute("SELECT emitter, network, fields FROM events WHERE event = "
                                       "'LiquidationCall' ORDER BY step, log_index LIMIT 1").fetchone()
    assert (emitter, network) == (event.market, world.state.contract(event.market).network)
    assert json.loads(fields)["debt_covered"] == event.debt_covered


@pytest.mark.parametrize("flush_every", [1, 2, 7, 64])
def test_flush_boundaries_lose_and_duplicate_nothing(tmp_path, run, flush_every):
    """Every (step, log index) appears once, whatever the part size, with the same rows."""
    world, steps = run
    con = _write(tmp_path, world, steps, flush_every)
    got = con.execute("SELECT step, log_index, event, fields FROM events ORDER BY step, log_index").fetchall()
    reference = _write(tmp_path / "one", world, steps, 10**9).execute(
        "SELECT step, log_index, event, fields FROM events ORDER BY step, log_index").fetchall()
    assert got == reference
    assert [(s, k) for s, k, _, _ in got] == [(i, k) for i, k, _ in _all(steps)]
    parts = len(list((tmp_path / "events").glob("part-*.parquet")))
    assert parts == -(-len(got) // flush_every)


def test_open_without_records_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no event records"):
        records.open(tmp_path)


def test_query_command_prints_exact_json_and_csv(tmp_path, run, capsys):
    """``lstlab query`` prints the transfers' amounts to the wei as JSON and CSV."""
    from lstlab.cli.app import main

    world, steps = run
    _write(tmp_path, world, steps, 10_000)
    sql = "SELECT dst, amount FROM transfers WHERE step = 0 AND src = 'alice' ORDER BY log_index"
    assert main(["query", str(tmp_path), sql, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"dst": "bob", "amount": 10**30 + 7}, {"dst": "carol", "amount": 1}]
    assert main(["query", str(tmp_path), sql, "--csv"]) == 0
    assert capsys.readouterr().out == f"dst,amount\nbob,{10**30 + 7}\ncarol,1\n"
    assert main(["query", str(tmp_path), "SELECT nope FROM events"]) == 2


def test_a_backtest_keeps_every_event_of_its_run(tmp_path):
    """Backtest(records=dir): the opening and every step's events in the Parquet records, the
    user's liquidation among them (10x through June 2022 under a market oracle)."""
    from lstlab import records
    from lstlab.market.data import default_path
    from lstlab.market.prices import load_prices
    from lstlab.sim.backtest import Backtest, LoopConfig

    prices = load_prices(default_path(), start="2022-05-01", end="2022-07-31")
    result = Backtest(prices, LoopConfig(leverage=10.0), oracle="market", records=tmp_path / "run").run()
    con = records.open(tmp_path / "run")
    liquidated = con.execute("select count(*) from liquidations where \"user\" = 'strategist'").fetchone()[0]
    assert liquidated == result.summary["loop_liquidations"] > 0
    steps = con.execute("select count(distinct step) from events where step >= 0").fetchone()[0]
    assert steps == len(result.metrics)  # step -1: the agents' funding since the build, before the opening
