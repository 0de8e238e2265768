"""chain.record and chain.events: named-tuple records and events read as attrs classes, and
interned tokens."""

from __future__ import annotations

import copy
import pickle

import attrs
import pytest

from chain import Event, InvalidArgument, Record, State, Token, Transfer, check_record
from chain.record import is_tuple_record


class Reserves(Record):
    """A record with defaults and a method."""

    reserve0: int = 0
    reserve1: int = 0
    history: tuple[int, ...] = ()

    def k(self) -> int:
        return self.reserve0 * self.reserve1


class Moved(Event):
    """An event of three fields."""

    pair: str
    amount: int
    index: int  # shadows tuple.index


class TestRecord:
    def test_construction_and_fields(self):
        """Positional, keyword and default arguments build the same record; fields read by name."""
        r = Reserves(3, reserve1=5)
        assert (r.reserve0, r.reserve1, r.history, r.k()) == (3, 5, (), 15)
        assert Reserves() == Reserves(0, 0, ()) and Reserves(reserve0=3, reserve1=5) == r
        assert Reserves._make((3, 5, ())) == r and type(Reserves._make((3, 5, ()))) is Reserves

    def test_attrs_view(self):
        """attrs sees a frozen class: fields, asdict, evolve and the attrs repr."""
        r = Reserves(1, 2, (7,))
        assert attrs.has(Reserves) and [f.name for f in attrs.fields(Reserves)] == ["reserve0", "reserve1", "history"]
        assert attrs.fields(Reserves).reserve1.default == 0
        assert attrs.asdict(r) == {"reserve0": 1, "reserve1": 2, "history": (7,)}
        assert attrs.evolve(r, reserve1=9) == Reserves(1, 9, (7,))
        assert repr(r) == "Reserves(reserve0=1, reserve1=2, history=(7,))"
        assert Reserves.__match_args__ == ("reserve0", "reserve1", "history")

    def test_equality_is_by_class_and_fields(self):
        """Equal fields of another class, or a plain tuple, are never equal; equal records hash alike."""
        r = Reserves(1, 2, ())
        assert r == Reserves(1, 2, ()) and hash(r) == hash(Reserves(1, 2, ()))
        assert r != (1, 2, ()) and (1, 2, ()) != r and not r == (1, 2, ())  # noqa: SIM201
        assert Moved("p", 1, 2) != Reserves("p", 1, 2)  # type: ignore[arg-type]

    def test_immutable_and_unordered(self):
        """No attribute can be set or added; records do not order."""
        r = Reserves(1, 2)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            r.reserve0 = 5  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            r.extra = 5  # type: ignore[attr-defined]
        assert not hasattr(r, "__dict__")
        with pytest.raises(TypeError):
            _ = r < Reserves(2, 2)  # type: ignore[operator]

    def test_pickle_and_copy(self):
        r = Reserves(1, 2, (3, 4))
        assert pickle.loads(pickle.dumps(r)) == r and copy.copy(r) == r and copy.deepcopy(r) == r
        e = Moved("p", 1, 2)
        assert pickle.loads(pickle.dumps(e)) == e and type(pickle.loads(pickle.dumps(e))) is Moved

    def test_stored_as_a_record(self):
        """check_record accepts a record of immutable values and refuses one holding a list."""
        check_record(Reserves(1, 2, (3,)))
        with pytest.raises(InvalidArgument, match="mutable"):
            check_record(Reserves(1, 2, [3]))  # type: ignore[arg-type]
        assert is_tuple_record(Reserves) and is_tuple_record(Moved) and not is_tuple_record(tuple)


class TestEvent:
    def test_fields_shadow_tuple_methods(self):
        """A field named ``index`` reads the field, not tuple.index."""
        e = Moved("p", 5, 7)
        assert (e.pair, e.amount, e.index) == ("p", 5, 7)
        assert repr(e) == "Moved(pair='p', amount=5, index=7)"

    def test_transfer_reads_as_before(self):
        t = Token("ethereum", "X")
        e = Transfer(t, "a", "b", 3)
        assert attrs.asdict(e, recurse=False) == {"token": t, "src": "a", "dst": "b", "amount": 3}
        assert Transfer._make((t, "a", "b", 3)) == e

    @pytest.mark.parametrize("namespace, message", [
        ({"__annotations__": {"x": "int"}, "x": 1}, "has a default"),
        ({"__annotations__": {"x": "int"}, "f": lambda self: None}, "fields only"),
        ({"__annotations__": {"_x": "int"}}, "public name"),
    ])
    def test_refused_declarations(self, namespace, message):
        """An event holds public fields without defaults, and nothing else."""
        with pytest.raises(TypeError, match=message):
            type("Bad", (Event,), namespace)

    def test_records_derive_from_the_base_only(self):
        """No record derives from another; defaults come last."""
        with pytest.raises(TypeError, match="derive from Event only"):
            type("Bad", (Moved,), {"__annotations__": {"y": "int"}})
        with pytest.raises(TypeError, match="follows one with a default"):
            type("Bad", (Record,), {"__annotations__": {"a": "int", "b": "int"}, "a": 0})


class TestToken:
    def test_equal_tokens_are_one_object(self):
        """Constructing, pickling, copying or evolving a token gives the interned one."""
        t = Token("ethereum", "INTERNED", 6)
        assert Token("ethereum", "INTERNED", 6) is t and Token(network="ethereum", symbol="INTERNED", decimals=6) is t
        assert pickle.loads(pickle.dumps(t)) is t and copy.copy(t) is t and copy.deepcopy(t) is t
        assert attrs.evolve(t, decimals=18) is Token("ethereum", "INTERNED")
        assert t != Token("ethereum", "INTERNED") and {t: 1}[Token("ethereum", "INTERNED", 6)] == 1

    def test_key_and_repr(self):
        t = Token("l2", "K")
        assert t.key == "l2:K" and str(t) == "l2:K" and repr(t) == "Token(network='l2', symbol='K', decimals=18)"
        assert [f.name for f in attrs.fields(Token)] == ["network", "symbol", "decimals"]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            t.key = "x"  # type: ignore[misc]

    def test_a_state_finds_an_equal_token(self):
        """A token built again from its fields is the state's token (the ledger keys by identity)."""
        state = State()
        state.add_network("ethereum")
        weth = state.add_token("ethereum", "WETH")
        state.add_account("a")
        state.mint(weth, "a", 5)
        assert state.balance_of(Token("ethereum", "WETH"), "a") == 5
        assert state.require_token(pickle.loads(pickle.dumps(weth))) is weth
