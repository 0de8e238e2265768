"""The ledger and the journal: exact balances, bad input, transactions, snapshots, forks."""

from __future__ import annotations

import pytest

from chain import (
    UINT256_MAX,
    ZERO_ADDRESS,
    Approval,
    Contract,
    DuplicateName,
    InputError,
    InsufficientAllowance,
    InsufficientBalance,
    InvalidAmount,
    InvalidSnapshot,
    Overflow,
    Revert,
    State,
    Transfer,
    UnknownAccount,
    UnknownNetwork,
    UnknownToken,
    WrongNetwork,
)


@pytest.fixture
def world():
    state = State()
    state.add_network("ethereum")
    state.add_network("arbitrum", block_time=1)
    weth = state.add_token("ethereum", "WETH")
    usdc = state.add_token("arbitrum", "USDC", 6)
    for name in ("alice", "bob"):
        state.add_account(name)
    state.register_contract(Contract(state, "pool", "ethereum"))
    state.mint(weth, "alice", 10**18)
    state.mint(usdc, "alice", 5 * 10**6)
    return state, weth, usdc


class TestBadInput:
    """Each malformed call raises a typed InputError and writes nothing."""

    @pytest.mark.parametrize(
        "amount", [-1, 1.0, 0.5, True, False, "1", None, 2**256, 10**80],
        ids=["negative", "float", "float-frac", "true", "false", "str", "none", "2**256", "huge"],
    )
    def test_transfer_amounts(self, world, amount):
        """A negative, float, bool, str, None or > uint256 amount is InvalidAmount."""
        state, weth, _ = world
        before = state.digest()
        for call in (
            lambda: state.transfer(weth, "alice", "bob", amount),
            lambda: state.mint(weth, "alice", amount),
            lambda: state.burn(weth, "alice", amount),
            lambda: state.approve(weth, "alice", "bob", amount),
            lambda: state.transfer_from(weth, "bob", "alice", "bob", amount),
        ):
            with pytest.raises(InvalidAmount):
                call()
        assert state.digest() == before

    def test_unknown_token(self, world):
        """A token of another state, or a non-token, is UnknownToken."""
        state, _, _ = world
        other = State()
        other.add_network("ethereum")
        foreign = other.add_token("ethereum", "DAI")
        before = state.digest()
        for token in (foreign, "WETH", None):
            with pytest.raises(UnknownToken):
                state.transfer(token, "alice", "bob", 1)
        with pytest.raises(UnknownToken):
            state.token("ethereum", "DAI")
        assert state.digest() == before

    def test_token_of_another_network(self, world):
        """A contract on ethereum cannot receive an arbitrum token; require_token checks it."""
        state, weth, usdc = world
        before = state.digest()
        with pytest.raises(WrongNetwork, match="lives on 'ethereum'"):
            state.transfer(usdc, "alice", "pool", 1)
        with pytest.raises(WrongNetwork):
            state.require_token(usdc, "ethereum")
        assert state.require_token(weth, "ethereum") is weth
        assert state.digest() == before

    def test_unknown_account(self, world):
        """An address never added is UnknownAccount, for sender, recipient and tx sender."""
        state, weth, _ = world
        before = state.digest()
        with pytest.raises(UnknownAccount):
            state.transfer(weth, "alice", "mallory", 1)
        with pytest.raises(UnknownAccount):
            state.transfer(weth, "mallory", "alice", 0)
        with pytest.raises(UnknownAccount):
            state.tx("mallory")
        assert state.digest() == before

    def test_registries(self, world):
        """Duplicate or malformed names and unknown networks are typed input errors."""
        state, _, _ = world
        before = state.digest()
        with pytest.raises(DuplicateName):
            state.add_account("alice")
        with pytest.raises(DuplicateName):
            state.add_account("pool")
        with pytest.raises(DuplicateName):
            state.add_token("ethereum", "WETH")
        with pytest.raises(UnknownNetwork):
            state.add_token("solana", "SOL")
        with pytest.raises(InputError):
            state.add_account("token:x")
        with pytest.raises(InputError):
            state.add_token("ethereum", "X", decimals=1.5)
        with pytest.raises(InvalidAmount):
            state.advance(-1)
        assert state.digest() == before

    def test_errors_say_what_to_do(self, world):
        state, weth, _ = world
        with pytest.raises(InsufficientBalance) as info:
            state.transfer(weth, "bob", "alice", 1)
        assert isinstance(info.value, Revert) and info.value.code == "INSUFFICIENT_BALANCE"
        assert str(info.value) == "[INSUFFICIENT_BALANCE] bob holds 0 of ethereum:WETH and cannot send 1"


class TestLedger:
    def test_transfer_exact_and_event(self, world):
        state, weth, _ = world
        state.transfer(weth, "alice", "bob", 3)
        assert state.balance_of(weth, "alice") == 10**18 - 3
        assert state.balance_of(weth, "bob") == 3
        assert state.events[-1] == Transfer(weth, "alice", "bob", 3)

    def test_transfer_whole_balance_and_one_wei_more(self, world):
        """The whole balance moves; one wei more reverts (the boundary)."""
        state, weth, _ = world
        with pytest.raises(InsufficientBalance):
            state.transfer(weth, "alice", "bob", 10**18 + 1)
        state.transfer(weth, "alice", "bob", 10**18)
        assert state.balance_of(weth, "alice") == 0

    def test_mint_burn_supply(self, world):
        state, weth, _ = world
        state.burn(weth, "alice", 4)
        assert state.total_supply(weth) == 10**18 - 4
        assert state.events[-1] == Transfer(weth, "alice", ZERO_ADDRESS, 4)
        with pytest.raises(Overflow):
            state.mint(weth, "bob", UINT256_MAX)
        assert state.total_supply(weth) == 10**18 - 4

    @pytest.mark.parametrize("inside", [True, False])
    def test_mint_many_equals_the_mints_one_after_another(self, world, inside):
        """The same balances, supply, events and transaction count as the calls in order (a
        holder twice and a zero amount included), inside a transaction or outside (then each
        mint is a transaction of its own); reverting the transaction undoes all of it."""
        state, weth, _ = world
        mints = [("bob", 5), ("pool", 0), ("alice", 7), ("bob", 11)]
        twin = state.fork()
        before = state.digest()
        count = state.tx_count
        if inside:
            with state.tx("alice"), twin.tx("alice"):
                state.mint_many(weth, mints)
                for to, amount in mints:
                    twin.mint(weth, to, amount)
        else:
            state.mint_many(weth, mints)
            for to, amount in mints:
                twin.mint(weth, to, amount)
        assert state.digest() == twin.digest() != before
        assert state.events[-4:] == twin.events[-4:] == [Transfer(weth, ZERO_ADDRESS, to, a) for to, a in mints]
        assert state.tx_count - count == twin.tx_count - count == (1 if inside else 4)
        assert state.balance_of(weth, "bob") == 16 and state.total_supply(weth) == 10**18 + 23
        with pytest.raises(KeyError), state.tx("alice"):
            state.mint_many(weth, [("bob", 1)])
            raise KeyError("undo")
        assert state.digest() == twin.digest()

    @pytest.mark.parametrize("bad", [[("bob", 1), ("nobody", 1)], [("bob", -1)], [("bob", UINT256_MAX)],
                                     [("bob", 1), ("arb-contract", 1)]])
    def test_mint_many_checks_everything_before_the_first_write(self, world, bad):
        state, weth, _ = world
        state.register_contract(Contract(state, "arb-contract", "arbitrum"))
        before = state.digest()
        errors = (UnknownAccount, InvalidAmount, Overflow, WrongNetwork)
        with state.tx("alice"):
            with pytest.raises(errors):
                state.mint_many(weth, bad)
            assert state.digest() == before  # inside the transaction: nothing was written to undo
        with pytest.raises(errors):
            state.mint_many(weth, bad)
        assert state.digest() == before

    def test_allowance(self, world):
        """transfer_from spends the allowance exactly; an infinite allowance stays infinite."""
        state, weth, _ = world
        state.approve(weth, "alice", "bob", 10)
        assert state.events[-1] == Approval(weth, "alice", "bob", 10)
        state.transfer_from(weth, "bob", "alice", "bob", 7)
        assert state.allowance(weth, "alice", "bob") == 3
        before = state.digest()
        with pytest.raises(InsufficientAllowance):
            state.transfer_from(weth, "bob", "alice", "bob", 4)
        assert state.digest() == before
        state.approve(weth, "alice", "bob", UINT256_MAX)
        state.transfer_from(weth, "bob", "alice", "bob", 100)
        assert state.allowance(weth, "alice", "bob") == UINT256_MAX

    def test_transfer_from_reverts_allowance_when_balance_short(self, world):
        """An allowance large enough but a balance too small writes nothing."""
        state, weth, _ = world
        state.approve(weth, "bob", "alice", 50)
        before = state.digest()
        with pytest.raises(InsufficientBalance):
            state.transfer_from(weth, "alice", "bob", "alice", 50)
        assert state.digest() == before


class TestTransactions:
    def test_failed_tx_reverts_everything(self, world):
        """Balances, allowances, records, events, the clock and registrations all revert."""
        state, weth, _ = world
        before = state.digest()
        with pytest.raises(InsufficientBalance), state.tx("alice"):
            state.transfer(weth, "alice", "bob", 5)
            state.approve(weth, "alice", "bob", 9)
            state.store("pool", "k", ("v", 1))
            state.advance(60)
            state.add_account("carol")
            state.transfer(weth, "alice", "bob", state.balance_of(weth, "alice") + 1)
        assert state.digest() == before
        assert state.now == 1_600_000_000

    def test_non_lstlab_exception_propagates_and_reverts(self, world):
        state, weth, _ = world
        before = state.digest()
        with pytest.raises(KeyError), state.tx("alice"):
            state.transfer(weth, "alice", "bob", 5)
            raise KeyError("boom")
        assert state.digest() == before

    def test_sender_and_nesting(self, world):
        state, weth, _ = world
        assert state.sender is None
        with state.tx("alice"):
            state.transfer(weth, "alice", "bob", 1)
            with pytest.raises(InsufficientBalance), state.tx("bob"):
                assert state.sender == "bob"
                state.transfer(weth, "bob", "pool", 1)
                state.transfer(weth, "bob", "pool", 2)
            assert state.sender == "alice"
            assert state.balance_of(weth, "bob") == 1  # the inner tx reverted alone
            state.transfer(weth, "alice", "bob", 1)
        assert state.balance_of(weth, "bob") == 2

    def test_snapshots_nest_and_close(self, world):
        state, weth, _ = world
        outer = state.snapshot()
        state.transfer(weth, "alice", "bob", 1)
        inner = state.snapshot()
        state.transfer(weth, "alice", "bob", 2)
        state.revert(outer)  # closes inner too
        assert state.balance_of(weth, "bob") == 0
        with pytest.raises(InvalidSnapshot):
            state.revert(inner)
        with pytest.raises(InvalidSnapshot):
            state.commit(outer)
        snap = state.snapshot()
        state.transfer(weth, "alice", "bob", 4)
        state.commit(snap)
        assert state.balance_of(weth, "bob") == 4
        assert not state.in_transaction

    def test_snapshot_of_another_state(self, world):
        state, _, _ = world
        child = state.fork()
        snap = child.snapshot()
        with pytest.raises(InvalidSnapshot):
            state.revert(snap)


class TestForkAndRecords:
    def test_fork_isolation_both_ways(self, world):
        state, weth, _ = world
        state.store("pool", "reserve", (1, 2))
        child = state.fork()
        child.transfer(weth, "alice", "bob", 10)
        child.store("pool", "reserve", (3, 4))
        state.transfer(weth, "alice", "bob", 1)
        assert state.balance_of(weth, "bob") == 1 and child.balance_of(weth, "bob") == 10
        assert state.load("pool", "reserve") == (1, 2) and child.load("pool", "reserve") == (3, 4)

    def test_contract_facade_rebinds_on_fork(self, world):
        state, _, _ = world
        pool = state.contract("pool")
        child = state.fork()
        assert pool.on(child).state is child and pool.state is state
        assert child.contract("pool").address == "pool"

    def test_clock_and_blocks(self, world):
        state, _, _ = world
        state.advance(25)
        assert state.now == 1_600_000_025
        assert state.block_number("ethereum") == 2
        assert state.block_number("arbitrum") == 25

    def test_drain_events_outside_transactions_only(self, world):
        state, weth, usdc = world
        events = state.drain_events()
        assert events == [Transfer(weth, ZERO_ADDRESS, "alice", 10**18), Transfer(usdc, ZERO_ADDRESS, "alice", 5 * 10**6)]
        assert state.events == []
        with state.tx("alice"), pytest.raises(InputError):
            state.drain_events()


class TestAtomic:
    def test_atomic_context_and_decorator(self, world):
        """state.atomic() and @atomic undo every write on error and keep them on success."""
        from chain import atomic

        state, weth, _ = world

        class Mover(Contract):
            kind = "test.mover"

            @atomic
            def move_twice(self, amount):
                self.state.transfer(weth, "alice", "bob", amount)
                self._store("moved", amount)
                self.state.transfer(weth, "alice", "bob", amount)

        mover = state.register_contract(Mover(state, "mover", "ethereum"))
        before = state.digest()
        with pytest.raises(InsufficientBalance):
            mover.move_twice(6 * 10**17)
        assert state.digest() == before
        mover.move_twice(10**17)
        assert state.balance_of(weth, "bob") == 2 * 10**17 and mover._load("moved") == 10**17
        with pytest.raises(ValueError), state.atomic():
            state.transfer(weth, "alice", "bob", 1)
            raise ValueError
        assert state.balance_of(weth, "bob") == 2 * 10**17 and state.sender is None


def test_has_address(world):
    state, _, _ = world
    assert state.has_address("alice") and state.has_address("pool") and not state.has_address("mallory")
