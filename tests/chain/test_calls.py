"""The caller model (chain.calls): call frames, who may act, who may move which tokens."""

from __future__ import annotations

import attrs
import pytest

from chain import (
    Contract,
    Governable,
    InsufficientBalance,
    NotTheCaller,
    ParamSpec,
    State,
    Unauthorized,
    UnknownAccount,
    UnknownContract,
    WrongNetwork,
    external,
)

E18 = 10**18


@attrs.frozen
class _Seen:
    caller: str | None


class Probe(Governable, Contract):
    """Records who called it; moves its own WETH from its code; calls others from its code."""

    kind = "test.probe"

    def param_specs(self):
        return {"knob": ParamSpec("knob", 0, 100)}

    def get_param(self, name):
        return self._load("knob", 0)

    def _apply_param(self, name, value):
        self._store("knob", value)

    @external
    def touch(self) -> str | None:
        """Store and return ``msg_sender`` as seen inside an external method."""
        self._store("seen", _Seen(self.msg_sender))
        return self.msg_sender

    @external
    def act_for(self, who: str) -> str:
        return self.authorize(who, "user")

    @external
    def pay(self, token, to: str, amount: int) -> None:
        self.state.transfer(token, self.address, to, amount)

    @external
    def pull(self, token, frm: str, amount: int) -> None:
        """Move ``frm``'s tokens into this contract from its code (transferFrom after approval)."""
        self.state.transfer(token, frm, self.address, amount)

    @external
    def call(self, other: str, method: str, *args):
        return getattr(self.state.contract(other), method)(*args)

    @external
    def fail_after_touch(self) -> None:
        self._store("seen", _Seen(self.msg_sender))
        raise InsufficientBalance("fails on purpose")

    @external
    def lend(self, receiver: str, callback) -> str | None:
        return self.call_back(receiver, callback)


@pytest.fixture
def world():
    state = State()
    state.add_network("ethereum")
    state.add_network("optimism")
    weth = state.add_token("ethereum", "WETH")
    for name in ("alice", "bob"):
        state.add_account(name)
    a = state.register_contract(Probe(state, "a", "ethereum"))
    b = state.register_contract(Probe(state, "b", "ethereum"))
    state.register_contract(Probe(state, "l2", "optimism"))
    state.mint(weth, "alice", 10 * E18)
    state.mint(weth, "a", 5 * E18)
    return state, weth, a, b


class TestFrames:
    def test_caller_outside_inside_a_tx_and_inside_code(self, world):
        """No frame: None; a tx pushes its EOA; an external method pushes its contract."""
        state, _, a, b = world
        assert state.caller is None and a.msg_sender is None
        assert a.touch() is None
        with state.tx("alice"):
            assert state.caller == "alice" and a.msg_sender == "alice"
            assert a.touch() == "alice"
            assert a.call("b", "touch") == "a"  # b sees a's code as its caller
            assert b._load("seen") == _Seen("a")
        assert state.caller is None and state._frames == []

    def test_frames_pop_when_code_raises(self, world):
        """An exception inside an external method leaves no frame behind."""
        state, _, a, _ = world
        with pytest.raises(InsufficientBalance), state.tx("alice"):
            a.fail_after_touch()
        assert state._frames == [] and a._load("seen", None) is None

    def test_a_contract_never_sends_a_transaction(self, world):
        """state.tx refuses a contract's address (NotTheCaller) and an unknown one (UnknownAccount)."""
        state = world[0]
        with pytest.raises(NotTheCaller):
            state.tx("a")
        with pytest.raises(UnknownAccount):
            state.tx("mallory")

    def test_call_back_runs_in_the_receivers_frame(self, world):
        """A callback run through call_back sees the receiver as the caller of what it calls."""
        state, _, a, b = world
        assert a.lend("b", lambda: b.msg_sender) == "a"  # b runs; below it, the lender's code
        assert a.lend("b", a.touch) == "b"  # the lender called back from b's code sees b
        assert a.lend("bob", lambda: state.caller) == "bob"
        assert state._frames == []

    def test_fork_starts_with_no_frames(self, world):
        """A fork taken inside a tx keeps no frame of its parent, and keeps its version."""
        state, _, a, _ = world
        with state.tx("alice"):
            fork = state.fork()
            assert fork.version == state.version
            assert fork.caller is None
            assert a.on(fork).touch() is None
            assert state.caller == "alice"


class TestAuthorize:
    def test_outside_every_frame_only_an_account_acts(self, world):
        """Called from outside, an EOA is its own implicit tx; a contract is refused."""
        _, _, a, _ = world
        assert a.authorize("alice") == "alice"
        with pytest.raises(NotTheCaller):
            a.authorize("b")
        with pytest.raises(NotTheCaller):
            a.authorize("a")
        with pytest.raises(UnknownAccount):
            a.authorize("mallory")

    def test_inside_a_frame_the_party_must_be_the_caller(self, world):
        """In alice's tx alice acts and bob does not; in a's code a acts for itself only."""
        state, _, a, b = world
        with state.tx("alice"):
            assert a.act_for("alice") == "alice"
            with pytest.raises(NotTheCaller):
                a.act_for("bob")
            assert b.call("a", "act_for", "b") == "b"
            with pytest.raises(NotTheCaller):
                b.call("a", "act_for", "alice")

    def test_acting_names_or_takes_the_msg_sender(self, world):
        """acting(None) is the msg_sender; a named caller must be vouched for."""
        state, _, a, _ = world
        assert a.acting() is None and a.acting("alice") == "alice"
        with state.tx("bob"):
            assert a.acting() == "bob"
            with pytest.raises(NotTheCaller):
                a.acting("alice")


class TestTransferRules:
    def test_an_account_moves_only_its_own_tokens(self, world):
        """In alice's tx alice's WETH moves, bob's does not; outside a frame the owner's does."""
        state, weth, _, _ = world
        state.mint(weth, "bob", E18)
        with state.tx("alice"):
            state.transfer(weth, "alice", "bob", E18)
            with pytest.raises(NotTheCaller):
                state.transfer(weth, "bob", "alice", E18)
            with pytest.raises(NotTheCaller):
                state.approve(weth, "bob", "alice", E18)
        state.transfer(weth, "bob", "alice", 2 * E18)
        assert (state.balance_of(weth, "alice"), state.balance_of(weth, "bob")) == (11 * E18, 0)

    def test_a_contracts_tokens_move_only_from_its_code(self, world):
        """state.transfer of a's WETH from outside or from alice's tx is refused; a's code moves it."""
        state, weth, a, _ = world
        before = state.digest()
        with pytest.raises(NotTheCaller):
            state.transfer(weth, "a", "alice", E18)
        with pytest.raises(NotTheCaller), state.tx("alice"):
            state.transfer(weth, "a", "alice", E18)
        assert state.digest() == before
        a.pay(weth, "bob", 2 * E18)
        assert state.balance_of(weth, "bob") == 2 * E18 and state.balance_of(weth, "a") == 3 * E18

    def test_contract_code_may_pull_what_its_logic_decides(self, world):
        """Inside a's code a user's tokens move into a (the EVM's transferFrom after approval)."""
        state, weth, a, _ = world
        with state.tx("alice"):
            a.pull(weth, "alice", 4 * E18)
        assert state.balance_of(weth, "a") == 9 * E18

    def test_transfer_from_checks_the_spender(self, world):
        """transfer_from is refused when the frame is not the spender's."""
        state, weth, _, _ = world
        state.approve(weth, "alice", "bob", 3 * E18)
        with pytest.raises(NotTheCaller), state.tx("alice"):
            state.transfer_from(weth, "bob", "alice", "bob", E18)
        with state.tx("bob"):
            state.transfer_from(weth, "bob", "alice", "bob", E18)
        assert state.allowance(weth, "alice", "bob") == 2 * E18
        assert state.balance_of(weth, "bob") == E18


class TestController:
    def test_a_controlled_token_moves_only_from_its_controller(self, world):
        """With a as controller: transfer, approve, mint and burn elsewhere revert; a's code does them."""
        state, _, a, _ = world
        vote = state.add_token("ethereum", "VOTE")
        state.mint(vote, "alice", 5)
        state.set_token_controller(vote, "a")
        assert state.token_controller(vote) == "a"
        before = state.digest()
        for call in (
            lambda: state.transfer(vote, "alice", "bob", 1),
            lambda: state.approve(vote, "alice", "bob", 1),
            lambda: state.mint(vote, "bob", 1),
            lambda: state.burn(vote, "alice", 1),
        ):
            with pytest.raises(NotTheCaller):
                call()
            with pytest.raises(NotTheCaller), state.tx("alice"):
                call()
        with pytest.raises(NotTheCaller):
            world[3].pull(vote, "alice", 1)  # another contract's code is not the controller
        assert state.digest() == before
        a.pull(vote, "alice", 2)
        assert state.balance_of(vote, "a") == 2

    def test_controller_rules(self, world):
        """A controller is a contract of the token's network, set once."""
        state, _, _, _ = world
        vote = state.add_token("ethereum", "VOTE")
        with pytest.raises(UnknownContract):
            state.set_token_controller(vote, "alice")
        with pytest.raises(WrongNetwork):
            state.set_token_controller(vote, "l2")
        state.set_token_controller(vote, "a")
        with pytest.raises(Exception, match="already controlled"):
            state.set_token_controller(vote, "b")
        fork = state.fork()
        assert fork.token_controller(vote) == "a"


class TestGovernableAdmin:
    def test_a_contract_admin_sets_parameters_only_from_its_code(self, world):
        """With b as admin, naming b from outside is refused; b's code sets the parameter."""
        state, _, a, b = world
        a.set_param_admin("b")
        before = state.digest()
        with pytest.raises(NotTheCaller):
            a.set_param("knob", 7, "b")
        with pytest.raises(Unauthorized):
            a.set_param("knob", 7)
        with pytest.raises(Unauthorized), state.tx("alice"):
            a.set_param("knob", 7)
        assert state.digest() == before
        b.call("a", "set_param", "knob", 7)
        assert a.get_param("knob") == 7
        b.call("a", "set_param", "knob", 8, "b")
        assert a.get_param("knob") == 8

    def test_an_account_admin_acts_in_its_own_transaction(self, world):
        state, _, a, _ = world
        a.set_param_admin("alice")
        a.set_param("knob", 3, "alice")
        with state.tx("alice"):
            a.set_param("knob", 4)
        with pytest.raises(NotTheCaller), state.tx("bob"):
            a.set_param("knob", 5, "alice")
        assert a.get_param("knob") == 4
