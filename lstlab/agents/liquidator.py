"""The liquidator: every market of the world, every debt and every collateral asset, funded by
flash loans, selling the seized collateral by best execution, only when it pays after gas.

A sweep visits the markets (``markets``; default every market of ``World.markets()``). In each
it scans with :func:`lending.liquidatable` (float candidates, each confirmed with the exact
health factor; through :func:`lstlab.world.book.candidates`, so the bad-debt book read next
reuses the scan) and tries each candidate once per pass; passes repeat while one liquidated
something (a position left below 1 after a close-factor liquidation is taken again), at most
``max_passes`` times. A market without debt is not scanned.

One attempt on a user (:meth:`Liquidator.attempt`):

1. every pair of a debt reserve the user owes and a reserve the user's collateral can be seized
   from is priced: the cover is the most the market's close factor allows
   (:func:`lending.logic.liquidation.max_liquidatable_debt`: v3.0.2 or v3.3 rules, as the
   market is set), the collateral and the debt actually covered follow from the bonus and the
   user's balance (:func:`lending.collateral_to_seize`), the flash-loan premium is the market's
   ``percentMul(debt, premium bps)``, and the sale of the collateral for the debt asset is
   planned by :func:`lstlab.agents.execution.plan_sale` (no sale when both are one asset);
   the expected profit is ``proceeds - debt covered - premium`` (debt asset wei), exact, since
   every amount comes from the market's and the pools' integer math in the current state;
2. the rule: liquidate the pair with the largest expected profit valued in ETH at the market's
   prices; pairs without a route are skipped;
3. it is executed only when that profit exceeds the network's gas (``gas_wei``): inside a
   snapshot, flash-borrow the debt covered (mode 0; from the market itself, or from another
   market of its network when it lacks the cash: :func:`flash_lender`), ``market.liquidate(..., receive_a_token=
   False)``, sell the collateral by the plan, repay loan and premium. The profit is measured
   as the change of the liquidator's balance of the debt asset; when any step reverts, or the
   measured profit does not exceed the gas, the snapshot is reverted: nothing was written.

A candidate that cannot be taken is counted by reason: ``no_venue`` (no pool sells its
collateral for its debt), ``unprofitable`` (profit after gas not positive), ``revert`` (the
market or a pool refused). A position left without seizable collateral is bad debt
(:mod:`lstlab.world.book`), not an opportunity, and is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

import lending
from chain import WAD, InvalidArgument, LstlabError, Token, check_amount
from chain.fixedpoint import percent_mul
from lending import Seizure, collateral_to_seize
from lending.logic.liquidation import max_liquidatable_debt
from lstlab.agents import execution
from lstlab.agents.base import Funded, Step
from lstlab.agents.execution import NoRoute, Plan
from lstlab.world import book, names
from lstlab.world.build import World

GAS_UNITS = 600_000
"""Gas of one flash-loan liquidation with a swap: an Aave V3 ``flashLoanSimple`` wrapping
``liquidationCall`` (a few hundred thousand gas) and one or two DEX swaps (about 100-150
thousand each); a modelling figure of the right order, not a measurement."""
ETHEREUM_GAS_PRICE = 20 * 10**9
"""20 gwei: of the order of Ethereum's base fee plus tip in mid-2023 (the world's start date);
a stated assumption, not data."""
L2_GAS_WEI = 10**14
"""0.0001 ETH per liquidation on the optimistic rollup: its execution gas is priced in
thousandths of a gwei, so the cost is the L1 data fee of a transaction of about a kilobyte,
of the order of 0.0001 ETH in 2023; a stated assumption, not data."""
REASONS = ("unprofitable", "revert", "no_venue")
"""Why a candidate was not liquidated (``{name}_blocked_{reason}`` metrics)."""
FIGURES = (("debt_repaid_eth", "debt_repaid_eth"), ("collateral_seized_eth", "collateral_seized_eth"),
           ("proceeds_eth", "proceeds_eth"), ("profit", "profit_eth"), ("gas", "gas_eth"),
           ("bad_debt_eth", "bad_debt_eth"))
"""(Liquidation field, metric suffix) of the summed figures: debt repaid, collateral seized
and sale proceeds at the market's prices, profit after gas, gas, bad debt booked (ETH)."""


@attrs.frozen
class Gas:
    """Gas charged per liquidation, wei of ETH, by network name (``otherwise`` for networks not
    listed; None: such a network is an error)."""

    by_network: tuple[tuple[str, int], ...] = ()
    otherwise: int | None = None

    @classmethod
    def of(cls, value: Gas | int | Mapping[str, int]) -> Gas:
        """A Gas from one figure for every network or a mapping network -> wei; raises
        InvalidAmount for a negative or non-int figure."""
        if isinstance(value, Gas):
            return value
        if isinstance(value, Mapping):
            return cls(tuple(sorted((str(k), check_amount(v, "gas_wei")) for k, v in value.items())))
        return cls((), check_amount(value, "gas_wei"))

    def wei(self, network: str) -> int:
        """Gas of one liquidation on ``network``; raises InvalidArgument when it has no figure."""
        for name, wei in self.by_network:
            if name == network:
                return wei
        if self.otherwise is None:
            raise InvalidArgument(f"no gas figure for network {network!r}: add it to gas_wei")
        return self.otherwise


DEFAULT_GAS = Gas(((names.L2, L2_GAS_WEI), (names.ETH, GAS_UNITS * ETHEREUM_GAS_PRICE)))
"""0.012 ETH on Ethereum (:data:`GAS_UNITS` x :data:`ETHEREUM_GAS_PRICE`), 0.0001 ETH on the L2."""


@attrs.frozen
class Liquidation:
    """One executed liquidation. Token amounts in wei of their asset; ``*_eth`` and ``profit``
    in wei of ETH at the market's prices when it ran; ``sold_eth``: the WETH side of each
    pool's trade (pool key, wei), what each pool absorbed in ETH."""

    market: str
    user: str
    debt_asset: Token
    collateral_asset: Token
    debt_repaid: int
    collateral_seized: int
    """To the liquidator (the protocol fee excluded)."""
    proceeds: int
    """Debt asset the sale returned (the collateral itself when it is the debt asset)."""
    premium: int
    profit: int
    """``proceeds - debt_repaid - premium`` in ETH, less ``gas``."""
    gas: int
    debt_repaid_eth: int
    collateral_seized_eth: int
    proceeds_eth: int
    bad_debt_eth: int
    """Bad debt the liquidation made the market book (v3.0.2 ``bad_debt``, v3.3 ``deficit``)."""
    plan: Plan | None
    sold_eth: tuple[tuple[str, int], ...]

    @property
    def weth_received(self) -> int:
        """The sale's proceeds in ETH wei (the WETH received when the debt is WETH)."""
        return self.proceeds_eth

    def volumes(self) -> dict[str, int]:
        """Wei of collateral (or of WETH, on a second hop) each pool received, by pool key."""
        return {} if self.plan is None else self.plan.volumes()


@attrs.frozen
class Sweep:
    """What a sweep did: its liquidations, the bad debt they made the markets book (wei of
    ETH; the world's whole bad debt is :func:`bad_debt`) and the candidates it left, counted
    by reason."""

    liquidations: tuple[Liquidation, ...] = ()
    bad_debt: int = 0
    blocked: tuple[tuple[str, int], ...] = ()

    @property
    def count(self) -> int:
        return len(self.liquidations)

    def total(self, field: str) -> int:
        """Sum of one int field (or property) over the liquidations."""
        return sum(getattr(x, field) for x in self.liquidations)

    def blocked_by(self, reason: str) -> int:
        """Candidates left because of ``reason`` (one of :data:`REASONS`)."""
        return dict(self.blocked).get(reason, 0)


@attrs.frozen
class _Option:
    """One (debt, collateral) pair of an attempt, priced exactly; ``plan`` None: no sale."""

    debt: Token
    collateral: Token
    cover: int
    seizure: Seizure
    plan: Plan | None
    profit_eth: int


def bad_debt(world: World) -> int:
    """The world's bad debt, wei of ETH: every reserve of every market, booked and underwater
    (:func:`lstlab.world.book.bad_debt_book`)."""
    return book.bad_debt_book(world).eth


def sell_quote(world: World, token_in: Token, token_out: Token, amount: int) -> Plan:
    """The best-execution plan selling ``amount`` wei of ``token_in`` for ``token_out``
    (:func:`lstlab.agents.execution.plan_sale`); raises NoRoute, InvalidAmount."""
    return execution.plan_sale(world, token_in, token_out, amount)


def sell(world: World, account: str, token_in: Token, token_out: Token, amount: int) -> Plan:
    """Sell ``amount`` wei of ``token_in`` of ``account`` by the best plan; returns the plan
    executed (``account`` received ``plan.amount_out``). All or nothing."""
    plan = sell_quote(world, token_in, token_out, amount)
    execution.execute(world, account, plan)
    return plan


def liquidation_bonus(market: lending.Market, user: str, collateral: Token) -> int:
    """The bonus (bps, 10_500 = 5%) a liquidation of ``user``'s ``collateral`` earns: the
    user's eMode category's when the collateral belongs to it, else the reserve's (Aave)."""
    cfg = market.reserve_config(collateral)
    pos = market.position(user)
    category = market.emode_category(pos.emode) if pos.emode and cfg.emode_category == pos.emode else None
    return cfg.liquidation_bonus if category is None else category.liquidation_bonus


def cover_amount(market: lending.Market, user: str, collateral: Token, debt: Token) -> tuple[int, Seizure]:
    """``(cover, seizure)`` of one liquidation of ``user``'s ``debt`` against ``collateral``:
    ``cover`` is the most the market's close factor allows (v2, v3.0.2 or v3.3 rules); the
    seizure is what the market computes for it (collateral to the liquidator, debt actually
    covered, protocol fee), with the market's rounding. ``(0, zero seizure)`` when the user is
    not liquidatable or that collateral cannot be seized."""
    acct = market.account_data(user)
    ccfg, dcfg = market.reserve_config(collateral), market.reserve_config(debt)
    pos = market.position(user)
    owed, held = market.debt(user, debt), market.supplied(user, collateral)
    if acct.health_factor >= WAD or not (owed and held and ccfg.liquidation_threshold
                                         and pos.uses_as_collateral(ccfg.id)):
        return 0, Seizure(0, 0, 0, 0)
    prices = (market.price(collateral), ccfg.unit, market.price(debt), dcfg.unit)
    cap = max_liquidatable_debt(market.config(), acct, owed, held, *prices)
    bonus = liquidation_bonus(market, user, collateral)
    return cap, collateral_to_seize(cap, *prices, held, bonus, ccfg.liquidation_protocol_fee,
                                    rule=market.config().liquidation_rule)


def flash_lender(world: World, market: lending.Market, asset: Token, amount: int) -> lending.Market:
    """The market a liquidation of ``market`` flash-borrows ``amount`` wei of ``asset`` from:
    ``market`` itself when it holds that much cash, else the first market of ``World.markets()``
    on its network that lists the asset and holds it (as a liquidator borrows wherever the cash
    is: a snapshot's market may hold none of its borrowed asset); ``market`` when none does (its
    flash loan then reverts, counted as ``revert``)."""
    state = world.state
    if state.balance_of(asset, market.address) >= amount:
        return market
    for other in world.markets().values():
        if (other.network == market.network and asset in other.reserves()
                and state.balance_of(asset, other.address) >= amount):
            return other
    return market


def _addresses(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...] | None:
    """One market address or several, as a tuple (None stays None: every market)."""
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _weth_side(leg: execution.Leg) -> int:
    if leg.token_in.symbol == execution.HUB_SYMBOL:
        return leg.amount_in
    return leg.amount_out if leg.token_out.symbol == execution.HUB_SYMBOL else 0


def _sold_eth(plan: Plan | None) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for leg in () if plan is None else plan.legs:
        out[leg.pool] = out.get(leg.pool, 0) + _weth_side(leg)
    return tuple(out.items())


@attrs.frozen
class Liquidator(Funded):
    """Liquidates every profitable position of the world's markets each step (module docstring)."""

    name: str = "liq"
    """The liquidator's account and the prefix of its metrics."""
    gas_wei: Gas = attrs.field(default=DEFAULT_GAS, converter=Gas.of)
    """Gas per liquidation by network (an int: the same on every network); :data:`DEFAULT_GAS`."""
    markets: tuple[str, ...] | None = attrs.field(default=None, converter=_addresses)
    """Market addresses to sweep (None: every market of ``World.markets()``)."""
    max_passes: int = 10
    """Bound on passes of a sweep: a position needs one liquidation, two when the 50% close
    factor leaves it below 1; 10 only bounds a sweep that something keeps feeding."""
    margin: float = 2e-4
    """Float health factors below 1 + margin are candidates (each confirmed exactly): the float
    view agrees with the exact one to 1e-4 when a bps-floor tie falls the other way
    (:func:`lending.health_factors`)."""

    def fund(self, world: World) -> None:
        """Create the liquidator's account (it needs no inventory: flash loans fund it)."""
        if not world.state.has_address(self.name):
            world.state.add_account(self.name)

    def _markets(self, world: World) -> list[tuple[str, lending.Market]]:
        every = world.markets()
        if self.markets is None:
            return list(every.items())
        missing = [a for a in self.markets if a not in every]
        if missing:
            raise InvalidArgument(f"no market at {missing}: use addresses of World.markets() ({list(every)})")
        return [(a, every[a]) for a in self.markets]

    def _candidates(self, market: lending.Market) -> list[str]:
        """The market's liquidatable users but this agent (:func:`lstlab.world.book.candidates`:
        the scan is shared with whoever reads the same state next, such as the bad-debt book)."""
        return [u for u in book.candidates(market, self.margin) if u != self.name]

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Sweep once; returns :meth:`metrics`."""
        return self.metrics(world, self.sweep(world))

    def metrics(self, world: World, s: Sweep) -> dict[str, float]:
        """``{name}_liquidations`` (and ``_liquidations_{market}`` per market swept); the
        :data:`FIGURES` summed over the liquidations, in ETH at each market's prices;
        ``_blocked_{reason}`` for every reason; ``_sold_eth_{pool}`` for each pool that traded
        (the WETH side of its trades; the backtest fills 0 on steps without, as for every
        agent figure)."""
        p, done = self.name, s.liquidations
        row = {f"{p}_liquidations": float(len(done))}
        for field, metric in FIGURES:
            row[f"{p}_{metric}"] = s.total(field) / WAD if done else 0.0
        for address in world.markets() if self.markets is None else self.markets:
            row[f"{p}_liquidations_{address}"] = float(sum(x.market == address for x in done)) if done else 0.0
        blocked = dict(s.blocked)
        for reason in REASONS:
            row[f"{p}_blocked_{reason}"] = float(blocked.get(reason, 0))
        sold: dict[str, int] = {}
        for x in done:
            for key, wei in x.sold_eth:
                sold[key] = sold.get(key, 0) + wei
        for key, wei in sold.items():
            row[f"{p}_sold_eth_{key}"] = wei / WAD
        return row

    def sweep(self, world: World) -> Sweep:
        """Liquidate every profitable candidate, pass after pass until a pass does nothing."""
        markets = self._markets(world)
        done: list[Liquidation] = []
        blocked: dict[tuple[str, str], str] = {}
        for _ in range(self.max_passes):
            before = len(done)
            for address, market in markets:
                for user in self._candidates(market):
                    outcome = self.attempt(world, user, address)
                    if isinstance(outcome, Liquidation):
                        done.append(outcome)
                        blocked.pop((address, user), None)
                    elif outcome is not None:
                        blocked[(address, user)] = outcome
            if len(done) == before:
                break
        counts = {reason: 0 for reason in REASONS}
        for reason in blocked.values():
            counts[reason] += 1
        return Sweep(tuple(done), sum(x.bad_debt_eth for x in done), tuple(counts.items()))

    def liquidate(self, world: World, user: str, market: str = names.MARKET) -> Liquidation | None:
        """:meth:`attempt`, None when nothing was liquidated (and nothing written)."""
        outcome = self.attempt(world, user, market)
        return outcome if isinstance(outcome, Liquidation) else None

    def attempt(self, world: World, user: str, market: str = names.MARKET) -> Liquidation | str | None:
        """Liquidate ``user`` on the market at ``market`` once (module docstring): the
        Liquidation, or the reason it was not (one of :data:`REASONS`; nothing written), or
        None when the user is healthy or has nothing to seize."""
        every = world.markets()
        if market not in every:
            raise InvalidArgument(f"no market at {market!r}: use one of {list(every)}")
        m = every[market]
        options = self._options(world, m, user)
        if not options:
            return None
        routed = [o for o in options if o.plan is not None or o.collateral == o.debt]
        if not routed:
            return "no_venue"
        best = max(routed, key=lambda o: o.profit_eth)
        gas = self.gas_wei.wei(m.network)
        if best.profit_eth <= gas:
            return "unprofitable"
        return self._execute(world, m, user, best, gas)

    def _options(self, world: World, m: lending.Market, user: str) -> list[_Option]:
        """Every seizable (debt, collateral) pair of ``user``, priced exactly."""
        pos = m.position(user)
        reserves = m.reserves()
        debts = [t for i, t in enumerate(reserves) if pos.borrowed_of(i)]
        collaterals = [t for i, t in enumerate(reserves) if pos.uses_as_collateral(i) and pos.supplied_of(i)]
        options = []
        for debt in debts:
            for collateral in collaterals:
                cover, s = cover_amount(m, user, collateral, debt)
                if not (s.debt and s.collateral):
                    continue
                plan, proceeds = None, s.collateral
                if collateral != debt:
                    try:
                        plan = execution.plan_sale(world, collateral, debt, s.collateral)
                    except NoRoute:
                        plan = None
                    proceeds = 0 if plan is None else plan.amount_out
                premium_bps = flash_lender(world, m, debt, s.debt).config().flash_premium_total
                gain = proceeds - s.debt - percent_mul(s.debt, premium_bps)
                profit = book.eth_value(m, debt, gain) if gain > 0 else -1
                options.append(_Option(debt, collateral, cover, s, plan, profit))
        return options

    def _execute(self, world: World, m: lending.Market, user: str, o: _Option, gas: int) -> Liquidation | str:
        """Run option ``o`` in a snapshot; the Liquidation, or "revert"/"unprofitable" (reverted)."""
        state = world.state
        snap = state.snapshot()
        self.fund(world)  # inside the snapshot: a reverted attempt leaves no account behind
        before, booked = state.balance_of(o.debt, self.name), book.booked(m)
        seen: list[tuple[Seizure, Plan | None]] = []

        def callback(_state, _asset, _amount, _premium):
            s = m.liquidate(self.name, user, o.collateral, o.debt, o.cover, receive_a_token=False)
            plan = o.plan
            if plan is not None and plan.amount_in != s.collateral:
                plan = execution.plan_sale(world, o.collateral, o.debt, s.collateral)
            if plan is not None:
                execution.execute(world, self.name, plan)
            seen.append((s, plan))

        try:
            lender = flash_lender(world, m, o.debt, o.seizure.debt)
            premium = lender.flash_loan(self.name, o.debt, o.seizure.debt, callback, mode=0)
            gained = state.balance_of(o.debt, self.name) - before
            profit = book.eth_value(m, o.debt, gained) if gained > 0 else 0
            if profit <= gas:
                state.revert(snap)
                return "unprofitable"
            s, plan = seen[0]
            proceeds = gained + s.debt + premium
            created = sum(book.eth_value(m, t, wei - booked[t]) for t, wei in book.booked(m).items()
                          if wei > booked[t])
            done = Liquidation(
                m.address, user, o.debt, o.collateral, s.debt, s.collateral, proceeds, premium,
                profit - gas, gas,
                book.eth_value(m, o.debt, s.debt), book.eth_value(m, o.collateral, s.collateral),
                book.eth_value(m, o.debt, proceeds), created, plan, _sold_eth(plan),
            )
        except LstlabError:
            state.revert(snap)
            return "revert"
        except BaseException:  # not a revert of the world: undo, and let it propagate
            state.revert(snap)
            raise
        state.commit(snap)
        return done


__all__ = [
    "DEFAULT_GAS",
    "REASONS",
    "Gas",
    "Liquidation",
    "Liquidator",
    "Sweep",
    "bad_debt",
    "cover_amount",
    "flash_lender",
    "liquidation_bonus",
    "sell",
    "sell_quote",
]
