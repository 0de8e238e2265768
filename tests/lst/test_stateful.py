"""A hypothesis state machine over every action, checked against ghost totals
(as Lido's invariant tests keep running totals of what was locked and claimed), with a hostile
actor that puts every contract address in every acting-party argument and acts for others
inside its own transaction: each attempt is a typed error that writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import chain
from lst import LstError, WithdrawalFinalized, WithdrawalQueue, Wrapper, ZeroDeposit

from .conftest import ETH, make_world

USERS = ("alice", "bob", "carol")
CONTRACTS = ("lido", "wsteth", "wq")
DAY = 86_400

# Calls with ``who`` where the protocol needs its caller (or, for the last ones, an address
# whose books would break); each must be refused for a contract's address used by a script.
HOSTILE = {
    "submit": lambda m, who: m.issuer.submit(who, ETH),
    "transfer": lambda m, who: m.issuer.transfer(who, "alice", 1),
    "transfer_shares": lambda m, who: m.issuer.transfer_shares(who, "alice", 1),
    "transfer_from": lambda m, who: m.issuer.transfer_from(who, "alice", 1),
    "transfer_shares_from": lambda m, who: m.issuer.transfer_shares_from(who, "alice", 1),
    "wrap": lambda m, who: m.wrapper.wrap(who, 1),
    "unwrap": lambda m, who: m.wrapper.unwrap(who, 1),
    "request": lambda m, who: m.queue.request_withdrawal(who, 100),
    "request_wrapped": lambda m, who: m.queue.request_withdrawal_wrapped(who, 100, "wsteth"),
    "claim": lambda m, who: m.queue.claim(who, 1),
    "report_as": lambda m, who: m.issuer.report(0, caller=who),
    "lock": lambda m, who: m.issuer.lock_for_withdrawal(who, 1, 0),
    "attach": lambda m, who: m.issuer.attach_queue(who),
    "lock_from_its_code": lambda m, who: (
        m.issuer.call_back(who, m.issuer.lock_for_withdrawal, "wq", 1, 10**30)
        if who != "wq"
        else m.issuer.call_back(who, m.issuer.lock_for_withdrawal, "wq", 10**30, 0)
    ),
    "pay_books": lambda m, who: m.queue.claim(
        m.queue.request(1).owner, 1, "lido" if who == "wsteth" else who
    ),
    "transfer_to_issuer": lambda m, who: m.issuer.transfer("alice", "lido", 1),
}

# Calls that act for ``victim``; inside another account's transaction each is refused.
FOR_VICTIM = {
    "submit": lambda m, victim: m.issuer.submit(victim, 1),
    "transfer": lambda m, victim: m.issuer.transfer(victim, "bob", 0),
    "transfer_from": lambda m, victim: m.issuer.transfer_from(victim, "bob", 0),
    "wrap": lambda m, victim: m.wrapper.wrap(victim, 1),
    "unwrap": lambda m, victim: m.wrapper.unwrap(victim, 1),
    "request": lambda m, victim: m.queue.request_withdrawal(victim, 100),
    "claim": lambda m, victim: m.queue.claim(victim, 1),
}


class IssuerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state, self.weth, self.issuer = make_world(operators=3)
        self.issuer.set_param("annual_increase_limit_bps", 2**64)
        self.issuer.set_param("one_off_decrease_limit_bps", 10_000)
        self.wrapper = Wrapper.deploy(self.state, "wsteth", "ethereum", issuer="lido")
        self.queue = WithdrawalQueue.deploy(
            self.state, "wq", "ethereum", issuer="lido", finalization_delay=DAY
        )
        self.pooled = ETH  # ghost: native value behind the shares
        self.locked = 0  # ghost: finalized, unclaimed native in the queue
        self.claimed = 0
        self.dust = 0  # ghost: shares the wrapper holds beyond the wrapped supply
        self.requests: dict[int, int] = {}  # id -> value at request

    def _scan(self, start: int) -> None:
        for event in self.state.events[start:]:
            if isinstance(event, WithdrawalFinalized):
                assert event.paid <= self.requests[event.request_id]
                self.pooled -= event.paid
                self.locked += event.paid

    @rule(
        user=st.sampled_from(USERS),
        amount=st.integers(1, 200).map(lambda x: x * ETH + 7) | st.integers(1, ETH),
    )
    def submit(self, user, amount):
        if self.issuer.get_shares_by_pooled(amount) == 0:
            before = self.state.digest()
            with pytest.raises(ZeroDeposit):
                self.issuer.submit(user, amount)
            assert self.state.digest() == before
            return
        self.issuer.submit(user, amount)
        self.pooled += amount

    @rule(src=st.sampled_from(USERS), dst=st.sampled_from(USERS), frac=st.integers(0, 100))
    def transfer(self, src, dst, frac):
        amount = self.issuer.balance_of(src) * frac // 100
        self.issuer.transfer(src, dst, amount)

    @rule(user=st.sampled_from(USERS), frac=st.integers(1, 100))
    def wrap(self, user, frac):
        amount = self.issuer.balance_of(user) * frac // 100
        if amount:
            self.wrapper.wrap(user, amount)

    @rule(user=st.sampled_from(USERS), frac=st.integers(1, 100))
    def unwrap(self, user, frac):
        wrapped = self.state.balance_of(self.wrapper.token, user) * frac // 100
        if wrapped:
            before = self.issuer.shares_of("wsteth")
            self.wrapper.unwrap(user, wrapped)
            self.dust += wrapped - (before - self.issuer.shares_of("wsteth"))

    @rule()
    def deposit(self):
        self.issuer.deposit()

    @rule(delta_bps=st.integers(-300, 300), withdraw_pct=st.integers(0, 100), el=st.integers(0, 10**17))
    def report(self, delta_bps, withdraw_pct, el):
        issuer = self.issuer
        pool = issuer.pool()
        pre_cl = pool.cl_balance + (pool.deposited_validators - pool.cl_validators) * issuer.size
        new_cl = pre_cl * (10_000 + delta_bps) // 10_000
        withdrawn = new_cl * withdraw_pct // 100
        holders = {u: issuer.balance_of(u) for u in USERS}
        t0, s0 = issuer.total_pooled(), issuer.total_shares()
        self.state.advance(DAY)
        start = len(self.state.events)
        event = issuer.report(new_cl - withdrawn, withdrawn=withdrawn, el_rewards=el)
        self.pooled += new_cl - pre_cl + el
        # every holder's balance moves by the report's rate change (finalization included), to 1 wei
        t1, s1 = event.post_total_pooled, event.post_total_shares
        assert (t1, s1) == (issuer.total_pooled(), issuer.total_shares())
        for u, before in holders.items():
            after = issuer.balance_of(u)
            assert abs(after * t0 * s1 - before * t1 * s0) <= t0 * s1 + t1 * s0
        self._scan(start)

    @rule(operator=st.integers(0, 2), count=st.integers(1, 3))
    def slash(self, operator, count):
        if not self.issuer.operator(operator).active:
            return
        before = self.state.digest()
        try:
            self.pooled -= self.issuer.slash(operator, count=count)
        except chain.InvalidArgument:  # the CL balance was withdrawn below the penalty
            assert self.state.digest() == before

    @rule(user=st.sampled_from(USERS), frac=st.integers(1, 100))
    def request(self, user, frac):
        amount = min(self.issuer.balance_of(user) * frac // 100, 1000 * ETH)
        if amount >= 100 and self.issuer.to_shares(amount) <= self.issuer.shares_of(user):
            rid = self.queue.request_withdrawal(user, amount)
            self.requests[rid] = amount

    @precondition(lambda self: self.requests)
    @rule(pick=st.integers(0, 99))
    def claim(self, pick):
        rid = sorted(self.requests)[pick % len(self.requests)]
        req = self.queue.request(rid)
        before = self.state.digest()
        try:
            paid = self.queue.claim(req.owner, rid)
        except LstError:
            assert self.state.digest() == before
            return
        assert paid == req.paid <= self.requests[rid]
        self.locked -= paid
        self.claimed += paid

    @rule(call=st.sampled_from(sorted(HOSTILE)), who=st.sampled_from(CONTRACTS))
    def hostile_contract_address(self, call, who):
        if call == "pay_books" and not self.requests:
            return
        before = self.state.digest()
        with pytest.raises(chain.LstlabError):
            HOSTILE[call](self, who)
        assert self.state.digest() == before

    @rule(
        call=st.sampled_from(sorted(FOR_VICTIM)),
        attacker=st.sampled_from(USERS),
        victim=st.sampled_from(USERS),
    )
    def hostile_impersonation(self, call, attacker, victim):
        if attacker == victim:
            return
        before = self.state.digest()
        with pytest.raises(chain.NotTheCaller), self.state.tx(attacker):
            FOR_VICTIM[call](self, victim)
        assert self.state.digest() == before

    @invariant()
    def shares_add_up(self):
        book = self.state.holders(self.issuer.token)
        assert sum(book.values()) == self.issuer.total_shares()

    @invariant()
    def native_conserved(self):
        assert self.issuer.total_pooled() == self.pooled
        assert self.state.balance_of(self.weth, "wq") == self.locked == self.queue.queue_state().locked
        assert self.state.balance_of(self.weth, "lido") == self.issuer.pool().buffered

    @invariant()
    def wrapper_backed(self):
        assert self.issuer.shares_of("wsteth") == self.state.total_supply(self.wrapper.token) + self.dust

    @invariant()
    def queue_holds_pending_shares(self):
        q = self.queue.queue_state()
        pending = sum(self.queue.request(i).shares for i in range(q.last_finalized + 1, q.last_id + 1))
        assert self.issuer.shares_of("wq") == pending


IssuerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestIssuerMachine = IssuerMachine.TestCase
