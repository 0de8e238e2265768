"""The Chainlink-style aggregator: rounds move only at the deviation band's edge or the heartbeat.

Rules from libocr ``offchainreporting2/reportingplugin/median/median.go`` (``DefaultDeviationFunc``:
``|new - old| / |old| >= threshold``; ``shouldReport``: a report once the latest is older than
``deltaC``, the heartbeat).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain import (
    Contract,
    InvalidAmount,
    InvalidArgument,
    ManualFeed,
    PriceReading,
    State,
    UnknownContract,
    WrongNetwork,
)
from chain.oracles import CHAINLINK_STETH_ETH, AggregatorFeed, AnswerUpdated, deviates

T0 = 1_700_000_000
P = 2000 * 10**8
"""ETH/USD 2000 with 8 decimals: 0.5% of it is exactly 10e8, so the band's edges are integers."""


def make(deviation_bps: int = 50, heartbeat: int = 3600, decimals: int = 8, answer: int = P,
         source_decimals: int = 8) -> tuple[State, ManualFeed, AggregatorFeed]:
    state = State(start_time=T0)
    state.add_network("ethereum")
    state.add_network("optimism")
    state.add_account("keeper")
    src = ManualFeed.deploy(state, "src", "ethereum", base="WETH", quote="USD", decimals=source_decimals,
                            answer=answer)
    agg = AggregatorFeed.deploy(state, "agg", "ethereum", source="src", deviation_bps=deviation_bps,
                                heartbeat=heartbeat, decimals=decimals)
    return state, src, agg


class TestDeploy:
    def test_round_one_is_the_source_now(self):
        """Deploying stores round 1 with the source's answer and the deploy time, and says so."""
        state, _, agg = make()
        assert agg.round() == (1, P, T0)
        assert agg.latest() == PriceReading(P, 8, T0)
        assert (agg.base, agg.quote, agg.decimals) == ("WETH", "USD", 8)
        assert state.drain_events()[-1] == AnswerUpdated("agg", P, 1, T0)

    def test_rescales_the_source_rounding_down(self):
        """An 8-decimal aggregator over an 18-decimal source keeps the first 8 decimals (floor)."""
        _, _, agg = make(answer=998_765_432_198_765_432, source_decimals=18)
        assert agg.round()[1] == 99_876_543

    @pytest.mark.parametrize("kwargs, error", [
        ({"deviation_bps": 10_001}, InvalidArgument),
        ({"deviation_bps": -1}, InvalidArgument),
        ({"heartbeat": 0}, InvalidAmount),
        ({"heartbeat": 1.5}, InvalidAmount),
        ({"decimals": 37}, InvalidArgument),
    ])
    def test_bad_settings_write_nothing(self, kwargs, error):
        """Out-of-range settings raise a typed error and register nothing."""
        state, _, _ = make()
        settings = {"source": "src", "deviation_bps": 50, "heartbeat": 3600, **kwargs}
        with pytest.raises(error):
            AggregatorFeed.deploy(state, "agg2", "ethereum", **settings)
        assert not state.has_address("agg2")

    def test_source_must_be_a_feed_of_the_network(self):
        """An account, a contract that is not a feed and a feed of another network are refused."""
        state, _, _ = make()
        with pytest.raises(UnknownContract):
            AggregatorFeed.deploy(state, "a1", "ethereum", source="keeper", deviation_bps=50, heartbeat=60)
        state.register_contract(Contract(state, "vault", "ethereum"))
        with pytest.raises(InvalidArgument):
            AggregatorFeed.deploy(state, "a2", "ethereum", source="vault", deviation_bps=50, heartbeat=60)
        ManualFeed.deploy(state, "l2src", "optimism", base="WETH", quote="USD", decimals=8, answer=P)
        with pytest.raises(WrongNetwork):
            AggregatorFeed.deploy(state, "a3", "ethereum", source="l2src", deviation_bps=50, heartbeat=60)
        assert not any(state.has_address(a) for a in ("a1", "a2", "a3"))


class TestDeviationAndHeartbeat:
    @pytest.mark.parametrize("answer", [P + 10 * 10**8 - 1, P - 10 * 10**8 + 1, P + 1, P])
    def test_inside_the_band_nothing_moves_until_the_heartbeat(self, answer):
        """Inside the 0.5% band a poke stores nothing until 3600 s after updatedAt; then round 2."""
        state, src, agg = make()
        src.set(answer)
        state.advance(3599)
        assert agg.poke() is False
        assert agg.round() == (1, P, T0)
        assert agg.latest() == PriceReading(P, 8, T0)
        state.advance(1)
        assert agg.poke() is True
        assert agg.round() == (2, answer, T0 + 3600)
        assert agg.latest() == PriceReading(answer, 8, T0 + 3600)

    @pytest.mark.parametrize("answer", [P + 10 * 10**8, P - 10 * 10**8, 2 * P, P // 2])
    def test_at_the_edge_of_the_band_it_moves_at_once(self, answer):
        """A move of exactly 0.5% (or more) stores round 2 at the poke's time."""
        state, src, agg = make()
        state.advance(12)
        src.set(answer)
        assert agg.due() is True
        assert agg.poke() is True
        assert agg.round() == (2, answer, T0 + 12)
        assert agg.get_round(1) == (1, P, T0)

    def test_the_band_is_measured_from_the_stored_answer(self):
        """Two 0.3% steps: the first stays inside the band, the second crosses it from round 1's answer."""
        _, src, agg = make()
        src.set(P + 6 * 10**8)
        assert agg.poke() is False
        src.set(P + 12 * 10**8)
        assert agg.poke() is True
        assert agg.round() == (2, P + 12 * 10**8, T0)

    def test_the_heartbeat_counts_from_the_last_round(self):
        """After a deviation round at t, the next heartbeat round is at t + heartbeat, not T0 + 2 h."""
        state, src, agg = make()
        state.advance(1000)
        src.set(P + 10 * 10**8)
        agg.poke()
        state.advance(3599 + 2600)  # T0 + 7199: 6199 s after round 2
        src.set(P + 10 * 10**8 + 1)
        assert agg.poke() is True  # >= 3600 s since round 2
        assert agg.round() == (3, P + 10 * 10**8 + 1, T0 + 7199)

    def test_mainnet_steth_eth_figures(self):
        """stETH/ETH as on mainnet (0.5% / 24 h, 18 decimals): a 0.4% discount shows only after a day."""
        state, src, agg = make(answer=10**18, source_decimals=18, **CHAINLINK_STETH_ETH)
        src.set(996 * 10**15)
        state.advance(86_399)
        assert agg.poke() is False and agg.latest().answer == 10**18
        state.advance(1)
        assert agg.poke() is True and agg.round() == (2, 996 * 10**15, T0 + 86_400)

    def test_unknown_round(self):
        """getRoundData of a round never stored is a typed error naming the rounds there are."""
        _, _, agg = make()
        with pytest.raises(InvalidArgument, match="rounds 1 to 1"):
            agg.get_round(2)


class TestJournal:
    def test_a_reverted_poke_leaves_no_round(self):
        """A poke inside a transaction that fails is undone with it (round, event)."""
        state, src, agg = make()
        src.set(2 * P)
        with pytest.raises(RuntimeError), state.tx("keeper"):
            assert agg.poke() is True
            raise RuntimeError("later failure")
        assert agg.round() == (1, P, T0)

    def test_a_fork_pokes_alone(self):
        """A fork's rounds are its own; the parent keeps round 1."""
        state, _, agg = make()
        fork = state.fork()
        fork.contract("src").set(2 * P)
        assert fork.contract("agg").poke() is True
        assert fork.contract("agg").round()[0] == 2
        assert agg.round() == (1, P, T0)


@given(st.integers(1, 10**30), st.integers(1, 10**30), st.integers(0, 10_000))
def test_deviates_is_the_rational_rule(old, new, bps):
    """``deviates`` is libocr's exact rational comparison |new - old| / old >= bps / 10000."""
    assert deviates(old, new, bps) == (Fraction(abs(new - old), old) >= Fraction(bps, 10_000))


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1900 * 10**8, 2100 * 10**8)), max_size=30))
def test_rounds_follow_the_two_rules(steps):
    """Over any path, the rounds are those of a ghost that applies the two rules step by step."""
    state, src, agg = make()
    ghost = (1, P, T0)
    for dt, answer in steps:
        state.advance(dt)
        src.set(answer)
        _, stored, at = ghost
        if state.now - at >= 3600 or abs(answer - stored) * 200 >= stored:
            ghost = (ghost[0] + 1, answer, state.now)
        agg.poke()
        assert agg.round() == ghost
