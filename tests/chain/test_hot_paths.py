"""The chain's hot paths keep their guarantees: the event log truncated by snapshots, a transfer's
two balances in one journal entry, unchecked record writes (State.put) journaled like store,
a facade's storage following its state, overflow checks on the product equal to Aave's, and
external's generated wrapper passing every argument through."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain import Contract, InvalidArgument, State, Transfer, UnknownContract, external
from chain import fixedpoint as fp
from chain.errors import DivisionByZero, Overflow
from chain.journal import MISSING


@pytest.fixture
def world():
    state = State()
    state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH")
    for name in ("alice", "bob", "carol"):
        state.add_account(name)
    state.register_contract(Contract(state, "pool", "ethereum"))
    state.mint(weth, "alice", 100)
    state.drain_events()
    return state, weth


class TestEventLog:
    def test_a_nested_revert_truncates_only_its_own_events(self, world):
        """Events of an inner reverted snapshot go; the outer transaction's stay, in order."""
        state, weth = world
        with state.tx("alice"):
            state.transfer(weth, "alice", "bob", 1)
            inner = state.snapshot()
            state.transfer(weth, "alice", "bob", 2)
            state.emit(Transfer(weth, "x", "y", 0))
            state.revert(inner)
            state.transfer(weth, "alice", "carol", 3)
        assert [(e.dst, e.amount) for e in state.events] == [("bob", 1), ("carol", 3)]
        assert state.balance_of(weth, "bob") == 1 and state.balance_of(weth, "carol") == 3

    def test_an_outer_revert_truncates_committed_inner_events(self, world):
        state, weth = world
        outer = state.snapshot()
        with state.atomic():
            state.transfer(weth, "alice", "bob", 5)
        state.revert(outer)
        assert state.events == [] and state.balance_of(weth, "bob") == 0

    def test_a_drain_inside_a_snapshot_is_refused_so_marks_stay_valid(self, world):
        state, _ = world
        snap = state.snapshot()
        with pytest.raises(InvalidArgument, match="inside an open transaction"):
            state.drain_events()
        state.commit(snap)


class TestTransferEntry:
    def test_one_entry_restores_both_balances(self, world):
        """A transfer to a new holder logs one entry; undo restores the sender and removes the
        new key (a missing holder stays missing)."""
        state, weth = world
        book = state._balances[weth]
        snap = state.snapshot()
        state.transfer(weth, "alice", "carol", 7)
        assert state._journal.entries[-1] == (book, "alice", 100, "carol", MISSING)
        state.revert(snap)
        assert book == {"alice": 100} and state.holders(weth) == {"alice": 100}

    def test_entries_undo_newest_first(self, world):
        state, weth = world
        with pytest.raises(KeyError), state.tx("alice"):
            state.transfer(weth, "alice", "bob", 10)
            state.transfer(weth, "alice", "bob", 20)
            with state.tx("bob"):
                state.transfer(weth, "bob", "carol", 30)
            raise KeyError("undo")
        assert state.holders(weth) == {"alice": 100} and "bob" not in state._balances[weth]


class TestPut:
    def test_put_is_journaled_like_store(self, world):
        state, _ = world
        state.put("pool", "r", (1, 2))
        version = state.version
        with pytest.raises(KeyError), state.tx():
            state.put("pool", "r", (3, 4))
            state.put("pool", "new", 5)
            assert state.load("pool", "r") == (3, 4)
            raise KeyError("undo")
        assert state.load("pool", "r") == (1, 2) and state.load("pool", "new", None) is None
        assert state.version > version

    def test_put_to_an_unknown_contract(self, world):
        state, _ = world
        with pytest.raises(UnknownContract):
            state.put("nobody", "r", 1)


class TestStorage:
    def test_a_facade_reads_its_own_state(self, world):
        """The facade's storage is its state's records; a fork's facade reads the fork's."""
        state, _ = world
        pool = state.contract("pool")
        state.store("pool", "k", 1)
        fork = state.fork()
        fork.store("pool", "k", 2)
        assert pool._load("k") == 1 and pool.on(fork)._load("k") == 2
        assert pool._storage is state._records["pool"] and pool.on(fork)._storage is fork._records["pool"]

    def test_an_unregistered_facade_raises_unknown_contract(self, world):
        state, _ = world
        with pytest.raises(UnknownContract):
            Contract(state, "ghost", "ethereum")._load("k")


def _aave_mul(a: int, b: int, half: int) -> bool:
    """True where Aave's wadMul/rayMul/percentMul revert: ``b != 0 && a > (MAX - half) / b``."""
    return b != 0 and a > (fp.UINT256_MAX - half) // b


def _aave_div(a: int, b: int, unit: int) -> type[Exception] | None:
    """The revert of Aave's wadDiv/rayDiv/percentDiv: zero divisor first, then overflow."""
    if b == 0:
        return DivisionByZero
    return Overflow if a > (fp.UINT256_MAX - b // 2) // unit else None


MULS = [(fp.wad_mul, fp.HALF_WAD, fp.WAD), (fp.ray_mul, fp.HALF_RAY, fp.RAY),
        (fp.percent_mul, fp.HALF_PERCENTAGE_FACTOR, fp.PERCENTAGE_FACTOR)]
DIVS = [(fp.wad_div, fp.WAD), (fp.ray_div, fp.RAY), (fp.percent_div, fp.PERCENTAGE_FACTOR)]
wide = st.integers(min_value=-(2**257), max_value=2**257)


class TestOverflowOnTheProduct:
    @pytest.mark.parametrize("mul, half, unit", MULS)
    def test_the_bound_and_one_past_it(self, mul, half, unit):
        """The largest a for a given b passes (with Aave's result), a + 1 reverts."""
        for b in (1, 3, unit, unit + 7, 2**100):
            a = (fp.UINT256_MAX - half) // b
            assert mul(a, b) == (a * b + half) // unit
            with pytest.raises(Overflow):
                mul(a + 1, b)

    @pytest.mark.parametrize("mul, half, unit", MULS)
    @given(a=wide, b=wide)
    def test_reverts_exactly_where_aave_does(self, mul, half, unit, a, b):
        """Any ints, negatives included: a revert exactly where Aave's formula says, else its value."""
        if _aave_mul(a, b, half):
            with pytest.raises(Overflow):
                mul(a, b)
        else:
            assert mul(a, b) == (a * b + half) // unit

    @pytest.mark.parametrize("div, unit", DIVS)
    @given(a=wide, b=wide)
    def test_divisions_revert_exactly_where_aave_does(self, div, unit, a, b):
        expected = _aave_div(a, b, unit)
        if expected is None:
            assert div(a, b) == (a * unit + b // 2) // b
        else:
            with pytest.raises(expected):
                div(a, b)

    @pytest.mark.parametrize("div, unit", DIVS)
    def test_a_zero_divisor_is_named_before_an_overflow(self, div, unit):
        with pytest.raises(DivisionByZero):
            div(fp.UINT256_MAX, 0)
        b = 5
        a = (fp.UINT256_MAX - b // 2) // unit
        assert div(a, b) == (a * unit + b // 2) // b
        with pytest.raises(Overflow):
            div(a + 1, b)


class Echo(Contract):
    """A contract whose external actions report their arguments and the caller they saw."""

    @external
    def call(self, a: int, b: int = 2, *, c: int = 3) -> tuple[int, int, int, str | None]:
        return a, b, c, self.msg_sender

    @external
    def named(self, state: str, frames: int = 0) -> tuple[str, int, list[str]]:
        """Parameters named as the chain's own words: the wrapper's locals never shadow them."""
        return state, frames, list(self.state._frames)

    @external
    def fail(self, amount: int) -> None:
        raise KeyError(amount)


class TestExternal:
    @pytest.fixture
    def echo(self, world):
        state, _ = world
        return state.register_contract(Echo(state, "echo", "ethereum"))

    def test_the_wrapper_keeps_the_signature(self, world, echo):
        """Positional, default and keyword-only arguments pass through; the signature reads as the method's."""
        state, _ = world
        assert inspect.signature(Echo.call) == inspect.signature(Echo.call.__wrapped__)
        assert Echo.call.__doc__ is None and Echo.named.__doc__.startswith("Parameters named")
        with state.tx("alice"):
            assert echo.call(1) == (1, 2, 3, "alice")
            assert echo.call(1, 5, c=7) == (1, 5, 7, "alice")
            assert echo.call(a=4, b=6) == (4, 6, 3, "alice")
        with pytest.raises(TypeError):
            echo.call(1, 2, 3)  # c is keyword-only

    def test_parameters_named_like_the_chain(self, world, echo):
        state, _ = world
        with state.tx("alice"):
            assert echo.named("s", 9) == ("s", 9, ["alice", "echo"])

    def test_the_frame_pops_on_error_and_a_call_outside_frames_is_a_transaction(self, world, echo):
        state, _ = world
        count = state.tx_count
        with pytest.raises(KeyError):
            echo.fail(1)
        assert state._frames == [] and state.tx_count == count + 1


class TestVersion:
    def test_every_write_changes_it_and_it_never_repeats(self, world):
        """Writes in and out of transactions move the version; a commit keeps it; an undo moves
        it past every version its writes had; a fork starts at its parent's."""
        state, weth = world
        seen = [state.version]
        state.transfer(weth, "alice", "bob", 1)
        seen.append(state.version)
        with pytest.raises(KeyError), state.tx("alice"):
            state.transfer(weth, "alice", "bob", 1)
            seen.append(state.version)
            state.put("pool", "r", 1)
            seen.append(state.version)
            raise KeyError("undo")
        seen.append(state.version)
        with state.tx("alice"):
            state.transfer(weth, "alice", "bob", 2)
            inside = state.version
        seen.append(state.version)
        assert len(set(seen)) == len(seen) and seen == sorted(seen) and state.version == inside
        assert state.fork().version == state.version
