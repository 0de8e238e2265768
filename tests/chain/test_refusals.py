"""Bad values the chain refuses with typed errors, writing nothing: feed answers that cannot be
prices, composite feeds that cannot be read, snapshots that are not snapshots, records a fork
would share with its parent, and amounts Token.units cannot express."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain import (
    CompositeFeed,
    Contract,
    InvalidAmount,
    InvalidArgument,
    InvalidSnapshot,
    ManualFeed,
    Snapshot,
    State,
    Token,
    UnknownContract,
    WrongNetwork,
)

BAD_ANSWERS = [0, -1, -(10**18), float("nan"), float("inf"), -float("inf"), 1.5, 10**18 * 1.0, True, None,
               "1", Decimal(1), np.int64(5), 2**256]


@pytest.fixture
def state():
    state = State()
    state.add_network("ethereum")
    state.add_network("optimism")
    state.add_account("alice")
    state.register_contract(Contract(state, "box", "ethereum"))
    ManualFeed.deploy(state, "eth-usd", "ethereum", base="ETH", quote="USD", decimals=8, answer=2_000 * 10**8)
    ManualFeed.deploy(state, "steth-eth", "ethereum", base="stETH", quote="ETH", answer=10**18)
    ManualFeed.deploy(state, "op-eth-usd", "optimism", base="ETH", quote="USD", decimals=8, answer=2_000 * 10**8)
    return state


def _refused(state: State, error: type[Exception], call) -> Exception:
    before = state.digest()
    with pytest.raises(error) as info:
        call()
    assert state.digest() == before
    return info.value


class TestFeedAnswers:
    @pytest.mark.parametrize("answer", BAD_ANSWERS, ids=repr)
    def test_set_refuses_what_is_not_a_positive_int(self, state, answer):
        """0 (the zero-price borrow), negatives, NaN, inf, floats, bools, None, numpy ints: InvalidAmount."""
        feed = state.contract("eth-usd")
        _refused(state, InvalidAmount, lambda: feed.set(answer))
        assert feed.latest().answer == 2_000 * 10**8

    @pytest.mark.parametrize("answer", BAD_ANSWERS, ids=repr)
    def test_deploy_refuses_them_too(self, state, answer):
        _refused(state, InvalidAmount, lambda: ManualFeed.deploy(state, "x", "ethereum", base="A", quote="B",
                                                                  answer=answer))

    def test_the_smallest_and_largest_answers_are_accepted(self, state):
        """1 and 2**256-1 are prices a feed may hold (one wei more is refused above)."""
        feed = state.contract("eth-usd")
        feed.set(1)
        assert feed.latest().answer == 1
        feed.set(2**256 - 1)
        assert feed.latest().answer == 2**256 - 1


class TestCompositeFeedDeploy:
    @pytest.mark.parametrize("decimals", [None, -5, 37, 8.0, True, "8"], ids=repr)
    def test_decimals_must_be_an_int_in_range(self, state, decimals):
        """None (a TypeError at read time) and -5 (a reading of 0.0) are refused at deploy."""
        _refused(state, InvalidArgument, lambda: CompositeFeed.deploy(
            state, "steth-usd", "ethereum", first="steth-eth", second="eth-usd", decimals=decimals))

    def test_decimals_bounds_are_inclusive(self, state):
        """0 and 36 are accepted; the product is floored to those decimals."""
        low = CompositeFeed.deploy(state, "c0", "ethereum", first="steth-eth", second="eth-usd", decimals=0)
        high = CompositeFeed.deploy(state, "c36", "ethereum", first="steth-eth", second="eth-usd", decimals=36)
        assert low.latest().answer == 2_000
        assert high.latest().answer == 2_000 * 10**36

    def test_feeds_of_another_network_are_refused(self, state):
        """A composite on ethereum of an optimism feed, or on optimism of ethereum feeds: WrongNetwork."""
        _refused(state, WrongNetwork, lambda: CompositeFeed.deploy(
            state, "c", "ethereum", first="steth-eth", second="op-eth-usd"))
        _refused(state, WrongNetwork, lambda: CompositeFeed.deploy(
            state, "c", "optimism", first="steth-eth", second="eth-usd"))

    def test_not_a_feed_or_no_contract(self, state):
        _refused(state, InvalidArgument, lambda: CompositeFeed.deploy(
            state, "c", "ethereum", first="box", second="eth-usd"))
        _refused(state, UnknownContract, lambda: CompositeFeed.deploy(
            state, "c", "ethereum", first="nowhere", second="eth-usd"))
        _refused(state, UnknownContract, lambda: CompositeFeed.deploy(
            state, "c", "ethereum", first=None, second="eth-usd"))


class TestSnapshots:
    @pytest.mark.parametrize("bad", [None, (1, 0, 0), [1, 0, 0], "snap", 0], ids=repr)
    def test_revert_and_commit_refuse_what_is_not_a_snapshot(self, state, bad):
        snap = state.snapshot()
        state.advance(5)
        for call in (state.revert, state.commit):
            with pytest.raises(InvalidSnapshot):
                call(bad)
        state.revert(snap)
        assert state.in_transaction is False

    def test_a_forged_snapshot_of_another_journal_is_refused(self, state):
        snap = state.snapshot()
        with pytest.raises(InvalidSnapshot):
            state.revert(Snapshot(snap.journal_id + 1, snap.depth, snap.position))
        state.commit(snap)


@attrs.frozen
class Frozen:
    value: object


@attrs.define
class Loose:
    value: int


@dataclasses.dataclass
class LooseData:
    value: int


@dataclasses.dataclass(frozen=True)
class FrozenData:
    value: object


class Plain:
    value = 1


class TestRecords:
    @pytest.mark.parametrize(
        "record",
        [{}, [], set(), bytearray(b"x"), Loose(1), LooseData(1), Plain(), Frozen([1]), FrozenData({}),
         (1, [2]), frozenset({(1, 2), Frozen(Plain())}), np.zeros(2), lambda: 1],
        ids=lambda r: type(r).__name__,
    )
    def test_store_refuses_what_a_fork_would_share(self, state, record):
        """Mutable containers, non-frozen attrs/dataclass instances, and frozen ones that hold a
        mutable value anywhere: InvalidArgument, nothing written."""
        _refused(state, InvalidArgument, lambda: state.store("box", "k", record))
        assert state.load("box", "k", None) is None

    @pytest.mark.parametrize(
        "record",
        [None, 0, 2**300, "s", b"b", 1.5, True, Fraction(1, 3), Decimal("1.5"), (1, ("a", None)),
         frozenset({1, 2}), Frozen(Frozen((1, 2))), FrozenData(Token("ethereum", "X")), np.float64(1.0),
         np.int64(3)],
        ids=lambda r: type(r).__name__,
    )
    def test_store_accepts_immutable_values(self, state, record):
        state.store("box", "k", record)
        assert state.load("box", "k") == record

    def test_fork_cannot_reach_its_parent_through_a_record(self, state):
        """The only records accepted are immutable, so a fork's write never shows in its parent."""
        state.store("box", "k", Frozen((1, 2)))
        fork = state.fork()
        fork.store("box", "k", Frozen((3,)))
        assert state.load("box", "k") == Frozen((1, 2))

    def test_unknown_address_and_unhashable_key(self, state):
        """load/store/records on an address without records: UnknownContract; a list key: InvalidArgument."""
        for address in ("nowhere", "alice", None):
            with pytest.raises(UnknownContract):
                state.load(address, "k", None)
            with pytest.raises(UnknownContract):
                state.store(address, "k", 1)
            with pytest.raises(UnknownContract):
                state.records(address)
        _refused(state, InvalidArgument, lambda: state.store("box", ["k"], 1))
        snap = state.snapshot()
        _refused(state, InvalidArgument, lambda: state.store("box", {"k": 1}, 1))
        state.revert(snap)


WETH = Token("ethereum", "WETH", 18)
USDC = Token("ethereum", "USDC", 6)


class TestUnits:
    @pytest.mark.parametrize(
        "bad",
        [None, "abc", "", "1,5", -1, "-0.5", float("nan"), float("inf"), "NaN", "Infinity", True, [1],
         "0.0000001", 1e-7, 10**72, "1e72", Fraction(1, 2)],
        ids=repr,
    )
    def test_bad_input_is_invalid_amount(self, bad):
        """Non-numbers, negatives, non-finite values, more than 6 decimals, past uint256: InvalidAmount."""
        with pytest.raises(InvalidAmount):
            USDC.units(bad)

    def test_exact_conversions(self):
        assert WETH.units(5) == 5 * 10**18
        assert WETH.units("1.5") == 15 * 10**17
        assert WETH.units(0.1) == 10**17
        assert USDC.units(" 2.000001 ") == 2_000_001
        assert USDC.units(Decimal(7)) == 7 * 10**6
        assert USDC.units(np.int64(3)) == 3 * 10**6
        assert USDC.units("0") == 0

    @given(st.integers(0, (2**256 - 1) // 10**6))
    def test_units_of_an_int_is_the_scaled_int(self, whole):
        """Any whole amount up to uint256 converts exactly, as a string too."""
        assert USDC.units(whole) == USDC.units(str(whole)) == whole * 10**6

    def test_uint256_boundary(self):
        """The largest amount of base units is accepted, one more is refused."""
        top = 2**256 - 1
        assert Token("e", "Z", 0).units(top) == top
        with pytest.raises(InvalidAmount):
            Token("e", "Z", 0).units(top + 1)
