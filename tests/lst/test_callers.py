"""Who may act on lst contracts (chain.calls): the caller the chain vouches for, no contract
acting outside its own code, no half-written hook, no address of another network. Each test
is a reproduction of issue 13 through the public API."""

from __future__ import annotations

import chain
from chain import Contract
from lst import InsufficientBuffer, Issuer, RateFeed, UnstakePool, WithdrawalQueue, Wrapper

from .conftest import ETH, make_world, unchanged


def in_tx(state, sender, fn):
    """Run ``fn()`` inside ``sender``'s transaction and return its result."""
    with state.tx(sender):
        return fn()


def with_l2_contract(state):
    """Add an "optimism" network with a contract "aave-l2" on it (a stand-in L2 market)."""
    state.add_network("optimism")
    state.register_contract(Contract(state, "aave-l2", "optimism"))
    return "aave-l2"


class TestContractsActOnlyFromTheirCode:
    def test_issuer_cannot_submit_for_itself(self, world):
        """100 x submit("lido", 1 ETH) used to buffer 101 ETH against 1 ETH held, then deposit
        reverted: each is refused, from a script or from another contract's code, nothing is
        written, and the buffer still equals the balance."""
        state, weth, issuer = world
        state.register_contract(Contract(state, "other", "ethereum"))
        for _ in range(100):
            unchanged(state, lambda: issuer.submit("lido", ETH), chain.NotTheCaller)
            unchanged(
                state, lambda: issuer.call_back("other", issuer.submit, "lido", ETH), chain.NotTheCaller
            )
        assert issuer.pool().buffered == state.balance_of(weth, "lido") == ETH

    def test_issuer_code_staking_into_itself_is_refused(self, world):
        """Even from the issuer's own frame, the issuer as staker is refused (its native would
        be counted twice)."""
        state, _weth, issuer = world
        unchanged(state, lambda: issuer.call_back("lido", issuer.submit, "lido", ETH), chain.InvalidArgument)

    def test_account_acts_only_for_itself(self, world):
        """Inside bob's transaction, alice's submit or transfer is refused; bob's own works."""
        state, _weth, issuer = world
        issuer.submit("alice", 2 * ETH)

        def as_bob(fn):
            return in_tx(state, "bob", fn)

        unchanged(state, lambda: as_bob(lambda: issuer.submit("alice", ETH)), chain.NotTheCaller)
        unchanged(state, lambda: as_bob(lambda: issuer.transfer("alice", "bob", ETH)), chain.NotTheCaller)
        unchanged(
            state, lambda: as_bob(lambda: issuer.transfer_from("alice", "bob", ETH)), chain.NotTheCaller
        )
        assert as_bob(lambda: issuer.submit("bob", ETH)) == ETH
        assert issuer.balance_of("bob") == ETH

    def test_wrapper_cannot_wrap_for_itself(self, full):
        """wrap("wsteth", ...) used to mint wstETH backed by no shares: refused, nothing written."""
        state, _weth, issuer, wrapper, _queue = full
        issuer.submit("alice", 10 * ETH)
        wrapper.wrap("alice", 3 * ETH)
        unchanged(state, lambda: wrapper.wrap("wsteth", ETH), chain.NotTheCaller)
        unchanged(state, lambda: wrapper.unwrap("wsteth", ETH), chain.NotTheCaller)
        assert issuer.shares_of("wsteth") == state.total_supply(wrapper.token) == 3 * ETH

    def test_contract_shares_move_only_from_its_code(self, full):
        """A script cannot move the wrapper's shares out with the issuer's transfer."""
        state, _weth, issuer, wrapper, _queue = full
        issuer.submit("alice", 10 * ETH)
        wrapper.wrap("alice", 3 * ETH)
        unchanged(state, lambda: issuer.transfer("wsteth", "bob", ETH), chain.NotTheCaller)
        unchanged(state, lambda: issuer.transfer_shares("wsteth", "bob", ETH), chain.NotTheCaller)
        unchanged(state, lambda: issuer.transfer_from("wsteth", "bob", ETH), chain.NotTheCaller)

    def test_transfer_to_the_issuer_refused(self, world):
        """Lido's StETH refuses a transfer to its own contract (TRANSFER_TO_STETH_CONTRACT)."""
        state, _weth, issuer = world
        issuer.submit("alice", ETH)
        unchanged(state, lambda: issuer.transfer("alice", "lido", 1), chain.InvalidArgument)
        unchanged(state, lambda: issuer.transfer_shares("alice", "lido", 1), chain.InvalidArgument)

    def test_queue_cannot_request_for_itself(self, full):
        """request_withdrawal("wq", ...) used to make every later report revert: refused, and
        the next report finalizes alice's request as usual."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        rid = queue.request_withdrawal("alice", 4 * ETH)
        unchanged(state, lambda: queue.request_withdrawal("wq", 100), chain.NotTheCaller)
        unchanged(state, lambda: queue.request_withdrawal("lido", 100), chain.NotTheCaller)
        state.advance(3600)
        issuer.report(0)
        assert queue.request(rid).paid == 4 * ETH and issuer.shares_of("wq") == 0

    def test_claims_are_the_owner_s_and_pay_outside_the_books(self, full):
        """Only the owner claims; the queue and the issuer cannot be paid (their books would
        not count the native), an L2 contract cannot either; an account can."""
        state, weth, issuer, _wrapper, queue = full
        l2 = with_l2_contract(state)
        issuer.submit("alice", 10 * ETH)
        rid = queue.request_withdrawal("alice", ETH)
        state.advance(3600)
        issuer.report(0)
        unchanged(state, lambda: queue.claim("wq", rid), chain.NotTheCaller)
        unchanged(state, lambda: queue.claim("alice", rid, "wq"), chain.InvalidArgument)
        unchanged(state, lambda: queue.claim("alice", rid, "lido"), chain.InvalidArgument)
        unchanged(state, lambda: queue.claim("alice", rid, l2), chain.WrongNetwork)
        assert queue.claim("alice", rid, "carol") == ETH
        assert state.balance_of(weth, "wq") == queue.queue_state().locked == 0

    def test_wrapped_request_needs_the_issuer_s_wrapper(self, full):
        """request_withdrawal_wrapped refuses a contract that is not this issuer's wrapper."""
        state, _weth, issuer, wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        wrapper.wrap("alice", 3 * ETH)
        unchanged(
            state, lambda: queue.request_withdrawal_wrapped("alice", ETH, "lido"), chain.InvalidArgument
        )
        unchanged(
            state, lambda: queue.request_withdrawal_wrapped("wsteth", ETH, "wsteth"), chain.NotTheCaller
        )
        unchanged(
            state, lambda: queue.request_withdrawal_wrapped("bob", ETH, "wsteth"), chain.InsufficientBalance
        )

    def test_unstake_pool_cannot_deal_with_itself(self):
        """The pool's own address can neither sell, nor add, nor remove liquidity."""
        state, _weth, issuer = make_world()
        issuer.submit("alice", 10 * ETH)
        pool = UnstakePool.deploy(state, "liq", "ethereum", issuer="lido", liquidity_target=10 * ETH)
        pool.add_liquidity("dao", 5 * ETH)
        unchanged(state, lambda: pool.add_liquidity("liq", ETH), chain.NotTheCaller)
        unchanged(state, lambda: pool.remove_liquidity("liq", 1), chain.NotTheCaller)
        unchanged(state, lambda: pool.liquid_unstake("liq", 1), chain.NotTheCaller)
        unchanged(state, lambda: pool.liquid_unstake("lido", 1), chain.NotTheCaller)


class TestLockForWithdrawal:
    def test_only_the_queue_s_code(self, full):
        """lock_for_withdrawal("wq", 1 ETH, 1e30) from a script used to send 1 WETH, then fail
        the burn: now refused before any write, from a script or another contract's code
        (msg_sender is not the queue)."""
        state, _weth, issuer, _wrapper, _queue = full
        unchanged(state, lambda: issuer.lock_for_withdrawal("wq", ETH, 10**30), chain.Unauthorized)
        unchanged(
            state, lambda: issuer.call_back("bob", issuer.lock_for_withdrawal, "wq", 1, 0), chain.Unauthorized
        )
        unchanged(
            state,
            lambda: issuer.call_back("wsteth", issuer.lock_for_withdrawal, "wq", ETH, 10**30),
            chain.Unauthorized,
        )

    def test_validated_before_any_write(self, full):
        """From the queue's own frame, too many shares or more than the buffer: typed errors,
        nothing written; a valid lock moves exactly the native and burns exactly the shares."""
        state, weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        queue.request_withdrawal("alice", 4 * ETH)

        def lock(paid, shares):
            return queue.call_back("wq", issuer.lock_for_withdrawal, "wq", paid, shares)

        unchanged(state, lambda: lock(ETH, 10**30), chain.InsufficientBalance)
        unchanged(state, lambda: lock(11 * ETH + 1, 0), InsufficientBuffer)
        unchanged(state, lambda: lock(-1, 0), chain.InvalidAmount)
        lock(ETH, 4 * ETH)
        assert state.balance_of(weth, "wq") == ETH and issuer.shares_of("wq") == 0
        assert issuer.pool().buffered == 10 * ETH and issuer.total_shares() == 7 * ETH

    def test_attach_only_from_the_queue_s_code(self, world):
        """attach_queue from a script, or naming an account, is refused."""
        state, _weth, issuer = world
        unchanged(state, lambda: issuer.attach_queue("bob"), chain.Unauthorized)
        unchanged(state, lambda: issuer.call_back("bob", issuer.attach_queue, "bob"), chain.Unauthorized)
        WithdrawalQueue.deploy(state, "wq", "ethereum", issuer="lido")
        assert issuer.pool().queue == "wq"
        unchanged(
            state,
            lambda: WithdrawalQueue.deploy(state, "wq2", "ethereum", issuer="lido"),
            chain.InvalidArgument,
        )


class TestOnlyTheRoleMayCall:
    def test_oracle_is_the_chain_s_caller(self):
        """The oracle's name as an argument does not make bob the oracle; the oracle's own
        transaction does, with or without the argument."""
        state, _weth, issuer = make_world(oracle="oracle")

        def report_in(sender, **kwargs):
            return in_tx(state, sender, lambda: issuer.report(0, **kwargs))

        unchanged(state, lambda: report_in("bob", caller="oracle"), chain.NotTheCaller)
        unchanged(state, lambda: report_in("bob"), chain.Unauthorized)
        unchanged(state, lambda: issuer.report(0), chain.Unauthorized)
        assert report_in("oracle").rewards == 0
        assert report_in("oracle", caller="oracle").rewards == 0

    def test_oracle_contract_reports_from_its_code_only(self):
        """An oracle that is a contract reports from its own code; its name from a script is refused."""
        state, weth, _lido = make_world()
        state.register_contract(Contract(state, "hash-consensus", "ethereum"))
        issuer = Issuer.deploy(
            state,
            "lido2",
            "ethereum",
            native=weth,
            funder="dao",
            bootstrap=ETH,
            treasury="treasury",
            symbol="stETH2",
            oracle="hash-consensus",
        )
        unchanged(state, lambda: issuer.report(0, caller="hash-consensus"), chain.NotTheCaller)
        event = issuer.call_back("hash-consensus", issuer.report, 0)
        assert event.post_total_pooled == ETH

    def test_operators_only_from_the_admin(self, world):
        """Once a parameter admin is set, only its call adds operators."""
        state, _weth, issuer = world
        issuer.set_param_admin("dao")
        unchanged(state, lambda: issuer.add_operator("x", "bob"), chain.Unauthorized)
        unchanged(state, lambda: issuer.add_operator("x", "bob", caller="bob"), chain.Unauthorized)
        unchanged(
            state,
            lambda: in_tx(state, "bob", lambda: issuer.add_operator("x", "bob", caller="dao")),
            chain.NotTheCaller,
        )
        assert in_tx(state, "dao", lambda: issuer.add_operator("x", "bob")) == 2
        assert issuer.add_operator("y", "carol", caller="dao") == 3


class TestNetworks:
    def test_operator_reward_address_on_another_network(self, world):
        """add_operator("x", "aave-l2") used to be accepted and then break every fee report."""
        state, _weth, issuer = world
        l2 = with_l2_contract(state)
        unchanged(state, lambda: issuer.add_operator("x", l2), chain.WrongNetwork)

    def test_clients_on_another_network(self, world):
        """A queue, wrapper, rate feed or unstake pool on optimism over an ethereum issuer is refused."""
        state, _weth, _issuer = world
        with_l2_contract(state)
        for deploy in (
            lambda: WithdrawalQueue.deploy(state, "q", "optimism", issuer="lido"),
            lambda: Wrapper.deploy(state, "w", "optimism", issuer="lido"),
            lambda: RateFeed.deploy(state, "r", "optimism", issuer="lido"),
            lambda: UnstakePool.deploy(state, "u", "optimism", issuer="lido", liquidity_target=ETH),
        ):
            unchanged(state, deploy, chain.WrongNetwork)

    def test_deploy_roles_on_another_network(self, world):
        """The treasury and oracle of an issuer, the treasury of a pool: on the issuer's network."""
        state, weth, _issuer = world
        l2 = with_l2_contract(state)
        base = {"native": weth, "funder": "dao", "bootstrap": ETH, "symbol": "stETH2"}
        unchanged(
            state, lambda: Issuer.deploy(state, "x", "ethereum", treasury=l2, **base), chain.WrongNetwork
        )
        unchanged(
            state,
            lambda: Issuer.deploy(state, "x", "ethereum", treasury="treasury", oracle=l2, **base),
            chain.WrongNetwork,
        )
        unchanged(
            state,
            lambda: UnstakePool.deploy(
                state, "u", "ethereum", issuer="lido", liquidity_target=ETH, treasury=l2
            ),
            chain.WrongNetwork,
        )
