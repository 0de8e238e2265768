"""wstETH: wrap/unwrap at the share rate, rounding dust kept by the wrapper
(lidofinance/lido-dao contracts/0.6.12/WstETH.sol)."""

from __future__ import annotations

import chain
from lst import StakingPaused, Wrapper, ZeroDeposit

from .conftest import ETH, make_world, unchanged


def wrapped_world():
    """T=20, S=6 (bootstrap 3 wei, 7 wei EL rewards, alice 10 wei) with a wrapper."""
    state, _weth, issuer = make_world(bootstrap=3)
    issuer.report(0, el_rewards=7)
    issuer.submit("alice", 10)
    return state, issuer, Wrapper.deploy(state, "wsteth", "ethereum", issuer="lido")


class TestWrap:
    def test_wrap_is_shares(self):
        """Wrapping 7 wei at T=20, S=6 mints floor(7*6/20) = 2 wrapped and moves 2 shares."""
        state, issuer, w = wrapped_world()
        assert w.wrap("alice", 7) == 2
        assert state.balance_of(w.token, "alice") == 2
        assert issuer.shares_of("wsteth") == 2
        assert issuer.shares_of("alice") == 1

    def test_unwrap_leaves_dust_in_wrapper(self):
        """At T=20, S=6: 2 wrapped -> floor(2*20/6) = 6 wei, which moves floor(6*6/20) = 1
        share: the wrapper keeps the other share as dust, so its shares exceed the supply."""
        state, issuer, w = wrapped_world()
        assert w.wrap("alice", 7) == 2
        assert w.unwrap("alice", 2) == 6
        assert issuer.shares_of("wsteth") == 1 and state.total_supply(w.token) == 0
        assert issuer.shares_of("alice") == 2

    def test_rates(self):
        """st_per_token and tokens_per_st are Lido's getPooledEthByShares(1e18) and inverse."""
        state, _weth, issuer = make_world(bootstrap=ETH)
        issuer.report(0, el_rewards=ETH // 10)
        w = Wrapper.deploy(state, "wsteth", "ethereum", issuer="lido")
        assert w.st_per_token() == 1100000000000000000
        assert w.tokens_per_st() == 909090909090909090

    def test_bad_inputs(self):
        """Zero, more than held, or paused: typed errors, nothing written."""
        state, issuer, w = wrapped_world()
        unchanged(state, lambda: w.wrap("alice", 0), ZeroDeposit)
        unchanged(state, lambda: w.unwrap("alice", 0), ZeroDeposit)
        unchanged(state, lambda: w.wrap("alice", 14), chain.InsufficientBalance)  # 4 shares > 3
        unchanged(state, lambda: w.unwrap("alice", 1), chain.InsufficientBalance)
        unchanged(state, lambda: w.wrap("alice", -1), chain.InvalidAmount)
        issuer.set_param("paused", 1)
        unchanged(state, lambda: w.wrap("alice", 7), StakingPaused)

    def test_only_rebasing_issuers(self):
        """A value-accruing issuer needs no wrapper."""
        state, _weth, _issuer = make_world(rebasing=False)
        unchanged(state, lambda: Wrapper.deploy(state, "w", "ethereum", issuer="lido"), chain.InvalidArgument)

    def test_graph(self):
        """The wrapper depends on the rebasing token and on the issuer."""
        state, issuer, _w = wrapped_world()
        deps = state.dependencies()
        assert ("wsteth", chain.token_node(issuer.token), "wraps") in deps
        assert ("wsteth", "lido", "redeems-at") in deps
