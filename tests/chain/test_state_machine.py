"""A hypothesis state machine drives the ledger and journal against a slow reference model.

The reference keeps plain dicts and undoes by deep copy: obviously correct, and compared with
the journaled state after every step (as py-evm tests its journal). Forks are checked for
isolation: writes to a fork never show in its parent, and the reverse.
"""

from __future__ import annotations

import copy

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from chain import UINT256_MAX, InsufficientAllowance, InsufficientBalance, LstlabError, State

ACCOUNTS = ["a", "b", "c"]
amounts = st.integers(min_value=0, max_value=10**6)


def _world() -> State:
    state = State()
    state.add_network("ethereum")
    state.add_network("l2", block_time=2)
    state.add_token("ethereum", "WETH")
    state.add_token("l2", "USDC", 6)
    for name in ACCOUNTS:
        state.add_account(name)
    return state


class Model:
    """The slow reference: balances, supplies and allowances in plain dicts."""

    def __init__(self, state: State) -> None:
        self.balances = {t: {a: 0 for a in ACCOUNTS} for t in state.tokens}
        self.supply = {t: 0 for t in state.tokens}
        self.allowances: dict[tuple, int] = {}

    def transfer(self, token, src, dst, amount) -> None:
        if self.balances[token][src] < amount:
            raise InsufficientBalance("model")
        self.balances[token][src] -= amount
        self.balances[token][dst] += amount


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = _world()
        self.model = Model(self.state)
        self.snapshots: list[tuple[object, Model, str]] = []
        self.forks: list[tuple[State, dict]] = []  # (fork, the balances it must keep)

    tokens = st.sampled_from([0, 1])
    accounts = st.sampled_from(ACCOUNTS)

    def _token(self, i: int):
        return self.state.tokens[i]

    @rule(i=tokens, to=accounts, amount=amounts)
    def mint(self, i, to, amount) -> None:
        token = self._token(i)
        self.state.mint(token, to, amount)
        self.model.balances[token][to] += amount
        self.model.supply[token] += amount

    @rule(i=tokens, frm=accounts, amount=amounts)
    def burn(self, i, frm, amount) -> None:
        token = self._token(i)
        try:
            self.state.burn(token, frm, amount)
        except InsufficientBalance:
            assert self.model.balances[token][frm] < amount
            return
        self.model.balances[token][frm] -= amount
        self.model.supply[token] -= amount

    @rule(i=tokens, src=accounts, dst=accounts, amount=amounts)
    def transfer(self, i, src, dst, amount) -> None:
        token = self._token(i)
        try:
            self.state.transfer(token, src, dst, amount)
        except InsufficientBalance:
            assert self.model.balances[token][src] < amount
            return
        self.model.transfer(token, src, dst, amount)

    @rule(i=tokens, owner=accounts, spender=accounts, amount=st.one_of(amounts, st.just(UINT256_MAX)))
    def approve(self, i, owner, spender, amount) -> None:
        token = self._token(i)
        self.state.approve(token, owner, spender, amount)
        self.model.allowances[(token, owner, spender)] = amount

    @rule(i=tokens, spender=accounts, src=accounts, dst=accounts, amount=amounts)
    def transfer_from(self, i, spender, src, dst, amount) -> None:
        token = self._token(i)
        key = (token, src, spender)
        allowed = self.model.allowances.get(key, 0)
        try:
            self.state.transfer_from(token, spender, src, dst, amount)
        except InsufficientAllowance:
            assert spender != src and allowed < amount
            return
        except InsufficientBalance:
            assert self.model.balances[token][src] < amount
            return
        if spender != src and allowed != UINT256_MAX:
            self.model.allowances[key] = allowed - amount
        self.model.transfer(token, src, dst, amount)

    @rule(i=tokens, src=accounts, dst=accounts, amount=amounts, fail=st.booleans())
    def transaction(self, i, src, dst, amount, fail) -> None:
        """A transaction of two transfers that fails midway when asked: all or nothing."""
        token = self._token(i)
        before = self.state.digest()
        model_before = copy.deepcopy(self.model)
        try:
            with self.state.tx(src):
                self.state.transfer(token, src, dst, amount)
                self.model.transfer(token, src, dst, amount)
                self.state.advance(12)
                if fail:
                    raise RuntimeError("fails midway")
                self.state.transfer(token, dst, src, amount // 2)
                self.model.transfer(token, dst, src, amount // 2)
        except (LstlabError, RuntimeError):
            self.model = model_before
            assert self.state.digest() == before

    @rule()
    def open_snapshot(self) -> None:
        self.snapshots.append((self.state.snapshot(), copy.deepcopy(self.model), self.state.digest()))

    @precondition(lambda self: self.snapshots)
    @rule(depth=st.integers(min_value=0, max_value=5), keep=st.booleans())
    def close_snapshot(self, depth, keep) -> None:
        """Revert or commit one open snapshot; every later one closes with it."""
        depth = min(depth, len(self.snapshots) - 1)
        snap, model, digest = self.snapshots[depth]
        del self.snapshots[depth:]
        if keep:
            self.state.commit(snap)
        else:
            self.state.revert(snap)
            self.model = model
            assert self.state.digest() == digest

    @rule()
    def fork(self) -> None:
        child = self.state.fork()
        child.mint(child.tokens[0], "a", 7)  # a write to the child only
        expected = copy.deepcopy(self.model.balances)
        expected[child.tokens[0]]["a"] += 7
        self.forks.append((child, expected))

    @invariant()
    def matches_model(self) -> None:
        for token in self.state.tokens:
            book = {a: self.state.balance_of(token, a) for a in ACCOUNTS}
            assert book == self.model.balances[token]
            assert min(book.values()) >= 0
            assert sum(book.values()) == self.state.total_supply(token) == self.model.supply[token]
        for (token, owner, spender), amount in self.model.allowances.items():
            assert self.state.allowance(token, owner, spender) == amount

    @invariant()
    def forks_are_isolated(self) -> None:
        """A fork keeps exactly its own balances whatever the parent did since (and vice versa:
        the parent matches the model, which never saw the fork's mint)."""
        for child, expected in self.forks:
            for token in child.tokens:
                assert {a: child.balance_of(token, a) for a in ACCOUNTS} == expected[token]


TestLedgerMachine = LedgerMachine.TestCase
