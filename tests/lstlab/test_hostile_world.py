"""A hostile actor on the whole default world: every contract's address (and other users') in
every address argument of every package's public actions, from a script and from the actor's
own transaction. No call may break an invariant, raise an untyped exception or half-write.

Invariants after every step: every token conserved (balances sum to supply, none negative); each
lending reserve solvent (what its suppliers are owed is covered by its cash and its debt); the
issuer's books (its buffered ETH held, the share rate unmoved by the actor); the bridge backed;
no delegate's voting power above the votes token's supply; the honest lender's claim intact.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from chain import RAY, WAD
from lstlab.world import default_world, names
from tests.hostile import attempt

EVE = "eve"
_BASE = default_world()
CONTRACTS = tuple(sorted(c.address for c in _BASE.state.contracts()))
PARTIES = (*CONTRACTS, EVE, names.BORROWER, names.LP, names.DAO)
"""Who the actor names as acting party, payer or beneficiary (the lender is the honest party
watched: from a script it could act for itself; eve tries it from her own transaction below)."""
AMOUNTS = st.sampled_from((0, 1, 10**15, 10**18, 5 * 10**18, 10**21, 10**24))
party = st.sampled_from(PARTIES)


class HostileWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = _BASE.fork()
        w = self.world
        w.fund(w.weth, EVE, 1_000 * WAD)
        w.fund(w.usdc, EVE, 10**12)
        w.stake(EVE, 100 * WAD)
        self.lender_claim = w.market.supplied(names.LENDER, w.weth)
        self.rate = w.issuer.st_per_token()

    def _attempt(self, in_tx: bool, action) -> None:
        """``action`` from a script or in eve's transaction (:func:`tests.hostile.attempt`)."""
        attempt(self.world.state, EVE if in_tx else None, action)

    # --- lending -----------------------------------------------------------------------------

    @rule(in_tx=st.booleans(), user=party, beneficiary=party, amount=AMOUNTS)
    def supply(self, in_tx, user, beneficiary, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.market.supply(user, w.weth, amount, on_behalf_of=beneficiary))

    @rule(in_tx=st.booleans(), user=party, amount=AMOUNTS)
    def withdraw(self, in_tx, user, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.market.withdraw(user, w.weth, amount))

    @rule(amount=AMOUNTS)
    def withdraw_for_the_lender(self, amount):
        w = self.world
        assert not attempt(w.state, EVE, lambda: w.market.withdraw(names.LENDER, w.weth, amount))

    @rule(in_tx=st.booleans(), user=party, amount=AMOUNTS)
    def borrow(self, in_tx, user, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.market.borrow(user, w.usdc, amount // 10**12))

    @rule(in_tx=st.booleans(), user=party, payer=party, amount=AMOUNTS)
    def repay(self, in_tx, user, payer, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.market.repay(user, w.weth, amount, payer=payer))

    @rule(in_tx=st.booleans(), liquidator=party, user=party, amount=AMOUNTS)
    def liquidate(self, in_tx, liquidator, user, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.market.liquidate(liquidator, user, w.wsteth, w.weth, amount))

    @rule(in_tx=st.booleans(), receiver=party, victim=party, amount=AMOUNTS)
    def flash_loan_stealing(self, in_tx, receiver, victim, amount):
        w = self.world

        def callback(state, asset, got, premium):
            state.transfer(asset, victim, EVE, got)  # take someone else's tokens instead of repaying

        self._attempt(in_tx, lambda: w.market.flash_loan(receiver, w.weth, amount, callback))

    # --- the issuer ------------------------------------------------------------------------------

    @rule(in_tx=st.booleans(), user=party, amount=AMOUNTS)
    def submit(self, in_tx, user, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.issuer.submit(user, amount))

    @rule(in_tx=st.booleans(), src=party, dst=party, amount=AMOUNTS)
    def steth_transfer(self, in_tx, src, dst, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.issuer.transfer(src, dst, amount))

    @rule(in_tx=st.booleans(), user=party, amount=AMOUNTS, wrap=st.booleans())
    def wrap_or_unwrap(self, in_tx, user, amount, wrap):
        w = self.world
        self._attempt(in_tx, lambda: (w.wrapper.wrap if wrap else w.wrapper.unwrap)(user, amount))

    @rule(in_tx=st.booleans(), owner=party, amount=AMOUNTS)
    def request_withdrawal(self, in_tx, owner, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.queue.request_withdrawal(owner, amount))

    # --- pools -----------------------------------------------------------------------------------

    @rule(in_tx=st.booleans(), sender=party, amount=AMOUNTS, i=st.sampled_from((0, 1)))
    def curve_exchange(self, in_tx, sender, amount, i):
        w = self.world
        self._attempt(in_tx, lambda: w.curve.exchange(sender, i, 1 - i, amount, 0))

    @rule(in_tx=st.booleans(), sender=party, amount=AMOUNTS)
    def curve_add_liquidity(self, in_tx, sender, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.curve.add_liquidity(sender, [amount, 0], 0))

    @rule(in_tx=st.booleans(), sender=party, to=party, amount=AMOUNTS)
    def router_swap(self, in_tx, sender, to, amount):
        w = self.world
        now = w.state.now
        self._attempt(in_tx, lambda: w.router.swap_exact_in(sender, amount, 0, [w.weth, w.wsteth], to, now + 60))

    @rule(in_tx=st.booleans(), to=party)
    def pair_skim(self, in_tx, to):
        w = self.world
        self._attempt(in_tx, lambda: w.pair.skim(to))

    # --- the bridge and governance ---------------------------------------------------------------

    @rule(in_tx=st.booleans(), sender=party, recipient=party, amount=AMOUNTS)
    def bridge_deposit(self, in_tx, sender, recipient, amount):
        w = self.world
        self._attempt(in_tx, lambda: w.bridge.deposit(sender, amount, recipient))

    @rule(in_tx=st.booleans(), caller=party)
    def relayed_rate(self, in_tx, caller):
        w = self.world
        self._attempt(in_tx, lambda: w.feed("l2:wsteth-steth").receive(2 * WAD, w.state.now, caller))

    @rule(in_tx=st.booleans(), caller=party)
    def timelock_queue(self, in_tx, caller):
        w = self.world
        self._attempt(in_tx, lambda: w.state.contract(names.TIMELOCK).queue(caller, 1, ()))

    @rule(in_tx=st.booleans(), account=party, delegatee=party)
    def delegate(self, in_tx, account, delegatee):
        w = self.world
        self._attempt(in_tx, lambda: w.votes.delegate(account, delegatee))

    @rule(in_tx=st.booleans(), src=party, dst=party, amount=AMOUNTS,
          which=st.sampled_from(("weth", "wsteth", "usdc", "l2_wsteth", "ldo")))
    def raw_transfer(self, in_tx, src, dst, amount, which):
        w = self.world
        token = w.state.token(names.ETH, "LDO") if which == "ldo" else getattr(w, which)
        self._attempt(in_tx, lambda: w.state.transfer(token, src, dst, amount))

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def every_token_is_conserved(self):
        state = self.world.state
        for token in state.tokens:
            balances = state.holders(token).values()
            assert all(b >= 0 for b in balances)
            assert sum(balances) == state.total_supply(token)

    @invariant()
    def every_reserve_is_solvent(self):
        for market in self.world.markets().values():
            for token in market.reserves():
                rs = market.reserve_state(token)
                owed = (rs.scaled_supply + rs.accrued_to_treasury) * market.liquidity_index(token) // RAY
                cash = self.world.state.balance_of(token, market.address)
                debt = rs.scaled_debt * market.borrow_index(token) // RAY
                assert owed <= cash + debt + 1  # one wei of index rounding

    @invariant()
    def the_issuer_books_hold(self):
        w = self.world
        pool = w.issuer.pool()
        assert pool.buffered <= w.state.balance_of(w.weth, names.ISSUER)
        assert w.issuer.st_per_token() >= self.rate  # nobody can dilute the holders

    @invariant()
    def the_bridge_is_backed(self):
        assert self.world.bridge.backing().ratio >= 1

    @invariant()
    def no_delegate_votes_above_supply(self):
        w = self.world
        supply = w.state.total_supply(w.votes.token)
        assert sum(w.votes.get_votes(account) for account in PARTIES) <= supply

    @invariant()
    def the_lender_keeps_its_claim(self):
        w = self.world
        assert w.market.supplied(names.LENDER, w.weth) >= self.lender_claim


TestHostileWorld = HostileWorld.TestCase
TestHostileWorld.settings = settings(max_examples=60, stateful_step_count=25, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
