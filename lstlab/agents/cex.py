"""The external market the arbitrageur hedges on: a centralised exchange (CEX) that buys and
sells at the reference price for a taker fee, settled on chain through its account.

Each trade of the arbitrageur against a pool has a CEX leg of the same size the other way
(``ref`` is the reference price, quote per base in wad, applied to base units with both
tokens' decimals; amounts are base units of each token):

- selling ``x`` base on a pool, it buys ``x`` base on the CEX: the CEX delivers the ``x``
  base before the pool trade and is paid ``ceil(x * ref) + fee`` quote after it;
- buying ``y`` base on a pool for ``x`` quote, it sells the ``y`` base on the CEX: the CEX
  advances the ``x`` quote, takes the ``y`` base after the pool trade and pays
  ``floor(y * ref) - fee - x`` quote (the trade's profit);
- ``fee = ceil(notional * taker_fee_bps / 10_000)`` quote units on the notional ``x * ref``
  (resp. ``y * ref``): :meth:`Priced.hedged`. Rounding always favours the exchange.

The CEX's account (:data:`lstlab.world.build.CEX`) holds real ledger balances and never goes
negative. What it lacks it brings from outside the world, as an exchange's withdrawals would:

- WETH, USDC and the L2's WETH are minted to it (ETH and dollars flowing in; the world has no
  ETH bridge, so ETH the exchange withdraws straight to the rollup is a mint on the L2);
- Ethereum wstETH by staking minted WETH at the issuer and wrapping it;
- L2 wstETH only through the bridge: its L2 inventory (bridged at build,
  ``BridgeParams.cex_l2_wsteth``) is topped back up to that size by deposits
  (:meth:`Cex.top_up`) that arrive after the bridge latency and that it delivers itself
  (:meth:`Cex.receive_deposits`, as an OP-stack rollup executes L1->L2 deposits); until they
  arrive, what it holds caps what it can deliver (:meth:`Cex.available`).

It keeps no books of its own: its balances and its messages in flight are the world's state.
"""

from __future__ import annotations

import functools

import attrs

from bridge import DEPOSIT, PENDING, TOKENS
from chain import WAD, LstlabError, Revert, Token
from lstlab.errors import CompositionError
from lstlab.world.build import World
from lstlab.world.names import CEX
from lstlab.world.venues import PoolInfo

BPS = 10_000

TAKER_FEE_BPS = 3
"""0.03%: Binance's spot taker fee for VIP 4 and above from 2022-06-01 (the VIP 9 rate, 0.0400%,
less the 25% discount when paid in BNB; "Binance VIP Program Upgrade", 2022-05-31,
https://www.binance.com/en/support/announcement/40669f3da342426c87b083b659673316): what a
professional arbitrageur paid through the 2022 depeg."""


@functools.lru_cache(maxsize=64)
def _units(token: Token, whole: int) -> int:
    """``token.units(whole)``, computed once per (token, amount): a world's parameters are fixed."""
    return token.units(whole)


class CexCannotDeliver(CompositionError, Revert):
    """The exchange cannot bring that token on chain now (not listed, staking refused, or its
    L2 inventory still in flight): trade less, or wait for its bridge deposits."""

    code = "CEX_CANNOT_DELIVER"


@attrs.frozen
class Priced:
    """A reference (wad, quote per base) applied to a pool's base units:
    ``value(x) = x * num / den`` quote units, both tokens' decimals included."""

    num: int
    den: int

    @classmethod
    def of(cls, pool: PoolInfo, ref: int) -> Priced:
        return cls(ref * 10**pool.quote.decimals, WAD * 10**pool.base.decimals)

    def value(self, base: int, up: bool = False) -> int:
        """``base`` units in quote units, floor (ceil with ``up``)."""
        n = base * self.num
        return -(-n // self.den) if up else n // self.den

    def targets(self, fee_bps: int) -> tuple[int, int]:
        """``(sell, buy)`` wad prices a pool must beat for a trade to pay: quote units per
        base unit above the exchange's ask ``ref (1 + fee)``, base units per quote unit above
        the inverse of its bid ``ref (1 - fee)``; both rounded up (against the trade)."""
        sell = -(-self.num * WAD * (BPS + fee_bps) // (self.den * BPS))
        buy = -(-self.den * WAD * BPS // (self.num * (BPS - fee_bps)))
        return sell, buy

    def eth(self, pool: PoolInfo, quote_amount: int) -> int:
        """``quote_amount`` in ETH wei (floor): as is for a WETH quote, at the reference for a
        WETH base (the USDC pair)."""
        return quote_amount if pool.quote.symbol == "WETH" else quote_amount * self.den // self.num

    def hedged(self, sells_base: bool, amount_in: int, amount_out: int, fee_bps: int) -> tuple[int, int]:
        """``(profit, fee)`` in quote units of a pool trade and its exchange leg: selling
        ``x = amount_in`` base for ``y``: ``y - ceil(x ref) - fee``; buying ``y = amount_out``
        base for ``x``: ``floor(y ref) - fee - x``; ``fee = ceil(base * ref * fee_bps / 10_000)``
        (``fee_bps`` 0: the trade valued at the reference)."""
        base = amount_in if sells_base else amount_out
        fee = -(-base * self.num * fee_bps // (self.den * BPS))
        if sells_base:
            return amount_out - self.value(base, up=True) - fee, fee
        return self.value(base) - fee - amount_in, fee


@attrs.frozen
class Cex:
    """The exchange (see the module docstring). ``account``: its address in the world;
    ``taker_fee_bps``: fee on every trade's notional (default :data:`TAKER_FEE_BPS`)."""

    account: str = CEX
    taker_fee_bps: int = attrs.field(default=TAKER_FEE_BPS)

    @taker_fee_bps.validator
    def _check_fee(self, _attribute: attrs.Attribute, value: int) -> None:
        if type(value) is not int or not 0 <= value < BPS:
            raise ValueError(f"taker_fee_bps must be an int in [0, {BPS}), got {value!r}")

    def open(self, world: World) -> None:
        """Add the exchange's account to ``world`` if it is not there yet."""
        if not world.state.has_address(self.account):
            world.state.add_account(self.account)

    def available(self, world: World, token: Token) -> int | None:
        """The most of ``token`` the exchange can deliver now (wei): its balance for the L2's
        bridged wstETH, None (no limit) for what it mints or stakes."""
        if token == world.bridge.wrapped:
            return world.state.balance_of(token, self.account)
        return None

    def deliver(self, world: World, token: Token, amount: int, to: str) -> None:
        """Send ``amount`` of ``token`` from the exchange's account to ``to``, first bringing
        the shortfall on chain (minting, or staking for wstETH; see the module docstring).

        Raises CexCannotDeliver (writing nothing) when it cannot; ledger errors for ``to``.
        """
        self._hold(world, token, amount)
        world.state.transfer(token, self.account, to, amount)

    def _hold(self, world: World, token: Token, amount: int) -> None:
        """Make the exchange's account hold at least ``amount`` of ``token``, atomically."""
        state = world.state
        before = state.balance_of(token, self.account)
        short = amount - before
        if short <= 0:
            return
        try:
            with state.atomic():
                self._source(world, token, short)
                if state.balance_of(token, self.account) < amount:
                    raise CexCannotDeliver(f"staking left the exchange short of {token.key}")
        except CexCannotDeliver:
            raise
        except LstlabError as exc:
            raise CexCannotDeliver(f"the exchange cannot bring {short} {token.key} on chain: {exc}") from exc

    def _source(self, world: World, token: Token, short: int) -> None:
        if token in (world.weth, world.usdc, world.l2_weth):
            world.state.mint(token, self.account, short)
        elif token == world.wsteth:
            weth = world.issuer.get_pooled_by_shares_up(short + 2)  # +2: the floors of submit and wrap
            world.state.mint(world.weth, self.account, weth)
            world.stake(self.account, weth)
        else:
            raise CexCannotDeliver(f"{token.key} reaches the exchange only by its bridge, or is not listed")

    # --- the L2 inventory ---------------------------------------------------------------

    def _own_deposits(self, world: World) -> list:
        """The exchange's pending bridge deposits (token messages to its account)."""
        bridge = world.bridge
        found = []
        for message_id in bridge.pending():
            message = bridge.message(message_id)
            if message.kind == TOKENS and message.direction == DEPOSIT and message.recipient == self.account:
                found.append(message)
        return found

    def receive_deposits(self, world: World) -> int:
        """Deliver the exchange's own bridge deposits that are due; returns how many arrived
        (one the bridge refuses, e.g. paused, stays pending)."""
        bridge, now, arrived = world.bridge, world.state.now, 0
        for message in self._own_deposits(world):
            if message.status == PENDING and message.deliverable_at <= now:
                try:
                    bridge.deliver(message.id)
                except LstlabError:
                    continue
                arrived += 1
        return arrived

    def l2_target(self, world: World) -> int:
        """The L2 wstETH (wei) the exchange keeps: ``BridgeParams.cex_l2_wsteth`` stETH at the
        protocol rate now (floor)."""
        steth = _units(world.weth, world.params.bridge.cex_l2_wsteth)
        return world.issuer.get_shares_by_pooled(steth)

    def top_up(self, world: World) -> bool:
        """Bridge what the L2 inventory (held plus in flight) lacks of :meth:`l2_target`,
        staked from minted WETH; False (writing nothing) when the issuer refuses the stake or
        the bridge the deposit."""
        state, wrapped = world.state, world.bridge.wrapped
        held = state.balance_of(wrapped, self.account) + sum(m.amount for m in self._own_deposits(world))
        short = self.l2_target(world) - held
        if short <= 0:
            return True
        try:
            with state.atomic():
                self._hold(world, world.wsteth, short)
                world.bridge.deposit(self.account, short)
        except LstlabError:
            return False
        return True


__all__ = ["BPS", "TAKER_FEE_BPS", "Cex", "CexCannotDeliver", "Priced"]
