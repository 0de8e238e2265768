"""The liquidator: finds liquidatable loops with the vectorised health factors, and liquidates
each one that pays after gas, funded by a flash loan.

One liquidation (:meth:`Liquidator.liquidate`), all in one snapshot:

1. the exact health factor is below 1 (integer, :mod:`lending.account`);
2. the debt to cover is the most the close factor allows, cut to what the user's wstETH
   collateral can pay with the bonus (:func:`lending.logic.liquidation.max_liquidatable_debt`
   and :func:`lending.collateral_to_seize`, the market's own rules and rounding);
3. flash-borrow that much WETH (mode 0), ``market.liquidate(..., wstETH, WETH, receive_a_token=
   False)``, sell the seized wstETH on the venue that pays more (StableSwap or V2), repay the
   loan and its premium;
4. the profit is the change of the liquidator's WETH balance; when it does not exceed
   ``gas_wei`` (or any step reverts, e.g. the sale cannot repay the loan) the snapshot is
   reverted and nothing happened.

A sweep scans with :func:`lending.liquidatable` (float candidates, each confirmed exactly), so
only candidates are touched, and repeats while a pass liquidated something (a position left
below 1 after a close-factor liquidation is taken again), at most ``max_passes`` times.
"""

from __future__ import annotations

import attrs

from chain import WAD, LstlabError
from lending import collateral_to_seize, liquidatable
from lending.logic.liquidation import max_liquidatable_debt
from lstlab.agents.arbitrageur import WETH_I, WSTETH_I
from lstlab.agents.base import Funded, Step
from lstlab.world.build import World


@attrs.frozen
class Liquidation:
    """One executed liquidation (wei)."""

    user: str
    debt_repaid: int
    collateral_seized: int
    weth_received: int
    premium: int
    profit: int
    venue: str


@attrs.frozen
class Sweep:
    """Totals of a sweep (wei; ``bad_debt``: the WETH reserve's bad debt plus deficit after it)."""

    liquidations: tuple[Liquidation, ...] = ()
    bad_debt: int = 0

    @property
    def count(self) -> int:
        return len(self.liquidations)

    def total(self, field: str) -> int:
        return sum(getattr(x, field) for x in self.liquidations)


def bad_debt(world: World) -> int:
    """WETH debt the market holds without collateral: ``bad_debt`` (v3.0.2) + ``deficit`` (v3.3), wei."""
    rs = world.market.reserve_state(world.weth)
    return rs.bad_debt + rs.deficit


def sell_quote(world: World, amount: int) -> tuple[str, int]:
    """The venue paying more WETH for ``amount`` wstETH and what it pays."""
    quotes = []
    for venue, quote in (("curve", lambda: world.curve.get_dy(WSTETH_I, WETH_I, amount)),
                         ("v2", lambda: world.router.get_amounts_out(amount, [world.wsteth, world.weth])[-1])):
        try:
            quotes.append((quote(), venue))
        except LstlabError:
            quotes.append((0, venue))
    out, venue = max(quotes)
    return venue, out


def sell(world: World, account: str, amount: int) -> tuple[str, int]:
    """Sell ``amount`` wstETH of ``account`` on the better venue; returns (venue, WETH received)."""
    venue, out = sell_quote(world, amount)
    if venue == "curve":
        return venue, world.curve.exchange(account, WSTETH_I, WETH_I, amount, out)
    path = [world.wsteth, world.weth]
    return venue, world.router.swap_exact_in(account, amount, out, path, account, world.state.now)[-1]


def cover_amount(world: World, user: str) -> int:
    """WETH wei one liquidation of ``user`` (wstETH collateral) can cover under the market's
    close factor, cut to what the collateral pays with the bonus; 0 when not liquidatable."""
    m, wst, weth = world.market, world.wsteth, world.weth
    acct = m.account_data(user)
    if acct.health_factor >= WAD:
        return 0
    pos = m.position(user)
    ccfg, dcfg = m.reserve_config(wst), m.reserve_config(weth)
    if not pos.uses_as_collateral(ccfg.id):
        return 0
    debt, collateral = m.debt(user, weth), m.supplied(user, wst)
    prices = (m.price(wst), ccfg.unit, m.price(weth), dcfg.unit)
    cap = max_liquidatable_debt(m.config(), acct, debt, collateral, *prices)
    category = m.emode_category(pos.emode) if pos.emode and ccfg.emode_category == pos.emode else None
    bonus = ccfg.liquidation_bonus if category is None else category.liquidation_bonus
    return collateral_to_seize(cap, *prices, collateral, bonus, ccfg.liquidation_protocol_fee).debt


@attrs.frozen
class Liquidator(Funded):
    """Liquidates profitable positions each step (see the module docstring)."""

    name: str = "liq"
    gas_wei: int = 0
    max_passes: int = 10
    margin: float = 2e-4
    """Float health factors below 1 + margin are candidates (each confirmed exactly)."""

    def fund(self, world: World) -> None:
        """Create the liquidator's account (it needs no inventory: flash loans fund it)."""
        world.fund(world.weth, self.name, 0)

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Sweep once; metrics: liquidations, debt repaid (ETH), collateral seized (wstETH),
        collateral sold (ETH received), profit (ETH), the market's bad debt (ETH)."""
        return self.metrics(self.sweep(world))

    def metrics(self, s: Sweep) -> dict[str, float]:
        """``liquidations`` and ``liquidated_debt_eth`` (the backtest sums them over agents),
        then ``{name}_collateral_seized_wsteth``, ``_collateral_sold_eth``, ``_profit_eth`` and
        ``_bad_debt_eth`` (the WETH reserve's bad debt and deficit after the sweep)."""
        p = self.name
        return {
            "liquidations": float(s.count), "liquidated_debt_eth": s.total("debt_repaid") / WAD,
            f"{p}_collateral_seized_wsteth": s.total("collateral_seized") / WAD,
            f"{p}_collateral_sold_eth": s.total("weth_received") / WAD, f"{p}_profit_eth": s.total("profit") / WAD,
            f"{p}_bad_debt_eth": s.bad_debt / WAD,
        }

    def sweep(self, world: World) -> Sweep:
        """Liquidate every profitable candidate, pass after pass until a pass does nothing."""
        done: list[Liquidation] = []
        for _ in range(self.max_passes):
            before = len(done)
            for user in liquidatable(world.market, self.margin):
                if user != self.name:
                    result = self.liquidate(world, user)
                    if result is not None:
                        done.append(result)
            if len(done) == before:
                break
        return Sweep(tuple(done), bad_debt(world))

    def liquidate(self, world: World, user: str) -> Liquidation | None:
        """Liquidate ``user`` once if it pays more than ``gas_wei``; None (nothing written)
        when it is not liquidatable, not profitable, or any step reverts."""
        cover = cover_amount(world, user)
        if cover == 0:
            return None
        state, m, weth = world.state, world.market, world.weth
        if not state.has_address(self.name):
            self.fund(world)
        snap = state.snapshot()
        before = state.balance_of(weth, self.name)
        seen: list[tuple] = []

        def callback(_state, _asset, amount, premium):
            seized = m.liquidate(self.name, user, world.wsteth, weth, amount, receive_a_token=False)
            venue, out = sell(world, self.name, seized.collateral)
            seen.append((seized, venue, out, premium))

        try:
            m.flash_loan(self.name, weth, cover, callback, mode=0)
        except LstlabError:
            state.revert(snap)
            return None
        profit = state.balance_of(weth, self.name) - before
        if profit <= self.gas_wei:
            state.revert(snap)
            return None
        state.commit(snap)
        seized, venue, out, premium = seen[0]
        return Liquidation(user, seized.debt, seized.collateral, out, premium, profit - self.gas_wei, venue)

