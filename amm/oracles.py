"""Feeds derived from a pool: Curve's EMA ``price_oracle`` and a sized, fee-inclusive quote.

Both are ``chain.Feed`` contracts (``latest() -> PriceReading``) a lending market can read; the
V2 TWAP is :class:`amm.TwapFeed`.

:class:`CurveEmaFeed` follows Curve stableswap-ng (``CurveStableSwapNG.vy``): the pool keeps
``(last_price, ma_price)`` and ``ma_last_time``; on every trade or liquidity change
(``upkeep_oracles``) it folds the *previous* spot into the average,
``ema' = (last * (1e18 - a) + ema * a) // 1e18`` with ``a = exp(-(dt * 1e18 // ma_exp_time))``
(``_calc_moving_average``, ``exp`` the contract's integer ``wad_exp``), then stores the new
spot capped at 2e18 (``_get_p``: the state price of coin ``i`` in coin 0 from the scaled
balances, A and D). ``price_oracle`` applies the same fold for the time elapsed since, without
writing. ``ma_exp_time`` is the window divided by ln 2 (a half-life of ``ma_exp_time * ln 2``).
Here the pool does not call the feed: :meth:`CurveEmaFeed.poke` is the upkeep, so poking after
every trade (``lstlab.world.oracles.poke_all`` each step) gives the pool's own oracle.

:class:`PoolQuoteFeed` reads the price of selling ``size`` of one coin for another, fee
included: ``get_dy(i, j, size) / size`` (a V2 pair's ``getAmountOut``), rounded down, optionally
to a grid (down, or to the nearest step). Read live at every ``latest()`` by default; or
sampled: the quote stored by the last ``poke()`` (a reporter pushing the pool's price at each
update), so every reader between two pokes sees one price. On a StableSwap it can quote per
rate unit (``rated``): the price of the stETH a wstETH coin stands for, in ETH.
"""

from __future__ import annotations

from typing import Any

import attrs

from amm import stableswap_math as sm
from amm.errors import InsufficientLiquidity
from amm.library import get_amount_out
from amm.pair import Pair
from amm.stableswap import StableSwap
from chain import (
    WAD,
    Contract,
    Event,
    InvalidArgument,
    PriceReading,
    State,
    Token,
    WrongNetwork,
    check_amount,
    check_decimals,
    check_name,
    external,
)

MA_EXP_TIME = 866
"""Default ``ma_exp_time`` (s): stableswap-ng's own example in ``CurveStableSwapNG.vy``'s
``__init__`` docstring, a 10-minute EMA = 600 / ln 2 ~= 866."""
SPOT_CAP = 2 * WAD
"""``upkeep_oracles`` caps the stored spot price at 2 (wad)."""
_EXP_MIN = -41446531673892822313
"""Below this (wad) ``exp`` returns 0: the result would be under 0.5 wei."""
_EXP_MAX = 135305999368893231589
"""From this (wad) on ``exp`` overflows int256 and reverts."""


def _sdiv(a: int, b: int) -> int:
    """The EVM's signed division (``SDIV``): truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def wad_exp(x: int) -> int:
    """e**(x / 1e18) * 1e18 as stableswap-ng's ``exp`` (snekmate's ``wad_exp``, after Remco
    Bloemen): a (6, 7)-term rational approximation with the contract's integer steps, signed
    divisions truncating and shifts flooring as the EVM's; 0 for ``x <= -41.45e18``. Raises
    InvalidArgument at or above ``135.3e18`` (the contract reverts ``wad_exp overflow``)."""
    if x <= _EXP_MIN:
        return 0
    if x >= _EXP_MAX:
        raise InvalidArgument(f"wad_exp overflow: {x} >= {_EXP_MAX}")
    v = _sdiv(x << 78, 5**18)
    k = (_sdiv(v << 96, 54916777467707473351141471128) + 2**95) >> 96
    v -= k * 54916777467707473351141471128
    y = (((v + 1346386616545796478920950773328) * v) >> 96) + 57155421227552351082224309758442
    p = (((((y + v - 94201549194550492254356042504812) * y) >> 96) + 28719021644029726153956944680412240) * v
         + (4385272521454847904659076985693276 << 96))
    q = (((v - 2855989394907223263936484059900) * v) >> 96) + 50020603652535783019961831881945
    q = ((q * v) >> 96) - 533845033583426703283633433725380
    q = ((q * v) >> 96) + 3604857256930695427073651918091429
    q = ((q * v) >> 96) - 14423608567350463180887372962807573
    q = ((q * v) >> 96) + 26449188498355588339934803723976023
    r = _sdiv(p, q)
    return (r * 3822833074963236453042738258902158003155416615667) >> (195 - k)


def moving_average(last_price: int, ema_price: int, ma_last_time: int, ma_exp_time: int, now: int) -> int:
    """stableswap-ng's ``_calc_moving_average``: the average as of ``now`` (wad), folding
    ``last_price`` in with weight ``1 - exp(-dt/ma_exp_time)``; ``ema_price`` when no time passed."""
    if ma_last_time >= now:
        return ema_price
    alpha = wad_exp(-((now - ma_last_time) * WAD // ma_exp_time))
    return (last_price * (WAD - alpha) + ema_price * alpha) // WAD


def spot_prices(xp: list[int] | tuple[int, ...], amp: int, d: int) -> list[int]:
    """stableswap-ng's ``_get_p``: the state price (wad) of each coin 1..n-1 in coin 0, from the
    scaled balances ``xp``, precise ``amp`` and invariant ``d`` (the invariant's gradient)."""
    n = len(xp)
    ann = amp * n
    dr = d // n**n
    for x in xp:
        dr = dr * d // x
    xp0_a = ann * xp[0] // sm.A_PRECISION
    return [WAD * (xp0_a + dr * xp[0] // x) // (xp0_a + dr) for x in xp[1:]]


def pool_spot_price(pool: StableSwap, coin: int) -> int:
    """The state price (wad) of ``coin`` (>= 1) in coin 0 of ``pool`` now, in scaled units
    (for a coin with a rate, the price of one rate unit: stETH for a wstETH coin). Raises
    InsufficientLiquidity when a balance is 0 (the contract's division reverts)."""
    amp = pool.A_precise()
    xp = sm.scaled(pool.balances(), pool.rates())
    if 0 in xp:
        raise InsufficientLiquidity(f"{pool.address} holds none of a coin: it has no state price")
    return spot_prices(xp, amp, sm.get_D(xp, amp))[coin - 1]


@attrs.frozen
class EmaState:
    """``last_price`` (spot at the last upkeep, capped at 2e18) and ``ema_price`` (wad), both
    as of ``ma_last_time`` (s)."""

    last_price: int
    ema_price: int
    ma_last_time: int


class EmaUpdated(Event):
    """A Curve EMA feed folded in the elapsed time and stored a new spot."""

    feed: str
    last_price: int
    ema_price: int
    updated_at: int


def _pool_of(state: State, address: object, network: str, kinds: tuple[type[Contract], ...]) -> Any:
    """The pool at ``address``: one of ``kinds`` on ``network``, else InvalidArgument / WrongNetwork."""
    pool = state.contract(address) if isinstance(address, str) else None
    if not isinstance(pool, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise InvalidArgument(f"{address!r} is not an amm {names}: pass the address of one")
    if pool.network != network:
        raise WrongNetwork(f"pool {address!r} lives on {pool.network!r}, not on {network!r}: "
                           "a feed reads only pools of its own network")
    return pool


class CurveEmaFeed(Contract):
    """``chain.Feed`` of a StableSwap pool's EMA price of ``coin`` in coin 0 (module docstring)."""

    kind = "feed.curve_ema"

    def __init__(self, state: State, address: str, network: str, pool: str, coin: int, base: str, quote: str,
                 ma_exp_time: int, decimals: int) -> None:
        super().__init__(state, address, network)
        self.pool = pool
        self.coin = coin
        self.base = base
        self.quote = quote
        self.ma_exp_time = ma_exp_time
        self.decimals = decimals

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, pool: str, coin: int = 1,
               ma_exp_time: int = MA_EXP_TIME, base: str | None = None, decimals: int = 18) -> CurveEmaFeed:
        """Register the EMA of ``coin``'s price in coin 0 of the StableSwap at ``pool``.

        ``coin`` defaults to 1 (a two-coin pool's priced coin); ``ma_exp_time`` to
        :data:`MA_EXP_TIME`; ``base`` names what is priced (default the coin's symbol; pass
        "stETH" for a wstETH coin with a rate, whose oracle prices one rate unit); ``decimals``
        defaults to 18, the pool's own precision. The average starts at the spot price now
        (a pool starts at 1e18; a feed attached to a pool that already trades starts where it
        is, without a warm-up). Raises UnknownContract, InvalidArgument (not a StableSwap,
        coin, names), InvalidAmount (ma_exp_time), WrongNetwork, DuplicateName; writes nothing
        on error.
        """
        facade = _pool_of(state, pool, network, (StableSwap,))
        if type(coin) is not int or not 1 <= coin < facade.n:
            raise InvalidArgument(f"coin must be an int in [1, {facade.n - 1}] (priced in coin 0), got {coin!r}")
        check_amount(ma_exp_time, "ma_exp_time", positive=True)
        check_decimals(decimals)
        base = check_name(base, "base") if base is not None else facade.coins[coin].symbol
        feed = cls(state, address, network, pool, coin, base, facade.coins[0].symbol, ma_exp_time, decimals)
        spot = min(feed.spot_price(), SPOT_CAP)
        with state.atomic():
            state.register_contract(feed)
            state.depend(address, pool, "reads-price")
            feed._store("ema", EmaState(spot, spot, state.now))
        return feed

    def spot_price(self) -> int:
        """The pool's state price of the coin now (wad, uncapped): :func:`pool_spot_price`."""
        return pool_spot_price(self.state.contract(self.pool), self.coin)  # type: ignore[arg-type]

    @property
    def record(self) -> EmaState:
        record: EmaState = self._load("ema")
        return record

    def price_oracle(self) -> int:
        """The EMA as of now (wad), as the pool's ``price_oracle(coin - 1)``: nothing written."""
        st = self._load("ema")
        return moving_average(st.last_price, st.ema_price, st.ma_last_time, self.ma_exp_time, self.state.now)

    @external
    def poke(self) -> int:
        """The pool's ``upkeep_oracles`` (anyone may call): fold the elapsed time into the
        average, store the spot now (capped at 2e18) and the time; returns the new average.
        Emits EmaUpdated. Raises what the pool raises when it cannot price (empty)."""
        st = self._load("ema")
        now = self.state.now
        ema = moving_average(st.last_price, st.ema_price, st.ma_last_time, self.ma_exp_time, now)
        spot = min(self.spot_price(), SPOT_CAP)
        self._store("ema", EmaState(spot, ema, max(st.ma_last_time, now)))
        self.state.emit(EmaUpdated(self.address, spot, ema, now))
        return ema

    def latest(self) -> PriceReading:
        """:meth:`price_oracle` with ``decimals`` (floor), as of the last upkeep: the average
        moves with time between pokes, but it knows the pool only as it was then."""
        st = self._load("ema")
        wad = moving_average(st.last_price, st.ema_price, st.ma_last_time, self.ma_exp_time, self.state.now)
        return PriceReading(PriceReading(wad, 18, 0).rescaled(self.decimals), self.decimals, st.ma_last_time)


ROUNDINGS = ("floor", "nearest")
"""How :class:`PoolQuoteFeed` puts a price on its grid: down, or to the nearest step (half up)."""


class QuoteSample(Event):
    """A sampled pool-quote feed stored the quote of the moment."""

    feed: str
    answer: int
    updated_at: int


class PoolQuoteFeed(Contract):
    """``chain.Feed`` of the fee-inclusive price of selling ``size`` of coin ``i`` for coin ``j``."""

    kind = "feed.pool_quote"

    def __init__(self, state: State, address: str, network: str, pool: str, i: int, j: int, size: int,
                 grid: int | None, coin_in: Token, coin_out: Token, base: str, quote: str, decimals: int,
                 rounding: str = "floor", rated: bool = False, live: bool = True) -> None:
        super().__init__(state, address, network)
        self.pool = pool
        self.i, self.j = i, j
        self.size = size
        self.grid = grid
        self.coin_in, self.coin_out = coin_in, coin_out
        self.base, self.quote = base, quote
        self.decimals = decimals
        self.rounding, self.rated, self.live = rounding, rated, live

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, pool: str, i: int, j: int, size: int,
               grid: int | None = None, decimals: int = 18, base: str | None = None,
               quote: str | None = None, rounding: str = "floor", rated: bool = False,
               live: bool = True) -> PoolQuoteFeed:
        """Register a quote of selling ``size`` (wei of coin ``i``) for coin ``j`` in the
        StableSwap or V2 pair at ``pool`` (a pair's coins are 0 = token0, 1 = token1).

        ``grid``: None (no rounding, the default: the exact quote) or a positive step in the
        answer's units (1e-``decimals``) to which the price is rounded down, e.g. 25 * 10**14
        for 0.0025 steps at 18 decimals. ``rounding``: "floor" (default, the feed as first
        built) or "nearest" (to the nearest step, half up, from the exact ratio). ``decimals``
        defaults to 18 (wad, the pools' own precision). ``base``/``quote`` default to the two
        coins' symbols. ``rated`` (StableSwap only; default False, the coins' own units)
        quotes per rate unit: ``size`` of coin ``i`` counts as ``size * rate_i / 1e18`` and the
        output as ``out * rate_j / 1e18``, so a wstETH coin whose rate is stETH per wstETH is
        priced as stETH. ``live`` (default True, a quote read when asked) False: the feed
        answers the quote stored at deploy and by each :meth:`poke`. Raises UnknownContract,
        InvalidArgument (not a pool, coins, grid, rounding, rated on a pair, names),
        InvalidAmount (size), WrongNetwork, DuplicateName, and, sampled, what the pool raises
        when it cannot quote; writes nothing on error.
        """
        facade = _pool_of(state, pool, network, (StableSwap, Pair))
        coins = facade.coins if isinstance(facade, StableSwap) else (facade.token0, facade.token1)
        for name, value in (("i", i), ("j", j)):
            if type(value) is not int or not 0 <= value < len(coins):
                raise InvalidArgument(f"{name} must be a coin index in [0, {len(coins) - 1}], got {value!r}")
        if i == j:
            raise InvalidArgument(f"i and j must differ, got {i} twice")
        check_amount(size, "size", positive=True)
        if grid is not None and (type(grid) is not int or grid <= 0):
            raise InvalidArgument(f"grid must be None or a positive int step of the answer, got {grid!r}")
        if rounding not in ROUNDINGS:
            raise InvalidArgument(f"rounding must be one of {', '.join(ROUNDINGS)}, got {rounding!r}")
        if type(rated) is not bool or type(live) is not bool:
            raise InvalidArgument(f"rated and live must be bools, got {rated!r} and {live!r}")
        if rated and not isinstance(facade, StableSwap):
            raise InvalidArgument(f"{pool!r} is a V2 pair: only a StableSwap has rates to quote per rate unit")
        check_decimals(decimals)
        base = check_name(base, "base") if base is not None else coins[i].symbol
        quote = check_name(quote, "quote") if quote is not None else coins[j].symbol
        feed = cls(state, address, network, pool, i, j, size, grid, coins[i], coins[j], base, quote, decimals,
                   rounding, rated, live)
        with state.atomic():
            state.register_contract(feed)
            state.depend(address, pool, "reads-price")
            if not live:
                feed._store("sample", PriceReading(feed.quote_now(), decimals, state.now))
        return feed

    def amount_out(self) -> int:
        """What selling ``size`` pays now (wei of coin ``j``), the pool's fee deducted."""
        pool: Any = self.state.contract(self.pool)
        if isinstance(pool, StableSwap):
            return pool.get_dy(self.i, self.j, self.size)
        reserves = pool.get_reserves()
        return get_amount_out(self.size, reserves[self.i], reserves[self.j], pool.fee_bps)

    def quote_now(self) -> int:
        """``amount_out() / size`` now, in whole coins (per rate unit when ``rated``) with
        ``decimals``: rounded down, or with a grid, the exact ratio put on the grid by
        ``rounding``. Raises what the pool raises when it cannot quote ``size``."""
        out = self.amount_out()
        num: int
        den: int
        if self.rated:
            rates = self.state.contract(self.pool).rates()  # type: ignore[attr-defined]
            num, den = out * rates[self.j] * 10**self.decimals, self.size * rates[self.i]
        else:
            num = out * 10 ** (self.decimals + self.coin_in.decimals)
            den = self.size * 10**self.coin_out.decimals
        if self.grid is None:
            return num // den
        step = den * self.grid
        if self.rounding == "nearest":
            return (2 * num + step) // (2 * step) * self.grid
        return num // step * self.grid

    @external
    def poke(self) -> bool:
        """Store the quote now (anyone may call: the reporter); a live feed stores nothing and
        returns False. Emits QuoteSample. Raises what the pool raises when it cannot quote."""
        if self.live:
            return False
        reading = PriceReading(self.quote_now(), self.decimals, self.state.now)
        self._store("sample", reading)
        self.state.emit(QuoteSample(self.address, reading.answer, reading.updated_at))
        return True

    def latest(self) -> PriceReading:
        """Live: :meth:`quote_now`, ``updated_at`` now. Sampled: the quote of the last poke (or
        of the deploy) with its time."""
        if not self.live:
            sample: PriceReading = self._load("sample")
            return sample
        return PriceReading(self.quote_now(), self.decimals, self.state.now)


__all__ = ["MA_EXP_TIME", "ROUNDINGS", "SPOT_CAP", "CurveEmaFeed", "EmaState", "EmaUpdated", "PoolQuoteFeed",
           "QuoteSample", "moving_average", "pool_spot_price", "spot_prices", "wad_exp"]
