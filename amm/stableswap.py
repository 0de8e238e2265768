"""A Curve StableSwap pool (``StableSwapSTETH.vy`` semantics) for n coins with rate multipliers.

Balances are the pool's ledger balances minus the admin fees it holds (as the stETH pool reads
``balanceOf``, so rebases and donations accrue to LPs). Each coin has a rate (wad): scaled
balances are ``xp_i = balance_i * rate_i // 1e18`` as in Curve's stableswap-ng. A rate is a
constant int, or the address of a ``chain.Feed`` read at every call (stableswap-ng's "oracle"
asset type): a pool of wstETH/WETH whose wstETH rate is the stETH-per-wstETH feed behaves like
a stETH/ETH pool. With every rate 1e18 it is exactly the classic pool.

Fees are 1e10-denominated; A is stored precise (x100) and ramps linearly. The LP token is a
ledger token the pool creates. Governable parameters: ``fee``, ``admin_fee`` and ``A`` (a ramp
to the new A over ``MIN_RAMP_TIME``); ``ramp_A`` / ``stop_ramp_A`` give full control.

Who acts (:mod:`chain.calls`): every action runs in the pool's own call frame; its ``sender``
is the caller the chain vouches for (Curve's ``msg.sender``, who pays and receives), so no code
acts as the pool or as another contract; the admin is vouched for the same way
(:class:`chain.Governable`). Slippage bounds (``min_dy``, ``min_mint_amount``,
``max_burn_amount``, ``min_amount``, ``min_amounts``) are ints in uint256, checked first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self, cast

import attrs

from amm import stableswap_math as sm
from amm.errors import (
    InsufficientDeposit,
    InsufficientLiquidity,
    InvalidRamp,
    Slippage,
)
from amm.events import AddLiquidity, RampA, RemoveLiquidity, RemoveLiquidityOne, StopRampA, TokenExchange
from amm.validation import (
    validate_amounts,
    validate_coin,
    validate_coins,
    validate_input,
    validate_pair_tokens,
    validate_recipient,
)
from chain import (
    UINT256_MAX,
    Contract,
    Governable,
    InsufficientBalance,
    InvalidArgument,
    ParamSpec,
    PriceReading,
    Record,
    State,
    Token,
    WrongNetwork,
    check_amount,
    external,
)

PRECISION = sm.PRECISION
FEE_DENOMINATOR = sm.FEE_DENOMINATOR
_new: Any = tuple.__new__
"""``Cls._make(values)`` as ``_new(Cls, values)``, without its partial's call (as in :mod:`amm.pair`)."""


class StableState(Record):
    """Precise A ramp (x100, s), ``fee`` and ``admin_fee`` (1e10 = 100%), admin balances (wei).
    A named-tuple record (:class:`chain.Record`): an exchange with an admin fee builds one."""

    initial_A: int
    future_A: int
    initial_A_time: int
    future_A_time: int
    fee: int
    admin_fee: int
    admin_balances: tuple[int, ...]


class StableSwap(Contract, Governable):
    """An n-coin StableSwap pool; see the module docstring."""

    kind = "amm.stableswap"

    def __init__(
        self, state: State, address: str, network: str, coins: tuple[Token, ...], lp_token: Token,
        rate_sources: tuple[int | str, ...],
    ) -> None:
        super().__init__(state, address, network)
        self.coins = coins
        self.n = len(coins)
        self.lp_token = lp_token
        self.rate_sources = rate_sources
        static = tuple(r for r in rate_sources if type(r) is int)
        self._static_rates = static if len(static) == len(rate_sources) else None
        # (the fixed rate, or the feed's address and the scale of its answer) per coin, for rates()
        self._rate_plan = tuple((source, 10 ** (36 - coin.decimals) if isinstance(source, str) else 0)
                                for coin, source in zip(coins, rate_sources))
        self._books = tuple(state.book(coin) for coin in coins)  # of this state: see bind
        self._coin_pairs = frozenset((a, b) for a in range(self.n) for b in range(self.n) if a != b)

    def bind(self, state: State) -> Self:
        """The pool bound to ``state`` (a fork), reading that state's coin books."""
        clone = super().bind(state)
        clone._books = tuple(state.book(coin) for coin in self.coins)
        return clone

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, coins: Sequence[Token], *, A: int, fee: int,
        admin_fee: int = 0, rates: Sequence[int | str | None] | None = None, lp_symbol: str | None = None,
    ) -> StableSwap:
        """Register a pool of ``coins`` (2 to 8 tokens of ``network``) with amplification ``A``.

        ``rates[i]``: None for ``10**(36 - decimals)`` (a plain coin), an int rate (wad, for
        18 decimals), or a feed address whose answer (rescaled to 18 decimals) multiplies the
        plain rate (a feed of ``network``). Raises InvalidArgument, IdenticalTokens,
        UnknownToken, UnknownContract, WrongNetwork.
        """
        coins = tuple(coins)
        if not 2 <= len(coins) <= 8:
            raise InvalidArgument(f"a StableSwap pool needs 2 to 8 coins, got {len(coins)}")
        for a, b in zip(coins, coins[1:] + coins[:1]):
            validate_pair_tokens(state, a, b, network)
        if len(set(coins)) != len(coins):
            raise InvalidArgument("coins must be distinct")
        if type(A) is not int or not 0 < A < sm.MAX_A:
            raise InvalidArgument(f"A must be an int in (0, {sm.MAX_A}), got {A!r}")
        if type(fee) is not int or not 0 <= fee <= sm.MAX_FEE:
            raise InvalidArgument(f"fee must be an int in [0, {sm.MAX_FEE}] (1e10 = 100%), got {fee!r}")
        if type(admin_fee) is not int or not 0 <= admin_fee <= sm.MAX_ADMIN_FEE:
            raise InvalidArgument(f"admin_fee must be an int in [0, {sm.MAX_ADMIN_FEE}], got {admin_fee!r}")
        sources = _rate_sources(state, coins, rates, network)
        symbol = lp_symbol or "crv:" + "/".join(c.symbol for c in coins)

        with state.atomic():
            lp_token = state.add_token(network, symbol, 18)
            pool = cls(state, address, network, coins, lp_token, sources)
            state.register_contract(pool)
            initial = StableState(
                A * sm.A_PRECISION, A * sm.A_PRECISION, 0, 0, fee, admin_fee, (0,) * len(coins)
            )
            pool._store("state", initial)
            for source in sources:
                if isinstance(source, str):
                    state.depend(address, source, "reads-rate")
        return pool

    # --- reads ---------------------------------------------------------------------------

    @property
    def record(self) -> StableState:
        record: StableState = self._load("state")
        return record

    def A_precise(self) -> int:
        """Current A times A_PRECISION (ramped)."""
        st = self._load("state")
        return sm.ramped_A(st.initial_A, st.future_A, st.initial_A_time, st.future_A_time, self.state.now)

    def A(self) -> int:
        """Current A (floor of the precise value / 100)."""
        return self.A_precise() // sm.A_PRECISION

    def rates(self) -> tuple[int, ...]:
        """Current rate of each coin (wad for 18-decimal coins), feeds read now."""
        if self._static_rates is not None:
            return self._static_rates
        contract = self.state.contract
        out = []
        for source, scale in self._rate_plan:  # scale: 10**(36 - the coin's decimals)
            if scale:
                reading: PriceReading = contract(source).latest()  # type: ignore[arg-type, attr-defined]
                out.append(scale * reading.rescaled(18) // PRECISION)
            else:
                out.append(source)
        return tuple(out)

    def balances(self, st: StableState | None = None) -> list[int]:
        """Pool balances less admin fees (wei of each coin)."""
        st = st or self._load("state")
        address = self.address
        return [book.get(address, 0) - a for book, a in zip(self._books, st.admin_balances)]  # balance_of

    def total_supply(self) -> int:
        return self.state.total_supply(self.lp_token)

    def get_D(self) -> int:
        """The invariant of the current scaled balances."""
        return sm.get_D(sm.scaled(self.balances(), self.rates()), self.A_precise())

    def get_virtual_price(self) -> int:
        """``D * 1e18 // supply``: LP value in virtual units (wad). Raises InsufficientLiquidity when empty."""
        supply = self.total_supply()
        if supply == 0:
            raise InsufficientLiquidity(f"{self.address} has no liquidity: add_liquidity first")
        return self.get_D() * PRECISION // supply

    def _dy(self, i: int, j: int, dx: int, st: StableState) -> tuple[int, int, int]:
        """``(dy, dy_fee, rate_j)``: output to the user (wei of coin j), fee (scaled units) and
        coin j's rate. Raises InsufficientInputAmount when ``dx`` is too small to pay anything."""
        state, address = self.state, self.address
        rates = self._static_rates or self.rates()
        initial_A, future_A, initial_A_time, future_A_time, fee, _, admin = st
        now = state._clock["now"]  # state.now
        if now >= future_A_time:
            amp = future_A
        else:
            amp = sm.ramped_A(initial_A, future_A, initial_A_time, future_A_time, now)
        if self.n == 2:  # the two-coin pool unrolled: the hot path of every LST pool
            book0, book1 = self._books
            rate0, rate1 = rates
            x0 = book0.get(address, 0) - admin[0]
            x1 = book1.get(address, 0) - admin[1]
            if rate0 != PRECISION:  # at a rate of 1e18 the scaled balance is the balance
                x0 = x0 * rate0 // PRECISION
            if rate1 != PRECISION:
                x1 = x1 * rate1 // PRECISION
            dy, dy_fee = sm.exchange_dy2(i, dx, x0, x1, rates[i], rates[j], amp, fee)
            return dy, dy_fee, rates[j]
        xp = [
            (state.balance_of(c, address) - a) * r // PRECISION
            for c, a, r in zip(self.coins, admin, rates)
        ]
        dy, dy_fee = sm.exchange_dy(i, j, dx, xp, rates, amp, st.fee)
        return dy, dy_fee, rates[j]

    def _sender(self, sender: str) -> None:
        """``sender`` must be the caller (:meth:`chain.Contract.authorize`) and, when a contract,
        one of the pool's network (it pays and receives coins of that network)."""
        if self.state.is_contract(self.authorize(sender, "sender")):
            validate_recipient(self.state, sender, self.network)

    def _imbalance_fee(self, st: StableState) -> int:
        """Curve's fee on imbalanced deposits and withdrawals: ``fee * n / (4 (n - 1))``."""
        return st.fee * self.n // (4 * (self.n - 1))

    def get_dy(self, i: int, j: int, dx: int) -> int:
        """What ``exchange(i, j, dx)`` pays now (wei of coin j): ``xp_j - y - 1`` less the fee."""
        if type(i) is not int or type(j) is not int or (i, j) not in self._coin_pairs:
            validate_coins(i, j, self.n)  # names the failure (as in exchange)
        if type(dx) is not int or not 0 < dx <= UINT256_MAX:
            validate_input(dx)
        return self._dy(i, j, dx, self._load("state"))[0]

    def calc_token_amount(self, amounts: Sequence[int], is_deposit: bool) -> int:
        """LP minted/burnt for ``amounts`` ignoring fees (Curve's estimate, floor)."""
        amounts = validate_amounts(amounts, self.n)
        amp, rates, balances = self.A_precise(), self.rates(), self.balances()
        d0 = sm.get_D(sm.scaled(balances, rates), amp)
        sign = 1 if is_deposit else -1
        d1 = sm.get_D(sm.scaled([b + sign * a for b, a in zip(balances, amounts)], rates), amp)
        return abs(d1 - d0) * self.total_supply() // d0

    # --- actions -------------------------------------------------------------------------

    def exchange(self, sender: str, i: int, j: int, dx: int, min_dy: int) -> int:
        """Sell ``dx`` of coin ``i`` from ``sender`` (the caller) for coin ``j``; returns what was
        received.

        Raises NotTheCaller, InvalidCoin, InsufficientInputAmount (dx == 0), InvalidAmount
        (``min_dy`` not an int in uint256), Slippage (below ``min_dy``), InsufficientBalance,
        UnknownAccount. Emits Transfer x2, TokenExchange.

        The admin fee is booked in the pool's one record, rebuilt and written only when the fee
        is non-zero (as the contract's one ``admin_balances[j]`` store); every check runs before
        the first write, the transfer in. An external action (:func:`chain.external`): its call
        frame, :meth:`_sender`'s common cases, ``state.put`` and ``state.emit`` are inline, as in
        :meth:`amm.Pair.swap` (tests/amm/test_general_paths.py compares it with its general form).
        """
        state = self.state
        frames = state._frames
        if not frames and not state._journal.marks:  # chain.external's wrapper, inline
            state._begin_tx()
        address = self.address
        frames.append(address)
        try:
            if len(frames) > 1 and sender == frames[-2]:  # _sender: authorize passes the caller below our frame
                if state.is_contract(sender):
                    validate_recipient(state, sender, self.network)
            elif len(frames) > 1 or not state.is_account(sender):  # (outside every frame: an account passes)
                self._sender(sender)
            if type(i) is not int or type(j) is not int or (i, j) not in self._coin_pairs:
                validate_coins(i, j, self.n)
            if type(dx) is not int or not 0 < dx <= UINT256_MAX:
                validate_input(dx)
            if type(min_dy) is not int or not 0 <= min_dy <= UINT256_MAX:
                check_amount(min_dy, "min_dy")
            storage: dict[Any, Any] = self._storage  # type: ignore[assignment]  # live (chain.Contract)
            st: StableState = storage["state"]
            dy, dy_fee, rate_j = self._dy(i, j, dx, st)
            if dy < min_dy:
                raise Slippage(f"exchange pays {dy}, below min_dy {min_dy}: widen it or trade less")
            coins = self.coins
            state.transfer(coins[i], sender, address, dx)  # the only write that can fail
            state.transfer(coins[j], address, sender, dy)
            initial_A, future_A, initial_A_time, future_A_time, fee, admin_fee, admin = st
            if admin_fee:
                dy_admin = dy_fee * admin_fee // FEE_DENOMINATOR
                if rate_j != PRECISION:  # times 1e18 // 1e18 is itself
                    dy_admin = dy_admin * PRECISION // rate_j
                if dy_admin:
                    if self.n == 2:  # admin_balances with dy_admin added at j
                        booked = (admin[0] + dy_admin, admin[1]) if j == 0 else (admin[0], admin[1] + dy_admin)
                    else:
                        booked = tuple(a + dy_admin if k == j else a for k, a in enumerate(admin))
                    journal = state._journal
                    if journal.marks:  # state.put(address, "state", record), inline: journaled, then written
                        journal.entries.append((storage, "state", st))
                    else:
                        journal.base += 1
                    storage["state"] = _new(StableState, (  # a record of ints built here
                        initial_A, future_A, initial_A_time, future_A_time, fee, admin_fee, booked,
                    ))
            state.events.append(_new(TokenExchange, (address, sender, i, dx, j, dy)))  # state.emit in our frame
            return dy
        finally:
            frames.pop()

    @external
    def add_liquidity(self, sender: str, amounts: Sequence[int], min_mint_amount: int) -> int:
        """Deposit ``amounts`` from ``sender`` (the caller), who receives the LP; returns the LP
        minted.

        Later deposits pay the imbalance fee ``fee*n/(4(n-1))`` on ``|D1*old_i/D0 - new_i|``
        and mint ``S*(D2-D0)//D0``; the first mints D1. Raises NotTheCaller, InvalidAmount,
        InsufficientDeposit, Slippage, InsufficientBalance. Emits Transfers, AddLiquidity. Atomic.
        """
        self._sender(sender)
        amounts = validate_amounts(amounts, self.n)
        check_amount(min_mint_amount, "min_mint_amount")
        st = self._load("state")
        amp, rates = self.A_precise(), self.rates()
        old = self.balances(st)
        d0 = sm.get_D(sm.scaled(old, rates), amp)
        supply = self.total_supply()
        if supply == 0 and not all(amounts):
            raise InsufficientDeposit("the first deposit must include every coin")
        new = [b + a for b, a in zip(old, amounts)]
        d1 = sm.get_D(sm.scaled(new, rates), amp)
        if d1 <= d0:
            raise InsufficientDeposit(f"deposit {list(amounts)} does not raise D ({d0})")
        fees = [0] * self.n
        admin = list(st.admin_balances)
        if supply > 0:
            fee = self._imbalance_fee(st)
            for k in range(self.n):
                ideal = d1 * old[k] // d0
                fees[k] = fee * abs(ideal - new[k]) // FEE_DENOMINATOR
                admin[k] += fees[k] * st.admin_fee // FEE_DENOMINATOR
                new[k] -= fees[k]
            d2 = sm.get_D(sm.scaled(new, rates), amp)
            mint_amount = supply * (d2 - d0) // d0
        else:
            mint_amount = d1
        if mint_amount < min_mint_amount:
            raise Slippage(f"deposit mints {mint_amount} LP, below min_mint_amount {min_mint_amount}")

        with self.state.atomic():
            for coin, amount in zip(self.coins, amounts):
                if amount:
                    self.state.transfer(coin, sender, self.address, amount)
            self.state.mint(self.lp_token, sender, mint_amount)
            self._store("state", attrs.evolve(st, admin_balances=tuple(admin)))
            self.state.emit(AddLiquidity(self.address, sender, amounts, tuple(fees), d1, supply + mint_amount))
        return mint_amount

    @external
    def remove_liquidity(self, sender: str, amount: int, min_amounts: Sequence[int]) -> tuple[int, ...]:
        """Burn ``amount`` LP of ``sender`` (the caller) for ``balance_i * amount // S`` of each
        coin (no fee).

        Raises NotTheCaller, InvalidAmount, InvalidArgument, Slippage, InsufficientBalance.
        Emits Transfers, RemoveLiquidity.
        """
        self._sender(sender)
        min_amounts = validate_amounts(min_amounts, self.n, "min_amounts")
        validate_input(amount)
        supply = self.total_supply()
        if amount > supply:
            raise InsufficientBalance(f"cannot burn {amount} LP of a supply of {supply}")
        values = tuple(b * amount // supply for b in self.balances())
        for value, minimum in zip(values, min_amounts):
            if value < minimum:
                raise Slippage(f"withdrawal {list(values)} is below min_amounts {list(min_amounts)}")
        state = self.state
        state.burn(self.lp_token, sender, amount)  # the only write that can fail
        for coin, value in zip(self.coins, values):
            state.transfer(coin, self.address, sender, value)
        state.emit(RemoveLiquidity(self.address, sender, values, supply - amount))
        return values

    @external
    def remove_liquidity_imbalance(self, sender: str, amounts: Sequence[int], max_burn_amount: int) -> int:
        """Withdraw exactly ``amounts`` to ``sender`` (the caller), burning its LP; returns the
        LP burnt, ``(D0 - D2) * S // D0`` after the imbalance fee (as the stETH pool, without
        stableswap-ng's +1).

        Raises NotTheCaller, InvalidAmount, InsufficientLiquidity (more than the pool holds, or
        nothing to burn), Slippage (above ``max_burn_amount``), InsufficientBalance. Emits
        Transfers, RemoveLiquidity.
        """
        self._sender(sender)
        amounts = validate_amounts(amounts, self.n)
        check_amount(max_burn_amount, "max_burn_amount")
        st = self._load("state")
        old = self.balances(st)
        supply = self.total_supply()
        if supply == 0 or any(a > b for a, b in zip(amounts, old)):
            raise InsufficientLiquidity(f"cannot withdraw {list(amounts)} from balances {old}")
        amp, rates = self.A_precise(), self.rates()
        d0 = sm.get_D(sm.scaled(old, rates), amp)
        new = [b - a for b, a in zip(old, amounts)]
        d1 = sm.get_D(sm.scaled(new, rates), amp)
        fee = self._imbalance_fee(st)
        admin = list(st.admin_balances)
        for k in range(self.n):
            charged = fee * abs(d1 * old[k] // d0 - new[k]) // FEE_DENOMINATOR
            admin[k] += charged * st.admin_fee // FEE_DENOMINATOR
            new[k] -= charged
        burn = (d0 - sm.get_D(sm.scaled(new, rates), amp)) * supply // d0
        if burn == 0:
            raise InsufficientLiquidity(f"withdrawing {list(amounts)} burns no LP: withdraw more")
        if burn > max_burn_amount:
            raise Slippage(f"withdrawal burns {burn} LP, above max_burn_amount {max_burn_amount}")
        state = self.state
        state.burn(self.lp_token, sender, burn)  # the only write that can fail
        for coin, amount in zip(self.coins, amounts):
            if amount:
                state.transfer(coin, self.address, sender, amount)
        self._store("state", attrs.evolve(st, admin_balances=tuple(admin)))
        state.emit(RemoveLiquidity(self.address, sender, amounts, supply - burn))
        return burn

    def calc_withdraw_one_coin(self, token_amount: int, i: int) -> int:
        """Coin ``i`` (wei) paid for burning ``token_amount`` LP, after the imbalance fee, minus 1."""
        validate_coin(i, self.n)
        validate_input(token_amount)
        supply = self.total_supply()
        if token_amount > supply:
            raise InsufficientBalance(f"cannot burn {token_amount} LP of a supply of {supply}")
        st = self._load("state")
        amp, rates = self.A_precise(), self.rates()
        xp = sm.scaled(self.balances(st), rates)
        d0 = sm.get_D(xp, amp)
        d1 = d0 - token_amount * d0 // supply
        new_y = sm.get_y_D(amp, i, xp, d1)
        fee = self._imbalance_fee(st)
        reduced = list(xp)
        for k in range(self.n):
            expected = xp[k] * d1 // d0 - new_y if k == i else xp[k] - xp[k] * d1 // d0
            reduced[k] -= fee * expected // FEE_DENOMINATOR
        dy = reduced[i] - sm.get_y_D(amp, i, reduced, d1)
        return (dy - 1) * PRECISION // rates[i]

    @external
    def remove_liquidity_one_coin(self, sender: str, token_amount: int, i: int, min_amount: int) -> int:
        """Burn ``token_amount`` LP of ``sender`` (the caller) for coin ``i`` only; returns the
        amount paid.

        Raises NotTheCaller, InvalidAmount, InvalidCoin, Slippage, InsufficientBalance. Emits
        Transfers, RemoveLiquidityOne.
        """
        self._sender(sender)
        check_amount(min_amount, "min_amount")
        dy = self.calc_withdraw_one_coin(token_amount, i)
        if dy < min_amount:
            raise Slippage(f"one-coin withdrawal pays {dy}, below min_amount {min_amount}")
        state = self.state
        state.burn(self.lp_token, sender, token_amount)  # the only write that can fail
        state.transfer(self.coins[i], self.address, sender, dy)
        state.emit(RemoveLiquidityOne(self.address, sender, token_amount, i, dy))
        return dy

    @external
    def withdraw_admin_fees(self, to: str, caller: str | None = None) -> tuple[int, ...]:
        """Send the accrued admin fees to ``to`` (an account or a contract of the pool's network;
        parameter admin only, when one is set). Raises Unauthorized, NotTheCaller,
        UnknownAccount, WrongNetwork."""
        self._require_admin(caller)
        validate_recipient(self.state, to, self.network)
        st: StableState = self._load("state")

        with self.state.atomic():
            for coin, value in zip(self.coins, st.admin_balances):
                if value:
                    self.state.transfer(coin, self.address, to, value)
            self._store("state", attrs.evolve(cast(Any, st), admin_balances=(0,) * self.n))  # a Record: attrs at run time
        return st.admin_balances

    # --- A ramp and governance -----------------------------------------------------------

    @external
    def ramp_A(self, future_A: int, future_time: int, caller: str | None = None) -> None:
        """Ramp A linearly to ``future_A`` at ``future_time`` (Curve ``ramp_A``).

        Raises InvalidRamp (ramped less than MIN_RAMP_TIME ago, ends sooner than MIN_RAMP_TIME
        from now, A outside (0, MAX_A), or a change beyond MAX_A_CHANGE), Unauthorized,
        NotTheCaller. Emits RampA.
        """
        self._require_admin(caller)
        self._ramp_A(future_A, future_time)

    def _ramp_A(self, future_A: int, future_time: int) -> None:
        now, st = self.state.now, self._load("state")
        if type(future_A) is not int or type(future_time) is not int:
            raise InvalidArgument("future_A and future_time must be ints")
        if now < st.initial_A_time + sm.MIN_RAMP_TIME or future_time < now + sm.MIN_RAMP_TIME:
            raise InvalidRamp(f"a ramp needs {sm.MIN_RAMP_TIME} s since the last one and {sm.MIN_RAMP_TIME} s of length")
        initial = self.A_precise()
        future_p = future_A * sm.A_PRECISION
        if not 0 < future_A < sm.MAX_A:
            raise InvalidRamp(f"future A {future_A} is outside (0, {sm.MAX_A})")
        if (future_p < initial and future_p * sm.MAX_A_CHANGE < initial) or (
            future_p >= initial and future_p > initial * sm.MAX_A_CHANGE
        ):
            raise InvalidRamp(f"A may change by at most {sm.MAX_A_CHANGE}x per ramp ({initial} -> {future_p})")
        self._store("state", attrs.evolve(st, initial_A=initial, future_A=future_p, initial_A_time=now, future_A_time=future_time))
        self.state.emit(RampA(self.address, initial, future_p, now, future_time))

    @external
    def stop_ramp_A(self, caller: str | None = None) -> None:
        """Freeze A at its current value. Emits StopRampA."""
        self._require_admin(caller)
        now, current = self.state.now, self.A_precise()
        st = self._load("state")
        self._store("state", attrs.evolve(st, initial_A=current, future_A=current, initial_A_time=now, future_A_time=now))
        self.state.emit(StopRampA(self.address, current, now))

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return {
            "fee": ParamSpec("fee", 0, sm.MAX_FEE, "1e10", "swap fee; 4e6 = 0.04%"),
            "admin_fee": ParamSpec("admin_fee", 0, sm.MAX_ADMIN_FEE, "1e10", "share of fees kept for the admin"),
            "A": ParamSpec("A", 1, sm.MAX_A - 1, "", "amplification; setting it ramps over MIN_RAMP_TIME"),
        }

    def get_param(self, name: str) -> int:
        if name == "A":
            return self.A()
        value: int = getattr(self._load("state"), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        if name == "A":
            self._ramp_A(value, self.state.now + sm.MIN_RAMP_TIME)
        else:
            self._store("state", attrs.evolve(self._load("state"), **{name: value}))


def _rate_sources(
    state: State, coins: tuple[Token, ...], rates: Sequence[int | str | None] | None, network: str
) -> tuple[int | str, ...]:
    if rates is None:
        rates = [None] * len(coins)
    if len(rates) != len(coins):
        raise InvalidArgument(f"rates must have {len(coins)} entries, got {len(rates)}")
    out: list[int | str] = []
    for coin, rate in zip(coins, rates):
        if rate is None:
            out.append(10 ** (36 - coin.decimals))
        elif type(rate) is int and rate > 0 or isinstance(rate, str) and hasattr(state.contract(rate), "latest"):
            if isinstance(rate, str) and state.contract(rate).network != network:
                raise WrongNetwork(f"rate feed {rate!r} lives on {state.contract(rate).network!r}, not on "
                                   f"{network!r}: a pool reads only feeds of its own network")
            out.append(rate)
        else:
            raise InvalidArgument(f"rate {rate!r} must be None, a positive int or a feed address")
    return tuple(out)
