"""The checkpointed votes wrapper: deposits, withdrawals, transfers, delegation, past power."""

from __future__ import annotations

import pytest

from chain import (
    InsufficientAllowance,
    InsufficientBalance,
    InvalidAmount,
    UnknownAccount,
    UnknownToken,
    WrongNetwork,
)
from governance import (
    MAX_SAFE_SUPPLY,
    DelegateChanged,
    DelegateVotesChanged,
    FutureLookup,
    InvalidReceiver,
    SafeSupplyExceeded,
    VotesToken,
    linear_lookup,
    upper_lookup_recent,
)
from tests.governance.conftest import E18, mine


class TestWrapper:
    def test_deposit_escrows_underlying_and_mints_one_for_one(self, world):
        """deposit_for moves the underlying into escrow and mints the same amount to the account."""
        world.state.mint(world.lst, "alice", 5 * E18)
        world.votes.deposit_for("alice", "bob", 3 * E18)
        assert world.state.balance_of(world.lst, "alice") == 2 * E18
        assert world.state.balance_of(world.lst, "vLST-wrapper") == 3 * E18
        assert world.votes.balance_of("bob") == 3 * E18
        assert world.votes.total_supply() == 3 * E18

    def test_withdraw_burns_and_releases(self, world):
        """withdraw_to burns the sender's votes token and pays the underlying to the account."""
        world.fund("alice", 5 * E18)
        world.votes.withdraw_to("alice", "carol", 2 * E18)
        assert world.votes.balance_of("alice") == 3 * E18
        assert world.state.balance_of(world.lst, "carol") == 2 * E18
        assert world.votes.get_votes("alice") == 3 * E18
        assert world.votes.total_supply() == 3 * E18

    def test_undelegated_balance_has_no_power(self, world):
        """As OpenZeppelin Votes: a balance counts for nobody until its holder delegates."""
        world.fund("alice", 5 * E18, delegate_to=None)
        assert world.votes.get_votes("alice") == 0
        world.votes.delegate("alice", "alice")
        assert world.votes.get_votes("alice") == 5 * E18

    def test_deploy_rejects_a_token_of_another_network(self, world):
        """The underlying must live on the wrapper's network; nothing is written."""
        world.state.add_network("arbitrum")
        other = world.state.add_token("arbitrum", "X")
        before = world.state.digest()
        with pytest.raises(WrongNetwork):
            VotesToken.deploy(world.state, "w2", "ethereum", underlying=other)
        assert world.state.digest() == before

    @pytest.mark.parametrize(
        ("call", "error"),
        [
            (lambda v: v.deposit_for("alice", "alice", 6 * E18), InsufficientBalance),
            (lambda v: v.deposit_for("alice", "alice", -1), InvalidAmount),
            (lambda v: v.deposit_for("alice", "alice", 1.0), InvalidAmount),
            (lambda v: v.deposit_for("alice", "nobody", 1), UnknownAccount),
            (lambda v: v.deposit_for("alice", "vLST-wrapper", 1), InvalidReceiver),
            (lambda v: v.withdraw_to("alice", "alice", 6 * E18 + 1), InsufficientBalance),
            (lambda v: v.withdraw_to("alice", "vLST-wrapper", 1), InvalidReceiver),
            (lambda v: v.transfer("alice", "bob", 5 * E18 + 1), InsufficientBalance),
            (lambda v: v.transfer("alice", "ghost", 1), UnknownAccount),
            (lambda v: v.transfer_from("bob", "alice", "bob", 1), InsufficientAllowance),
            (lambda v: v.delegate("alice", "ghost"), UnknownAccount),
            (lambda v: v.get_past_votes("alice", v.clock()), FutureLookup),
            (lambda v: v.get_past_total_supply(v.clock() + 5), FutureLookup),
            (lambda v: v.get_past_votes("alice", -1), FutureLookup),
        ],
    )
    def test_bad_input_writes_nothing(self, world, call, error):
        """Each bad call raises its typed error and leaves the digest unchanged."""
        world.fund("alice", 5 * E18)
        world.state.mint(world.lst, "alice", 5 * E18)
        mine(world.state)
        before = world.state.digest()
        with pytest.raises(error):
            call(world.votes)
        assert world.state.digest() == before

    def test_supply_cap_is_uint208(self, world):
        """A deposit past 2**208-1 reverts as ERC20Votes' safe supply; one wei less succeeds."""
        world.state.mint(world.lst, "alice", MAX_SAFE_SUPPLY + 1)
        before = world.state.digest()
        with pytest.raises(SafeSupplyExceeded):
            world.votes.deposit_for("alice", "alice", MAX_SAFE_SUPPLY + 1)
        assert world.state.digest() == before
        world.votes.deposit_for("alice", "alice", MAX_SAFE_SUPPLY)
        assert world.votes.total_supply() == MAX_SAFE_SUPPLY

    def test_transfer_from_spends_allowance_and_moves_power(self, world):
        """transfer_from moves balance and power within the allowance."""
        world.fund("alice", 5 * E18)
        world.votes.delegate("bob", "bob")
        world.votes.approve("alice", "carol", 2 * E18)
        world.votes.transfer_from("carol", "alice", "bob", 2 * E18)
        assert world.votes.get_votes("alice") == 3 * E18
        assert world.votes.get_votes("bob") == 2 * E18
        assert world.state.allowance(world.votes.token, "alice", "carol") == world.votes.allowance("alice", "carol") == 0

    def test_unknown_underlying(self, world):
        """An underlying that is not a token of the state is refused."""
        with pytest.raises(UnknownToken):
            VotesToken.deploy(world.state, "w3", "ethereum", underlying="LST")


class TestDelegation:
    def test_delegation_moves_power_exactly(self, world):
        """Delegating moves exactly the delegator's balance from the old delegate to the new."""
        world.fund("alice", 7 * E18)
        world.fund("bob", 2 * E18)
        world.votes.delegate("alice", "bob")
        assert world.votes.get_votes("alice") == 0
        assert world.votes.get_votes("bob") == 9 * E18
        world.votes.delegate("alice", "carol")
        assert world.votes.get_votes("bob") == 2 * E18
        assert world.votes.get_votes("carol") == 7 * E18
        world.votes.delegate("alice", None)
        assert world.votes.get_votes("carol") == 0
        assert world.votes.delegates("alice") is None

    def test_delegation_events(self, world):
        """delegate emits DelegateChanged then DelegateVotesChanged for both sides."""
        world.fund("alice", 7 * E18)
        world.state.drain_events()
        world.votes.delegate("alice", "bob")
        assert world.state.events == [
            DelegateChanged("vLST-wrapper", "alice", "alice", "bob"),
            DelegateVotesChanged("vLST-wrapper", "alice", 7 * E18, 0),
            DelegateVotesChanged("vLST-wrapper", "bob", 0, 7 * E18),
        ]

    def test_transfers_follow_delegates(self, world):
        """A transfer moves power between the sender's and receiver's delegates."""
        world.fund("alice", 10 * E18, delegate_to="carol")
        world.votes.delegate("bob", "dave")
        world.votes.transfer("alice", "bob", 4 * E18)
        assert world.votes.get_votes("carol") == 6 * E18
        assert world.votes.get_votes("dave") == 4 * E18


class TestCheckpoints:
    def test_one_checkpoint_per_block_holds_the_block_end_value(self, world):
        """Two moves in one block leave one checkpoint with the value at the block's end."""
        world.fund("alice", 10 * E18)
        world.votes.delegate("bob", "bob")
        start = world.votes.clock()
        world.votes.transfer("alice", "bob", 1 * E18)
        world.votes.transfer("alice", "bob", 2 * E18)
        assert world.votes.num_checkpoints("alice") == 1
        mine(world.state)
        world.votes.transfer("alice", "bob", 3 * E18)
        mine(world.state)
        assert world.votes.num_checkpoints("alice") == 2
        assert world.votes.checkpoint("alice", 0).block == start
        assert world.votes.get_past_votes("alice", start) == 7 * E18
        assert world.votes.get_past_votes("alice", start + 1) == 4 * E18
        assert world.votes.get_past_votes("bob", start) == 3 * E18
        assert world.votes.get_past_total_supply(start) == 10 * E18

    def test_before_the_first_checkpoint_power_is_zero(self, world):
        """Blocks before any checkpoint read 0."""
        mine(world.state, 5)
        world.fund("alice", 10 * E18)
        mine(world.state)
        assert world.votes.get_past_votes("alice", 4) == 0
        assert world.votes.get_past_votes("alice", 5) == 10 * E18
        assert world.votes.get_past_total_supply(4) == 0

    def test_search_agrees_with_a_linear_scan(self, world):
        """upper_lookup_recent answers like a full scan at every block of a long history."""
        world.fund("alice", 1_000)
        world.votes.delegate("bob", "bob")
        for i in range(40):
            mine(world.state, 1 + i % 3)
            world.votes.transfer("alice", "bob", i % 5)
        mine(world.state)
        history = ("votes", "alice")
        for block in range(world.votes.clock()):
            expected = linear_lookup(world.votes, history, block)
            assert upper_lookup_recent(world.votes, history, block) == expected
            assert world.votes.get_past_votes("alice", block) == expected
