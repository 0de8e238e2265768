"""The arbitrageur: holds every pool of the world, on every network, at its reference price,
hedging each trade on an external market (:mod:`lstlab.agents.cex`) or, in the fixed mode,
trading the inventory it holds (trades then valued at the reference, ``c = 0`` below).

References (wad, quote per base) are :func:`lstlab.world.venues.reference_price`: WETH per
wstETH = the data's stETH/ETH x the protocol rate (the L2 pool too), USDC per WETH = ETH/USD.
A pool is sold base while its marginal bid, fee included, beats the CEX's ask ``ref (1 + c)``
and bought from while its marginal ask is below the CEX's bid ``ref (1 - c)``, ``c`` the taker fee.

- StableSwap pools (coin 0 the quote WETH, coin 1 the base: ``venues.QUOTE_I/BASE_I``): the
  trade is the whole steps of :data:`STEP` wei whose marginal output (``get_dy`` of ``x + STEP``
  minus that of ``x``) beats the target. The boundary is estimated in floats
  (:meth:`amm.stableswap_price.PoolQuote.input_for`) and checked with exact quotes from one read
  of the pool (a gallop and a bisection take over when the estimate is off). The admin fee a
  trade leaves in the pool shifts the next quote, so the sizing is repeated, at most
  :data:`ROUNDS` times, until it finds nothing or the next trade would not pay its gas.
- V2 pairs (any decimals): the closed-form profit-maximising input ``sqrt(k / (gamma p)) -
  r_in / gamma`` (v2-periphery ``computeProfitMaximizingTrade``) trimmed to the least input that
  buys the same output (``getAmountIn``): the integer optimum's profit to within one unit of
  output, in constant time (:func:`v2_input`).

Tracking band: where the trade stops, the mid (fee-free) is ``ref (1 + c) / (1 - f)`` above
the reference or ``ref (1 - c)(1 - f)`` below it, ``f`` the pool fee (:func:`tracking_band_bps`).
With the default CEX (3 bps): Curve pools (4 bps) +7.0 / -7.0 bps, plus the residual a second
sizing leaves when it does not pay its gas (under 1 bp on the 2022 data); V2 pairs (30 bps)
+33.1 / -33.0 bps, slightly inside since the fee a trade adds to the reserves lowers the next
marginal price. Inside the band no profitable trade exists.

Never silent: each pool further than :data:`BLOCK_REPORT_BPS` from its reference after the agent
acted counts one reason, ``{name}_blocked_{reason}_{pool}``: ``fee_band`` (inside the band),
``inventory`` (the agent's balance or the exchange's L2 inventory cut the trade),
``unprofitable_gas``, ``revert`` (the pool refused it), ``no_quote``, ``rounds`` (still outside
the band after ROUNDS trades). ``{name}_blocked_top_up`` counts the exchange's L2 top-ups that
failed (the issuer refused the stake or the bridge the deposit).

LST arbitrage (``lst_band_bps`` set, Ethereum StableSwap pool): above rate x (1 + band) mint
(submit, wrap) and sell; below rate x (1 - band) buy and queue the redemption
(:meth:`lst.WithdrawalQueue.request_withdrawal_wrapped`, in requests of at most the queue's
maximum), valued at the protocol rate and claimed at the next step once finalised. It spends
the agent's WETH; with the CEX, what it lacks is withdrawn from the exchange (the agent's own
capital held outside the world: minted, no fee).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import attrs

from amm.library import BPS
from chain import WAD, InvalidArgument, LstlabError
from lstlab.agents.base import Funded, Step
from lstlab.agents.cex import Cex, CexCannotDeliver, Priced
from lstlab.agents.sizing import PRICE_TOLERANCE, STEP, Quotes, Reserves, curve_size, in_band, size, v2_input
from lstlab.world import names, venues
from lstlab.world.build import World
from lstlab.world.venues import BASE_I, QUOTE_I, PoolInfo, mid_price, reference_price

ROUNDS = 4
"""Sizings per pool and step (each after the previous trade); the third finds nothing in practice."""
BLOCK_REPORT_BPS = 10
"""A pool further than this from its reference after the agent acted gets a reason counted
(the report's tracking band, ``lstlab.report.summary.TRACKING_BAND_BPS``)."""
UNLIMITED = 2**128
"""The cap of a trade that no inventory limits (wei): far beyond any pool's depth."""
GAS_WEI = 150_000 * 20 * 10**9
"""Gas of one Ethereum trade: 150,000 gas (the order of a Curve ``exchange`` or a V2 router
swap) at 20 gwei, about the median gas price of May 2022 (about 19 gwei, Dune Analytics); a
parameter, not data: 0.003 ETH."""
L2_GAS_WEI = 2 * 10**14
"""Gas of one L2 trade: 0.0002 ETH, the order of an OP-stack swap's fee in 2022 (a few tens of
cents, mostly the L1 data fee before EIP-4844); a modelling figure."""

WETH_I, WSTETH_I = QUOTE_I, BASE_I
Mode = Literal["cex", "fixed"]


# --- prices and values ----------------------------------------------------------------------


def protocol_rate(world: World) -> int:
    """stETH (= ETH at par) per wstETH, wad, as the pool and the market read it."""
    return venues.protocol_rate(world)


def _pool(world: World, key: str) -> PoolInfo:
    return next(p for p in world.pools() if p.key == key)


def curve_mid(world: World) -> int:
    """The Ethereum StableSwap pool's mid price, WETH per wstETH (wad): ``venues.mid_price``."""
    return mid_price(world, _pool(world, "curve"))


def v2_mid(world: World) -> int:
    """The V2 wstETH/WETH pair's mid price (reserve ratio), WETH per wstETH (wad)."""
    return mid_price(world, _pool(world, "v2"))


def curve_steth_eth(world: World) -> float:
    """The Ethereum StableSwap pool's mid price as a stETH/ETH ratio (float)."""
    return curve_mid(world) / protocol_rate(world)


def tracking_band_bps(pool_fee: float, cex_fee: float) -> tuple[float, float]:
    """``(below, above)``: the mid's distance from the reference (bps) where the marginal
    price, fee included, meets the CEX's bid or ask; fees as fractions (0.0004, 0.0003)."""
    return ((1 - cex_fee) * (1 - pool_fee) - 1) * 1e4, ((1 + cex_fee) / (1 - pool_fee) - 1) * 1e4


# --- results ----------------------------------------------------------------------------------


@attrs.frozen
class Trades:
    """What one act did: counts, and ETH wei (volume: the WETH leg of each pool trade; profit
    after gas; ``cex_cost``: taker fees paid); ``blocked``: ``{reason}_{pool}`` per block."""

    trades: int = 0
    volume: int = 0
    profit: int = 0
    requests: int = 0
    cex_cost: int = 0
    blocked: tuple[str, ...] = ()

    def add(self, other: Trades) -> Trades:
        if other is NO_TRADES:
            return self
        if self is NO_TRADES:
            return other
        return Trades(self.trades + other.trades, self.volume + other.volume, self.profit + other.profit,
                      self.requests + other.requests, self.cex_cost + other.cex_cost, self.blocked + other.blocked)


NO_TRADES = Trades()
"""Nothing done (adding it changes nothing)."""


@attrs.frozen
class _Leg:
    """One sized pool trade: ``sells_base`` (base in, quote out) or not; amounts in wei."""

    sells_base: bool
    amount_in: int
    amount_out: int


# --- the agent --------------------------------------------------------------------------------


@attrs.frozen
class Arbitrageur(Funded):
    """Holds the pools at the step's references (see the module docstring).

    ``mode``: ``"cex"`` hedges every trade on ``cex``; ``"fixed"`` trades the inventory that
    :meth:`fund` mints (``weth_inventory`` WETH, ``wsteth_inventory`` wstETH by staking) with
    no external market (the behaviour before the CEX: today's runs use
    ``mode="fixed", venues=("curve", "v2"), gas_wei=0``). ``venues``: pool keys to hold
    (None: every pool of the world). ``gas_wei`` / ``l2_gas_wei``: the cost of one trade on
    Ethereum / on the L2 (:data:`GAS_WEI`, :data:`L2_GAS_WEI`), charged against its profit.
    ``lst_band_bps``: the band around the protocol rate beyond which the LST arbitrage acts
    (None: off; off by default because before Ethereum's Shapella upgrade, as in 2022,
    nothing could be redeemed).
    """

    name: str = "arb"
    mode: Mode = "cex"
    cex: Cex = attrs.field(factory=Cex)
    weth_inventory: int = 100_000 * WAD
    """Fixed mode: WETH minted at :meth:`fund`; 100k, the inventory before the CEX (the benchmark)."""
    wsteth_inventory: int = 100_000 * WAD
    """Fixed mode: wstETH staked at :meth:`fund`; 100k, as above (about 40% of the Curve pool's side)."""
    gas_wei: int = GAS_WEI
    l2_gas_wei: int = L2_GAS_WEI
    venues: tuple[str, ...] | None = None
    lst_band_bps: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.mode not in ("cex", "fixed"):
            raise ValueError(f"mode must be 'cex' or 'fixed', got {self.mode!r}")

    def fund(self, world: World) -> None:
        """Add the agent's account (and the exchange's, with the CEX); in the fixed mode mint
        its inventory (staking for the wstETH part). Raises InvalidArgument for unknown venues."""
        self.pools(world)
        self._open(world)
        if self.mode == "cex":
            return
        world.fund(world.weth, self.name, self.weth_inventory)
        if self.wsteth_inventory:
            stake = self.wsteth_inventory * protocol_rate(world) // WAD + 1
            world.fund(world.weth, self.name, stake)
            world.stake(self.name, stake)

    def _open(self, world: World) -> None:
        if not world.state.has_address(self.name):
            world.state.add_account(self.name)
        if self.mode == "cex":
            self.cex.open(world)

    def pools(self, world: World) -> tuple[PoolInfo, ...]:
        """The pools this agent holds; raises InvalidArgument for a venue the world lacks."""
        pools = world.pools()
        if self.venues is None:
            return pools
        unknown = set(self.venues) - {p.key for p in pools}
        if unknown:
            raise InvalidArgument(f"no pool {sorted(unknown)} in this world: pick from {[p.key for p in pools]}")
        return tuple(p for p in pools if p.key in self.venues)

    def references(self, world: World, eth_usd: float, steth_eth: float) -> dict[str, int]:
        """Each held pool's reference (wad, quote per base) at these market prices."""
        pools = self.pools(world)
        rate = protocol_rate(world) if any(p.base.symbol == "wstETH" for p in pools) else None
        return {p.key: reference_price(world, p, eth_usd, steth_eth, rate) for p in pools}

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Claim finished redemptions (LST arbitrage on), receive the exchange's bridge
        deposits, hold every pool at the step's reference, then the LST arbitrage, then top
        the exchange's L2 inventory up. Returns trades, ETH volume, profit and CEX cost,
        redemptions and the blocked counts (module docstring)."""
        done = self.claim(world) if self.lst_band_bps is not None else NO_TRADES
        if self.mode == "cex":
            self.cex.receive_deposits(world)
        done = done.add(self.arbitrage(world, self.references(world, step.eth_usd, step.steth_eth)))
        if self.lst_band_bps is not None:
            done = done.add(self.lst_arbitrage(world))
        if self.mode == "cex" and not self.cex.top_up(world):
            done = done.add(Trades(blocked=("top_up",)))
        p = self.name
        metrics = {
            f"{p}_trades": float(done.trades), f"{p}_volume_eth": done.volume / WAD,
            f"{p}_profit_eth": done.profit / WAD, f"{p}_cex_cost_eth": done.cex_cost / WAD,
            f"{p}_redemptions": float(done.requests),
        }
        for reason in done.blocked:
            key = f"{p}_blocked_{reason}"
            metrics[key] = metrics.get(key, 0.0) + 1.0
        return metrics

    def arbitrage(self, world: World, references: Mapping[str, int]) -> Trades:
        """Hold each pool named in ``references`` (pool key -> wad, quote per base) at its
        reference where profitable after costs, in the world's pool order.

        Raises InvalidArgument (before any trade) for an unknown key or a non-positive reference.
        """
        pools = {p.key: p for p in world.pools()}
        for key, ref in references.items():
            if key not in pools:
                raise InvalidArgument(f"no pool {key!r} in this world: pick from {sorted(pools)}")
            if type(ref) is not int or ref <= 0:
                raise InvalidArgument(f"the reference of {key!r} must be a positive int (wad), got {ref!r}")
        self._open(world)
        done = NO_TRADES
        for key, pool in pools.items():
            if key in references:
                done = done.add(self._hold(world, pool, references[key]))
        return done

    # --- one pool --------------------------------------------------------------------------

    def _read(self, world: World, pool: PoolInfo) -> Quotes | Reserves:
        if pool.kind == "v2":
            return Reserves(world, pool)
        return Quotes(world.state.contract(pool.address))

    def _caps(self, world: World, pool: PoolInfo) -> tuple[int, int]:
        """What the agent can put in: ``(base, quote)`` wei (``UNLIMITED`` where nothing caps it)."""
        if self.mode == "fixed":
            state = world.state
            return state.balance_of(pool.base, self.name), state.balance_of(pool.quote, self.name)
        base, quote = self.cex.available(world, pool.base), self.cex.available(world, pool.quote)
        return UNLIMITED if base is None else base, UNLIMITED if quote is None else quote

    def _hold(self, world: World, pool: PoolInfo, ref: int) -> Trades:
        """Trade ``pool`` towards ``ref`` until a sizing finds nothing (at most ROUNDS times),
        then name the reason if it is left more than BLOCK_REPORT_BPS away."""
        priced = Priced.of(pool, ref)
        fee = self.cex.taker_fee_bps if self.mode == "cex" else 0
        sell, buy = priced.targets(fee)
        done, reason, fresh = NO_TRADES, None, False
        for _ in range(ROUNDS):
            reader, fresh = self._read(world, pool), True
            cap_base, cap_quote = self._caps(world, pool)
            x, y, capped = reader.side(BASE_I, QUOTE_I, sell, cap_base)
            sells_base = bool(x)
            if not x:
                x, y, capped_buy = reader.side(QUOTE_I, BASE_I, buy, cap_quote)
                capped = capped or capped_buy
            reason = reason or ("inventory" if capped else None)
            if not x:
                break
            trade = self._trade(world, pool, _Leg(sells_base, x, y), priced, fee)
            if isinstance(trade, str):
                reason = reason or trade
                break
            done, fresh = done.add(trade), False
        reader = reader if fresh else self._read(world, pool)
        mid = reader.mid()
        if mid and abs(mid - ref) * BPS <= BLOCK_REPORT_BPS * ref:
            return done
        if not mid:
            reason = "no_quote"
        elif in_band(mid, ref, reader.fee_fraction(), fee):
            reason = "fee_band"
        return done.add(Trades(blocked=(f"{reason or 'rounds'}_{pool.key}",)))

    def _trade(self, world: World, pool: PoolInfo, leg: _Leg, priced: Priced, fee_bps: int) -> Trades | str:
        """Run ``leg`` and its CEX leg in one snapshot when it pays its gas; the Trades, or the
        reason it did not run (``unprofitable_gas``, ``inventory``, ``revert``)."""
        profit, cost = priced.hedged(leg.sells_base, leg.amount_in, leg.amount_out, fee_bps)
        gas = self.gas_wei if pool.network == names.ETH else self.l2_gas_wei
        profit_eth = priced.eth(pool, profit)
        if profit_eth <= gas:
            return "unprofitable_gas"
        state = world.state
        snap = state.snapshot()
        try:
            self._settle(world, pool, leg, profit)
        except CexCannotDeliver:
            state.revert(snap)
            return "inventory"
        except LstlabError:
            state.revert(snap)
            return "revert"
        except BaseException:  # not a revert of the world: undo, and let it propagate
            state.revert(snap)
            raise
        state.commit(snap)
        weth_leg = leg.amount_in if leg.sells_base == (pool.base.symbol == "WETH") else leg.amount_out
        return Trades(1, weth_leg, profit_eth - gas, cex_cost=priced.eth(pool, cost))

    def _settle(self, world: World, pool: PoolInfo, leg: _Leg, profit: int) -> None:
        """The pool trade and, with the CEX, its settlement (module docstring of
        :mod:`lstlab.agents.cex`): the agent keeps ``profit`` quote wei."""
        cex, me, state = self.cex, self.name, world.state
        token_in, token_out = (pool.base, pool.quote) if leg.sells_base else (pool.quote, pool.base)
        if self.mode == "cex":
            cex.deliver(world, token_in, leg.amount_in, me)
        if pool.kind == "v2":
            world.router.swap_exact_in(me, leg.amount_in, leg.amount_out, [token_in, token_out], me, state.now)
        else:
            i, j = (BASE_I, QUOTE_I) if leg.sells_base else (QUOTE_I, BASE_I)
            state.contract(pool.address).exchange(me, i, j, leg.amount_in, leg.amount_out)  # type: ignore[attr-defined]
        if self.mode != "cex":
            return
        if leg.sells_base:  # pay for the base the exchange delivered: ceil(x * ref) + fee
            state.transfer(pool.quote, me, cex.account, leg.amount_out - profit)
        else:  # the base to the exchange, which pays floor(y * ref) - fee less its advance
            state.transfer(pool.base, me, cex.account, leg.amount_out)
            cex.deliver(world, pool.quote, profit, me)

    # --- the LST arbitrage: mint above the band, redeem below it ----------------------------

    def lst_arbitrage(self, world: World) -> Trades:
        """Mint and sell when the Ethereum pool pays more than rate x (1 + band); buy and
        queue a redemption when it sells for less than rate x (1 - band). Profitable after
        gas only; resized after each trade as :meth:`arbitrage` does, at most ROUNDS times."""
        done = Trades()
        for _ in range(ROUNDS):
            trade = self._lst_once(world)
            if not trade.trades:
                break
            done = done.add(trade)
        return done

    def _spendable(self, world: World) -> int:
        """WETH the LST arbitrage may spend: the agent's balance, unlimited with the CEX."""
        return UNLIMITED if self.mode == "cex" else world.state.balance_of(world.weth, self.name)

    def _fund_weth(self, world: World, amount: int) -> None:
        """With the CEX, withdraw what the agent lacks of ``amount`` WETH from the exchange."""
        short = amount - world.state.balance_of(world.weth, self.name)
        if self.mode == "cex" and short > 0:
            self.cex.deliver(world, world.weth, short, self.name)

    def _lst_once(self, world: World) -> Trades:
        band = self.lst_band_bps or 0
        rate = protocol_rate(world)
        weth = self._spendable(world)
        high = rate * (BPS + band) // BPS
        quotes = Quotes(world.curve)
        x = size(quotes, WSTETH_I, WETH_I, high, weth * WAD // rate)
        if x:
            return self._mint_and_sell(world, x * rate // WAD)
        low = rate * (BPS - band) // BPS
        x = size(quotes, WETH_I, WSTETH_I, WAD * WAD // low, weth)
        if x:
            return self._buy_and_redeem(world, x, rate)
        return Trades()

    def _kept_if_paid(self, world: World, run: Callable[[], Trades]) -> Trades:
        """``run()`` in a snapshot, kept only when it raised nothing and earned more than gas."""
        state = world.state
        snap = state.snapshot()
        try:
            done = run()
        except LstlabError:
            done = Trades()
        except BaseException:  # not a revert of the world: undo, and let it propagate
            state.revert(snap)
            raise
        if done.profit > 0:
            state.commit(snap)
            return done
        state.revert(snap)
        return Trades()

    def _mint_and_sell(self, world: World, weth_in: int) -> Trades:
        def run() -> Trades:
            self._fund_weth(world, weth_in)
            minted = world.stake(self.name, weth_in)
            y = world.curve.exchange(self.name, WSTETH_I, WETH_I, minted, 0)
            return Trades(1, y, y - weth_in - self.gas_wei)

        return self._kept_if_paid(world, run)

    def _buy_and_redeem(self, world: World, weth_in: int, rate: int) -> Trades:
        queue = world.queue

        def run() -> Trades:
            self._fund_weth(world, weth_in)
            got = world.curve.exchange(self.name, WETH_I, WSTETH_I, weth_in, 0)
            chunk = world.wrapper.tokens_per_st() * queue.max_amount // WAD
            requests, left = 0, got
            while left:
                piece = min(left, chunk)
                queue.request_withdrawal_wrapped(self.name, piece, names.WRAPPER)
                requests, left = requests + 1, left - piece
            return Trades(1, weth_in, got * rate // WAD - weth_in - self.gas_wei, requests)

        return self._kept_if_paid(world, run)

    def claim(self, world: World) -> Trades:
        """Claim this agent's finalised, unclaimed redemption requests (no new profit: the
        redemption was valued when queued)."""
        queue = world.queue
        last = queue.queue_state().last_finalized
        for key, req in list(queue._records().items()):
            if key[0] == "request" and req.owner == self.name and not req.claimed and req.id <= last:
                queue.claim(self.name, req.id)
        return Trades()


__all__ = [
    "BLOCK_REPORT_BPS", "GAS_WEI", "L2_GAS_WEI", "PRICE_TOLERANCE", "STEP", "WETH_I", "WSTETH_I", "Arbitrageur",
    "Trades", "curve_mid", "curve_size", "curve_steth_eth", "protocol_rate", "tracking_band_bps", "v2_input",
    "v2_mid",
]
