"""Withdrawal queue: request, finalize at min(request rate, finalization rate), claim
(lidofinance/lido-dao contracts/0.8.9/WithdrawalQueue.sol, WithdrawalQueueBase.sol)."""

from __future__ import annotations

import chain
from lst import (
    NotRequestOwner,
    RequestAlreadyClaimed,
    RequestNotFinalized,
    RequestTooLarge,
    RequestTooSmall,
    StakingPaused,
    UnknownRequest,
    WithdrawalClaimed,
    WithdrawalFinalized,
    WithdrawalRequested,
    claimable,
)

from .conftest import ETH, unchanged

RAY = 10**27


class TestRequest:
    def test_locks_shares(self, full):
        """A request moves the owner's shares into the queue and records the value."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        assert queue.request_withdrawal("alice", 4 * ETH) == 1
        assert issuer.shares_of("wq") == 4 * ETH
        assert state.events[-1] == WithdrawalRequested("wq", 1, "alice", 4 * ETH, 4 * ETH)
        assert queue.queue_length() == (1, 4 * ETH)

    def test_bounds(self, full):
        """100 wei is the minimum, 1000 ETH the maximum (Lido MIN/MAX_STETH_WITHDRAWAL_AMOUNT)."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 2000 * ETH)
        unchanged(state, lambda: queue.request_withdrawal("alice", 99), RequestTooSmall)
        unchanged(state, lambda: queue.request_withdrawal("alice", 1000 * ETH + 1), RequestTooLarge)
        unchanged(state, lambda: queue.request_withdrawal("alice", 0), RequestTooSmall)
        unchanged(state, lambda: queue.request_withdrawal("bob", 100), chain.InsufficientBalance)
        unchanged(state, lambda: queue.request_withdrawal("alice", -5), chain.InvalidAmount)
        unchanged(state, lambda: queue.request_withdrawal("nobody", 100), chain.UnknownAccount)
        assert queue.request_withdrawal("alice", 100) == 1
        assert queue.request_withdrawal("alice", 1000 * ETH) == 2
        issuer.set_param("paused", 1)
        unchanged(state, lambda: queue.request_withdrawal("alice", 100), StakingPaused)

    def test_wrapped_request(self, full):
        """wstETH is unwrapped and requested in one call."""
        state, _weth, issuer, wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        wrapper.wrap("alice", 3 * ETH)
        rid = queue.request_withdrawal_wrapped("alice", 3 * ETH, "wsteth")
        assert queue.request(rid).amount == 3 * ETH and state.total_supply(wrapper.token) == 0


class TestFinalize:
    def test_delay_then_claim_exact(self, full):
        """Finalized only after the delay; the claim pays exactly the request's value."""
        state, weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        rid = queue.request_withdrawal("alice", 4 * ETH)
        issuer.report(0)
        assert queue.request(rid).paid is None
        state.advance(3600)
        issuer.report(0)
        assert queue.request(rid).paid == 4 * ETH
        assert state.events[-2] == WithdrawalFinalized("wq", 1, 4 * ETH, 4 * ETH, RAY)
        assert issuer.total_shares() == 7 * ETH and issuer.total_pooled() == 7 * ETH
        before = state.balance_of(weth, "alice")
        assert queue.claim("alice", rid) == 4 * ETH
        assert state.balance_of(weth, "alice") == before + 4 * ETH
        assert state.events[-1] == WithdrawalClaimed("wq", 1, "alice", "alice", 4 * ETH)
        unchanged(state, lambda: queue.claim("alice", rid), RequestAlreadyClaimed)

    def test_buffer_limits_finalization_and_deposits(self, full):
        """Deposits leave requested native in the buffer; a request beyond the buffer waits."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 95 * ETH)  # 96 ETH pooled
        queue.request_withdrawal("alice", 33 * ETH)
        assert issuer.depositable() == 63 * ETH
        assert issuer.deposit() == 1
        state.advance(3600)
        issuer.report(32 * ETH)
        assert queue.request(1).paid == 33 * ETH
        queue.request_withdrawal("alice", 40 * ETH)
        state.advance(3600)
        issuer.report(32 * ETH)
        assert queue.request(2).paid is None and queue.queue_length() == (1, 40 * ETH)
        assert queue.expected_wait() == 3600 + issuer.preset.unbonding_seconds
        issuer.report(0, withdrawn=32 * ETH)  # the validator exits; its 32 ETH returns
        assert queue.request(2).paid == 40 * ETH

    def test_loss_discounts_at_finalization_rate(self, full):
        """After a slashing the request pays shares * rate // 1e27, below its request value."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 63 * ETH)
        issuer.deposit()
        queue.request_withdrawal("alice", 10 * ETH)  # shares 10 ETH at rate 1
        issuer.slash(0)  # 1 ETH penalty: T = 63 ETH, S = 64 ETH
        state.advance(3600)
        issuer.report(53 * ETH, withdrawn=10 * ETH)  # the CL confirms the loss; 10 ETH exit
        rate = 63 * ETH * RAY // (64 * ETH)
        assert queue.request(1).paid == 10 * ETH * rate // RAY == 9843750000000000000

    def test_gain_pays_request_value(self, full):
        """After rewards the request still pays its value at request time; the gain stays."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 63 * ETH)
        issuer.deposit()
        queue.request_withdrawal("alice", 10 * ETH)
        state.advance(3600)
        issuer.report(54 * ETH + 10**14, withdrawn=10 * ETH)
        assert queue.request(1).paid == 10 * ETH
        assert issuer.total_pooled() == 54 * ETH + 10**14

    def test_claimable_table(self):
        """min(amount, shares*rate//1e27), the discount only when the request's rate is higher."""
        assert claimable(100, 100, RAY) == 100
        assert claimable(100, 90, RAY) == 90
        assert claimable(100, 100, 2 * RAY) == 100
        assert claimable(100, 90, RAY * 10 // 9) == 100


class TestClaim:
    def test_bad_claims(self, full):
        """Unknown, foreign, unfinalized and double claims: typed errors, nothing written."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        rid = queue.request_withdrawal("alice", ETH)
        unchanged(state, lambda: queue.claim("alice", rid), RequestNotFinalized)
        unchanged(state, lambda: queue.claim("alice", 7), UnknownRequest)
        unchanged(state, lambda: queue.claim("alice", "1"), UnknownRequest)
        state.advance(3600)
        issuer.report(0)
        unchanged(state, lambda: queue.claim("bob", rid), NotRequestOwner)
        unchanged(state, lambda: queue.claim("alice", rid, "nobody"), chain.UnknownAccount)
        assert queue.claim("alice", rid, "bob") == ETH
        unchanged(state, lambda: queue.claim("alice", rid), RequestAlreadyClaimed)

    def test_graph_edge(self, full):
        """An open request is an edge owner -> queue."""
        state, _weth, issuer, _wrapper, queue = full
        issuer.submit("alice", 10 * ETH)
        queue.request_withdrawal("alice", ETH)
        edges = {(u, v, d["kind"]) for u, v, d in state.graph().edges(data=True)}
        assert ("alice", "wq", "withdrawal-request") in edges


def test_value_accruing_queue():
    """With a value-accruing token the request is in token units and valued at the rate."""
    import chain as _chain
    from lst import SOLANA, Issuer, WithdrawalQueue

    state = _chain.State()
    state.add_network("solana")
    sol = state.add_token("solana", "SOL", 9)
    for a in ("dao", "treasury", "alice"):
        state.add_account(a)
        state.mint(sol, a, 10**20)
    issuer = Issuer.deploy(
        state, "m", "solana", native=sol, funder="dao", bootstrap=10**9, treasury="treasury", preset=SOLANA
    )
    queue = WithdrawalQueue.deploy(state, "q", "solana", issuer="m")
    issuer.report(0, el_rewards=10**9)  # 2 SOL behind 1 mSOL share
    issuer.submit("alice", 4 * 10**9)  # 2 mSOL
    unchanged(state, lambda: queue.request_withdrawal("alice", 49), RequestTooSmall)  # 98 lamports
    rid = queue.request_withdrawal("alice", 10**9)
    assert (queue.request(rid).amount, queue.request(rid).shares) == (2 * 10**9, 10**9)
    state.advance(SOLANA.unbonding_seconds)
    queue.finalize()
    assert queue.claim("alice", rid) == 2 * 10**9
