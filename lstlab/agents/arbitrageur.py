"""The arbitrageur: keeps the StableSwap pool and the V2 pair at a reference price, and
(optionally) arbitrages the pool's price against the LST's protocol rate.

Prices are wads of WETH per wstETH. The reference is the step's stETH/ETH ratio times the
protocol rate (stETH per wstETH), so a pool "at the reference" trades wstETH like stETH at the
market ratio.

- V2 pair: the closed-form profit-maximising input of :func:`amm.profit_maximizing_trade`
  (exact on V2's integer output), in whichever direction is profitable.
- StableSwap: the trade is the number of whole steps of :data:`STEP` wei whose marginal rate
  beats the reference, the marginal rate of a step read from ``get_dy`` (the output of
  ``x + STEP`` minus that of ``x``). The boundary step is first estimated in floats from the
  invariant's marginal price (:meth:`amm.stableswap_price.PoolQuote.input_for`), then checked
  with exact quotes: the step before it beats the reference and the step at it does not (a
  gallop and a bisection take over when the estimate is off). Quotes are the pool's integer
  ``get_dy``, computed from one read of the pool per sizing (:class:`PoolQuote`). After the
  trade the pool's marginal price (fee included) is within one step's price impact of the
  reference. The admin fee a trade leaves in the pool shifts the next quote by about 1e-7, so
  the sizing is repeated until it finds nothing (two or three trades); the residual is then
  about 2e-10 relative on the default pool, and :data:`PRICE_TOLERANCE` (1e-6) is the figure
  the tests hold it to.
- Every trade is valued at the reference: selling ``x`` wstETH for ``y`` WETH earns
  ``y - x*R``, buying earns ``y*R - x``; a trade runs only when that exceeds ``gas_wei``.
- LST arbitrage (``lst_band_bps`` set): when the pool's marginal bid exceeds the protocol
  rate by more than the band, mint (submit WETH to the issuer, wrap) and sell on the pool;
  when its marginal ask is below the rate by more than the band, buy wstETH on the pool and
  queue its redemption (:meth:`lst.WithdrawalQueue.request_withdrawal_wrapped`, split into
  requests of at most the queue's maximum). Redemptions are valued at the protocol rate (what
  the queue pays at finalisation); finalised requests are claimed at the next step.

Inventory comes from :meth:`Arbitrageur.fund` (WETH minted, part of it staked to wstETH).
"""

from __future__ import annotations

from math import ceil, isfinite, isqrt

import attrs

from amm import get_amount_out, profit_maximizing_trade
from amm.stableswap_price import PoolQuote
from chain import WAD, LstlabError
from lstlab.world import names
from lstlab.agents.base import Funded, Step
from lstlab.world.build import World

STEP = 10**15
"""Resolution of the StableSwap sizing: 0.001 token (wei)."""
PROBE = 10**18
"""Trade size used to read a pool's bid and ask for its mid price (1 token)."""
PRICE_TOLERANCE = 1e-6
"""Relative distance from the reference the pools are left within (see module docstring)."""

WETH_I, WSTETH_I = 0, 1


class _Quotes:
    """Exact ``get_dy`` quotes of the StableSwap pool in its current state (one read of the
    pool), remembered by input; 0 where the pool would refuse the trade."""

    def __init__(self, world: World) -> None:
        self.pool = PoolQuote.of(world.curve)
        self.seen: dict[tuple[int, int], int] = {}

    def dy(self, i: int, j: int, dx: int) -> int:
        if dx <= 0:
            return 0
        key = (i, dx)
        out = self.seen.get(key)
        if out is None:
            try:
                out = self.pool.get_dy(i, j, dx)
            except LstlabError:
                out = 0
            self.seen[key] = out
        return out


def protocol_rate(world: World) -> int:
    """stETH (= ETH at par) per wstETH, wad, as the pool and the market read it."""
    return world.feed("wsteth-steth").latest().rescaled(18)


def curve_mid(world: World) -> int:
    """The StableSwap pool's mid price, WETH per wstETH (wad): the geometric mean of the bid
    and ask of a :data:`PROBE` trade, which cancels the fee and the first-order impact."""
    quotes = _Quotes(world)
    bid = quotes.dy(WSTETH_I, WETH_I, PROBE) * WAD // PROBE
    got = quotes.dy(WETH_I, WSTETH_I, PROBE)
    ask = PROBE * WAD // got if got else bid
    return isqrt(bid * ask)


def v2_mid(world: World) -> int:
    """The V2 pair's mid price (reserve ratio), WETH per wstETH (wad)."""
    r_wst, r_weth = world.router.reserves_for(world.wsteth, world.weth)
    return r_weth * WAD // r_wst


def curve_steth_eth(world: World) -> float:
    """The StableSwap pool's mid price as a stETH/ETH ratio (float)."""
    return curve_mid(world) / protocol_rate(world)


def curve_size(world: World, i: int, j: int, price_wad: int, cap: int, step: int = STEP) -> int:
    """The input (wei of coin ``i``, a multiple of ``step``, at most ``cap``) made of every
    step whose marginal output beats ``price_wad`` (wad of coin ``j`` per coin ``i``)."""
    return _size(_Quotes(world), i, j, price_wad, cap, step)


def _size(quotes: _Quotes, i: int, j: int, price_wad: int, cap: int, step: int = STEP) -> int:
    """:func:`curve_size` on ``quotes``: the first step that does not beat the price, found
    from the float estimate of the boundary with a few exact quotes around it (galloping out
    and bisecting when the estimate is off)."""

    def beats(k: int) -> bool:
        x = k * step
        return (quotes.dy(i, j, x + step) - quotes.dy(i, j, x)) * WAD > price_wad * step

    top = cap // step
    if top == 0 or not beats(0):
        return 0
    try:
        estimate = quotes.pool.input_for(i, j, price_wad / WAD, cap) / step - 0.5
    except LstlabError:
        estimate = 0.0
    hi = min(max(ceil(estimate), 1), top) if isfinite(estimate) else 1
    gap = 1
    if hi < top and beats(hi):  # the boundary is above the estimate
        lo = hi
        while True:
            hi = min(lo + gap, top)
            if hi == top or not beats(hi):
                break
            lo, gap = hi, gap * 2
    else:  # at or below it
        while True:
            lo = max(hi - gap, 0)
            if lo == 0 or beats(lo):
                break
            hi, gap = lo, gap * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if beats(mid):
            lo = mid
        else:
            hi = mid
    return hi * step


def _sold(x: int, y: int, ref: int) -> int:
    """Profit (WETH wei, floor) of selling ``x`` wstETH for ``y`` WETH, valued at ``ref``."""
    return (y * WAD - x * ref) // WAD


def _bought(x: int, y: int, ref: int) -> int:
    """Profit (WETH wei, floor) of buying ``y`` wstETH for ``x`` WETH, valued at ``ref``."""
    return (y * ref - x * WAD) // WAD


@attrs.frozen
class Trades:
    """What one act did: counts and wei (volume and profit in WETH wei)."""

    trades: int = 0
    volume: int = 0
    profit: int = 0
    requests: int = 0

    def add(self, other: Trades) -> Trades:
        return Trades(self.trades + other.trades, self.volume + other.volume,
                      self.profit + other.profit, self.requests + other.requests)


@attrs.frozen
class Arbitrageur(Funded):
    """Keeps the pools at the step's reference price (see the module docstring).

    ``weth_inventory`` / ``wsteth_inventory``: wei minted by :meth:`fund` (the wstETH by
    staking); ``gas_wei``: cost charged against each trade's profit; ``lst_band_bps``: the
    band around the protocol rate beyond which the LST arbitrage acts (None: off; it is off
    by default because before Ethereum's Shapella upgrade, as in 2022, nothing could be redeemed).
    """

    name: str = "arb"
    weth_inventory: int = 100_000 * WAD
    wsteth_inventory: int = 100_000 * WAD
    gas_wei: int = 0
    venues: tuple[str, ...] = ("curve", "v2")
    lst_band_bps: int | None = None

    def fund(self, world: World) -> None:
        """Mint the inventory to the agent's account (staking for the wstETH part)."""
        world.fund(world.weth, self.name, self.weth_inventory)
        rate = protocol_rate(world)
        if self.wsteth_inventory:
            stake = self.wsteth_inventory * rate // WAD + 1
            world.fund(world.weth, self.name, stake)
            world.stake(self.name, stake)

    def reference(self, world: World, steth_eth: float) -> int:
        """The reference price (wad WETH per wstETH) for a stETH/ETH ratio."""
        return round(steth_eth * 10**12) * protocol_rate(world) // 10**12

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Claim finished redemptions, arbitrage both venues to the reference, then (when
        on) the LST arbitrage. Returns trades, volume and profit (ETH) and the pool prices."""
        done = self.claim(world)
        done = done.add(self.arbitrage(world, self.reference(world, step.steth_eth)))
        if self.lst_band_bps is not None:
            done = done.add(self.lst_arbitrage(world))
        p = self.name
        return {
            f"{p}_trades": float(done.trades), f"{p}_volume_eth": done.volume / WAD,
            f"{p}_profit_eth": done.profit / WAD, f"{p}_redemptions": float(done.requests),
            "curve_steth_eth": curve_steth_eth(world), "v2_steth_eth": v2_mid(world) / protocol_rate(world),
        }

    def arbitrage(self, world: World, reference: int) -> Trades:
        """Move every venue to ``reference`` (wad) where profitable after gas."""
        done = Trades()
        if "curve" in self.venues:
            done = done.add(self._curve(world, reference))
        if "v2" in self.venues:
            done = done.add(self._v2(world, reference))
        return done

    def _balances(self, world: World) -> tuple[int, int]:
        state = world.state
        return state.balance_of(world.weth, self.name), state.balance_of(world.wsteth, self.name)

    def _curve(self, world: World, ref: int) -> Trades:
        """Size and run the StableSwap trade; resize after it (the admin fee it leaves in the
        pool shifts the next quote by about 1e-7) until a sizing finds nothing, at most 4 times."""
        done = Trades()
        for _ in range(4):
            weth, wst = self._balances(world)
            quotes = _Quotes(world)
            x = _size(quotes, WSTETH_I, WETH_I, ref, wst)
            if x:
                y = quotes.dy(WSTETH_I, WETH_I, x)
                trade = self._exchange(world, WSTETH_I, WETH_I, x, y, _sold(x, y, ref), y)
            else:
                x = _size(quotes, WETH_I, WSTETH_I, WAD * WAD // ref, weth)
                y = quotes.dy(WETH_I, WSTETH_I, x)
                trade = self._exchange(world, WETH_I, WSTETH_I, x, y, _bought(x, y, ref), x) if x else Trades()
            if not trade.trades:
                break
            done = done.add(trade)
        return done

    def _exchange(self, world: World, i: int, j: int, x: int, y: int, profit: int, volume: int) -> Trades:
        if profit <= self.gas_wei:
            return Trades()
        world.curve.exchange(self.name, i, j, x, y)
        return Trades(1, volume, profit - self.gas_wei)

    def _v2(self, world: World, ref: int) -> Trades:
        weth, wst = self._balances(world)
        router, fee = world.router, world.pair.fee_bps
        r_wst, r_weth = router.reserves_for(world.wsteth, world.weth)
        x = min(profit_maximizing_trade(r_wst, r_weth, ref, fee), wst)
        if x:
            y = get_amount_out(x, r_wst, r_weth, fee)
            return self._swap(world, [world.wsteth, world.weth], x, y, _sold(x, y, ref), y)
        x = min(profit_maximizing_trade(r_weth, r_wst, WAD * WAD // ref, fee), weth)
        if x:
            y = get_amount_out(x, r_weth, r_wst, fee)
            return self._swap(world, [world.weth, world.wsteth], x, y, _bought(x, y, ref), x)
        return Trades()

    def _swap(self, world: World, path: list, x: int, y: int, profit: int, volume: int) -> Trades:
        if profit <= self.gas_wei:
            return Trades()
        world.router.swap_exact_in(self.name, x, y, path, self.name, world.state.now)
        return Trades(1, volume, profit - self.gas_wei)

    # --- the LST arbitrage: mint above the band, redeem below it ----------------------------

    def lst_arbitrage(self, world: World) -> Trades:
        """Mint and sell when the pool pays more than rate x (1 + band); buy and queue a
        redemption when it sells for less than rate x (1 - band). Profitable after gas only;
        resized after each trade as :meth:`arbitrage` does, at most 4 times."""
        done = Trades()
        for _ in range(4):
            trade = self._lst_once(world)
            if not trade.trades:
                break
            done = done.add(trade)
        return done

    def _lst_once(self, world: World) -> Trades:
        band = self.lst_band_bps or 0
        rate = protocol_rate(world)
        weth, _ = self._balances(world)
        high = rate * (10_000 + band) // 10_000
        quotes = _Quotes(world)
        x = _size(quotes, WSTETH_I, WETH_I, high, weth * WAD // rate)
        if x:
            return self._mint_and_sell(world, x * rate // WAD)
        low = rate * (10_000 - band) // 10_000
        x = _size(quotes, WETH_I, WSTETH_I, WAD * WAD // low, weth)
        if x:
            return self._buy_and_redeem(world, x, rate)
        return Trades()

    def _mint_and_sell(self, world: World, weth_in: int) -> Trades:
        state = world.state
        snap = state.snapshot()
        try:
            minted = world.stake(self.name, weth_in)
            y = world.curve.exchange(self.name, WSTETH_I, WETH_I, minted, 0)
        except LstlabError:
            state.revert(snap)
            return Trades()
        if y - weth_in <= self.gas_wei:
            state.revert(snap)
            return Trades()
        state.commit(snap)
        return Trades(1, y, y - weth_in - self.gas_wei)

    def _buy_and_redeem(self, world: World, weth_in: int, rate: int) -> Trades:
        state, queue = world.state, world.queue
        snap = state.snapshot()
        try:
            got = world.curve.exchange(self.name, WETH_I, WSTETH_I, weth_in, 0)
            chunk = world.wrapper.tokens_per_st() * queue.max_amount // WAD
            requests, left = 0, got
            while left:
                piece = min(left, chunk)
                queue.request_withdrawal_wrapped(self.name, piece, names.WRAPPER)
                requests, left = requests + 1, left - piece
        except LstlabError:
            state.revert(snap)
            return Trades()
        profit = got * rate // WAD - weth_in
        if profit <= self.gas_wei:
            state.revert(snap)
            return Trades()
        state.commit(snap)
        return Trades(1, weth_in, profit - self.gas_wei, requests)

    def claim(self, world: World) -> Trades:
        """Claim this agent's finalised, unclaimed redemption requests (no new profit: the
        redemption was valued when queued)."""
        queue = world.queue
        last = queue.queue_state().last_finalized
        for key, req in list(queue._records().items()):
            if key[0] == "request" and req.owner == self.name and not req.claimed and req.id <= last:
                queue.claim(self.name, req.id)
        return Trades()
