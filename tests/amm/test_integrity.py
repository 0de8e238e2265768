"""Nothing half-written, nothing on the wrong network (issue 13, section 3, the amm items).

``Pair.skim`` with a balance below its reserve sent token0 and then raised; an address on
another network (``factory.set_fee_to("aave-l2")``) was accepted and broke every later mint and
burn of every pair, since a contract of another network cannot hold the factory's LP tokens.
"""

from __future__ import annotations

from amm import Factory, Pair, ReserveUnderflow, Router, StableSwap, TwapFeed
from chain import ManualFeed, Transfer, WrongNetwork
from tests.amm.conftest import E18, World, add_liquidity, fails_unchanged


class TestSkim:
    def test_balance_below_reserve_writes_nothing(self, world: World, pair: Pair) -> None:
        """A token1 balance below its reserve (a negative rebase) with a token0 surplus: skim
        raises ReserveUnderflow before sending anything."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        state.transfer(pair.token0, "wallet", pair.address, 7)
        state.burn(pair.token1, pair.address, 3)
        events = len(state.events)
        fails_unchanged(state, ReserveUnderflow, pair.skim, "other")
        assert state.balance_of(pair.token0, "other") == 0
        assert len(state.events) == events

    def test_after_sync_skim_sends_the_surplus(self, world: World, pair: Pair) -> None:
        """Once synced to the lower balance, a later donation is skimmed exactly."""
        state = world.state
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        state.burn(pair.token1, pair.address, 3)
        pair.sync()
        assert pair.get_reserves()[:2] == (5 * E18, 5 * E18 - 3)
        state.transfer(pair.token0, "wallet", pair.address, 7)
        assert pair.skim("other") == (7, 0)
        assert state.events[-2:] == [Transfer(pair.token0, pair.address, "other", 7),
                                     Transfer(pair.token1, pair.address, "other", 0)]


class TestOtherNetwork:
    def test_fee_to_on_another_network(self, world: World, pair: Pair) -> None:
        """set_fee_to a contract of arbitrum is WrongNetwork; pairs keep minting and burning."""
        state, factory = world.state, world.factory
        Factory.deploy(state, "aave-l2", "arbitrum")
        fails_unchanged(state, WrongNetwork, factory.set_fee_to, "aave-l2")
        factory.set_param("fee_on", 1)
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        state.transfer(pair.lp_token, "wallet", pair.address, E18)
        assert pair.burn("wallet") == (E18, E18)
        factory.set_fee_to("other")  # an account holds tokens of every network
        assert factory.fee_to() == "other"

    def test_addresses_of_another_network_in_deploys(self, world: World, pair: Pair) -> None:
        """A router over an L2 factory, a TWAP over an L2 pair's address from mainnet, a pool
        rated by an L2 feed, a pair whose factory is on L2: WrongNetwork, nothing written."""
        state = world.state
        l2_factory = Factory.deploy(state, "l2-factory", "arbitrum")
        fails_unchanged(state, WrongNetwork, lambda: Router.deploy(state, "r2", "ethereum", factory=l2_factory.address))
        fails_unchanged(state, WrongNetwork, lambda: TwapFeed.deploy(
            state, "t2", "arbitrum", pair=pair.address, base=pair.token0, window=60))
        feed = ManualFeed.deploy(state, "l2-rate", "arbitrum", base="wstETH", quote="stETH", answer=E18)
        fails_unchanged(state, WrongNetwork, lambda: StableSwap.deploy(
            state, "s2", "ethereum", [world.token0, world.token1], A=50, fee=0, rates=[None, feed.address]))
        fails_unchanged(state, WrongNetwork, lambda: Pair.deploy(
            state, "p2", "ethereum", world.token0, world.token2, factory=l2_factory.address))

    def test_recipients_of_another_network(self, world: World, pair: Pair) -> None:
        """A pool's admin fees, a pair's skim and a router's output cannot go to an L2 contract."""
        state = world.state
        Factory.deploy(state, "aave-l2", "arbitrum")
        add_liquidity(world, pair, 5 * E18, 5 * E18)
        pool = StableSwap.deploy(state, "s", "ethereum", [world.token0, world.token2], A=50, fee=4_000_000,
                                 admin_fee=5 * 10**9)
        pool.add_liquidity("wallet", [10 * E18, 10 * E18], 0)
        pool.exchange("wallet", 0, 1, E18, 0)
        fails_unchanged(state, WrongNetwork, pool.withdraw_admin_fees, "aave-l2")
        fails_unchanged(state, WrongNetwork, pair.skim, "aave-l2")
        fails_unchanged(state, WrongNetwork, world.router.swap_exact_in, "wallet", E18, 0,
                        [pair.token0, pair.token1], "aave-l2", 2**40)
