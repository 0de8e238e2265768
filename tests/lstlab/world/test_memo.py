"""Values read once per state version: the remembered table, the liquidation scan the
liquidator and the bad-debt book share, StableSwap mids remembered by the pool read, and the
world's fixed lists of pools and markets."""

from __future__ import annotations

import math

import pytest

import lending
from amm.stableswap_price import PoolQuote
from chain import WAD
from lstlab.agents.liquidator import Liquidator
from lstlab.world import book
from lstlab.world.memo import remembered
from lstlab.world.names import L2_MARKET, MARKET
from lstlab.world.venues import BASE_I, PROBE, QUOTE_I, mid_price, stableswap_mid


class Counter:
    """A computation that counts its calls and returns their number."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


class TestRemembered:
    def test_once_per_version_and_key(self, world):
        """The same key on an unchanged state computes once; another key computes its own."""
        state, count = world.state, Counter()
        assert [remembered(state, "a", count) for _ in range(3)] == [1, 1, 1]
        assert remembered(state, "b", count) == 2 and remembered(state, "a", count) == 1
        assert count.calls == 2

    @pytest.mark.parametrize("change", ["advance", "mint", "transfer", "store", "revert"])
    def test_any_change_of_the_state_computes_again(self, world, change):
        """A write of any kind, or a revert, moves the version: the next read computes anew."""
        state, count = world.state, Counter()
        world.fund(world.weth, "alice", 10)
        assert remembered(state, "k", count) == 1
        if change == "advance":
            state.advance(1)
        elif change == "mint":
            world.fund(world.weth, "alice", 1)
        elif change == "transfer":
            state.transfer(world.weth, "alice", MARKET, 1)
        elif change == "store":
            state.store(MARKET, ("note",), 1)
        else:
            snap = state.snapshot()
            state.revert(snap)
        assert remembered(state, "k", count) == 2 and count.calls == 2

    def test_a_fork_is_a_state_of_its_own(self, world):
        """A fork starts at its parent's version yet never reads the parent's entries."""
        count = Counter()
        fork = world.fork()
        assert fork.state.version == world.state.version
        assert remembered(world.state, "k", count) == 1
        assert remembered(fork.state, "k", count) == 2
        assert remembered(world.state, "k", count) == 3  # one table: the last state asked about

    def test_a_computation_that_writes_is_not_kept(self, world):
        """Only reads are remembered: a value whose computation changed the state is not."""
        state = world.state

        def writes() -> int:
            state.advance(1)
            return state.now

        first = remembered(state, "w", writes)
        assert remembered(state, "w", writes) == first + 1


def _underwater(world) -> str:
    """``bob``: 100 ETH of wstETH supplied outside eMode, 70 WETH borrowed, then ETH/USD
    unchanged and stETH/ETH at 0.60 on the market feed with the market oracle: collateral worth
    less than the debt."""
    m = world.market
    world.fund(world.weth, "bob", 100 * WAD)
    m.supply("bob", world.wsteth, world.stake("bob", 100 * WAD))
    m.borrow("bob", world.weth, 70 * WAD)
    world.set_oracle("market")
    world.set_prices(world.params.eth_usd, 0.60)
    assert m.health_factor("bob") < WAD
    return "bob"


class TestSharedScan:
    def test_candidates_are_the_markets_liquidatable_users(self, world):
        """Every user whose exact health factor is below 1 (bob, and the background borrower's
        wstETH loop at that price), in the market's order; () for a market without debt."""
        user = _underwater(world)
        exact = tuple(u for u, hf in lending.health_factors_exact(world.market).items() if hf < WAD)
        assert book.candidates(world.market) == exact == ("borrower", user)
        assert book.candidates(world.market) == tuple(lending.liquidatable(world.market, book.MARGIN))
        assert not book.owes(world.l2_market) and book.candidates(world.l2_market) == ()

    def test_the_book_reuses_the_liquidators_scan_until_a_write(self, world, monkeypatch):
        """A sweep that finds nothing to take scans the Ethereum market once (the L2 market owes
        nothing); the book read next scans nothing; after a price write it scans again."""
        scans = []
        real = lending.liquidatable
        monkeypatch.setattr(lending, "liquidatable",
                            lambda m, margin=2e-4: scans.append(m.address) or real(m, margin))
        done = Liquidator.create(world).sweep(world)
        assert done.count == 0 and scans == [MARKET]
        first = book.bad_debt_book(world)
        assert scans == [MARKET] and first.eth == 0
        world.set_prices(world.params.eth_usd, 0.999)
        assert book.bad_debt_book(world) == first and scans == [MARKET, MARKET]

    def test_the_shared_scan_books_the_same_shortfall(self, world):
        """The book from the remembered scan equals the book from an explicit candidate list."""
        user = _underwater(world)
        shared = book.bad_debt_book(world)
        assert shared == book.bad_debt_book(world, {MARKET: ["borrower", user], L2_MARKET: []})
        assert shared.of(MARKET, world.weth).shortfall > 0
        assert shared != book.bad_debt_book(world, {MARKET: [user]})  # the borrower's loop is short too


def _pool(world, key):
    return next(p for p in world.pools() if p.key == key)


class TestMids:
    def test_a_stableswap_mid_is_the_probe_bid_and_ask(self, world):
        """The geometric mean of the bid and ask of one token, from the pool's own quotes."""
        quote = PoolQuote.of(world.curve)
        bid = quote.get_dy(BASE_I, QUOTE_I, PROBE) * WAD // PROBE
        ask = PROBE * WAD // quote.get_dy(QUOTE_I, BASE_I, PROBE)
        assert stableswap_mid(quote) == math.isqrt(bid * ask) == mid_price(world, _pool(world, "curve"))

    def test_an_unchanged_pool_costs_no_quote_and_a_trade_is_seen(self, world, monkeypatch):
        """Read again unchanged, the mid needs no get_dy; after a trade it is quoted anew."""
        pool = _pool(world, "curve")
        before = mid_price(world, pool)
        quotes = []
        real = PoolQuote.get_dy
        monkeypatch.setattr(PoolQuote, "get_dy", lambda self, *a: quotes.append(a) or real(self, *a))
        assert mid_price(world, pool) == before and quotes == []
        world.fund(world.weth, "alice", 1_000 * WAD)
        world.curve.exchange("alice", QUOTE_I, BASE_I, 1_000 * WAD, 0)
        after = mid_price(world, pool)
        assert len(quotes) == 2 and after > before

    def test_a_v2_mid_is_the_reserve_ratio(self, world):
        """WETH per wstETH and USDC per WETH from the pairs' reserves, as the router orders them."""
        for key, base, quote in (("v2", world.wsteth, world.weth), ("usdc_v2", world.weth, world.usdc)):
            r_base, r_quote = world.router.reserves_for(base, quote)
            expected = r_quote * 10**base.decimals * WAD // (r_base * 10**quote.decimals)
            assert mid_price(world, _pool(world, key)) == expected


class TestWorldLists:
    def test_markets_are_a_new_dict_of_the_forks_own_facades(self, world):
        """Each call returns a fresh dict (changing one changes no other); the facades read the
        world's own state, a fork's its fork."""
        first = world.markets()
        first.clear()
        markets = world.markets()
        assert list(markets) == [MARKET, L2_MARKET]
        assert all(m.state is world.state for m in markets.values())
        fork = world.fork()
        assert all(m.state is fork.state for m in fork.markets().values())

    def test_pools_are_those_of_the_parameters(self, world, base_world):
        """The same pools, in the same order, on the world, its fork and the world it came from."""
        assert world.pools() == world.fork().pools() == base_world.pools()
        assert [p.key for p in world.pools()] == ["curve", "v2", "usdc_v2", "l2_curve"]
        assert world.pools()[1].address == world.pair.address
