"""A constant-product pair with Uniswap V2's semantics, exact to the wei.

Tokens are sent to the pair first; the low-level ``mint``/``burn``/``swap``/``skim``/``sync``
measure what arrived as ``balance - reserve`` in the chain ledger, exactly as
``UniswapV2Pair.sol``. All mutable state is one frozen :class:`PairReserves` record (plus a
re-entrancy flag written only around flash-swap callbacks). The LP token is a ledger token the
pair creates at deploy; ``MINIMUM_LIQUIDITY`` of it is minted to ``chain.ZERO_ADDRESS``.

Every action validates before its first write, or runs inside a snapshot it reverts on error,
so a failed call writes nothing even outside ``state.tx``.

Who acts (:mod:`chain.calls`): every action runs in the pair's own call frame, so only the
pair's code moves its tokens; the actions are permissionless, as V2's. A flash swap's callback
is the caller's code: it runs in the frame of ``to``, which must then be the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from amm.errors import (
    InsufficientInputAmount,
    InsufficientLiquidityBurned,
    InsufficientLiquidityMinted,
    KInvariant,
    Locked,
    ReserveOverflow,
    ReserveUnderflow,
)
from amm.events import Burn, Mint, Swap, Sync
from amm.library import (
    BPS,
    BPS_SQUARED,
    MINIMUM_LIQUIDITY,
    UINT32,
    accumulate,
    check_fee_bps,
    first_liquidity,
    fits_uint112,
    protocol_fee_liquidity,
)
from amm.validation import validate_pair_tokens, validate_recipient, validate_swap
from chain import (
    UINT112_MAX,
    ZERO_ADDRESS,
    Contract,
    InvalidArgument,
    Record,
    State,
    Token,
    WrongNetwork,
    external,
    token_node,
)

_new: Any = tuple.__new__
"""``_new(Cls, values)`` builds the record ``Cls._make(values)`` builds (:mod:`chain.record`: one
``tuple.__new__``) without the call of its partial: for the records every swap builds."""

Callback = Callable[["Pair", int, int], None]
"""A flash-swap callback ``callback(pair, amount0_out, amount1_out)``: it must pay the pair back;
it runs in the call frame of the swap's ``to`` (the caller)."""


class PairReserves(Record):
    """The pair's storage: reserves (wei, uint112), last block timestamp (s mod 2**32),
    UQ112.112 cumulative prices (mod 2**256) and ``k_last`` (r0*r1 after the last liquidity
    event while the protocol fee is on, else 0). A named-tuple record (:class:`chain.Record`):
    every swap builds one."""

    reserve0: int = 0
    reserve1: int = 0
    block_timestamp_last: int = 0
    price0_cumulative_last: int = 0
    price1_cumulative_last: int = 0
    k_last: int = 0


class Pair(Contract):
    """A V2 pair of ``token0``/``token1`` (sorted by key) with a fee of ``fee_bps`` on inputs."""

    kind = "amm.pair"

    def __init__(
        self, state: State, address: str, network: str, token0: Token, token1: Token,
        lp_token: Token, fee_bps: int, factory: str | None,
    ) -> None:
        super().__init__(state, address, network)
        self.token0 = token0
        self.token1 = token1
        self.lp_token = lp_token
        self.fee_bps = fee_bps
        self.factory = factory
        self._books = (state.book(token0), state.book(token1))  # of this state: see bind

    def bind(self, state: State) -> Self:
        """The pair bound to ``state`` (a fork), reading that state's token books."""
        clone = super().bind(state)
        clone._books = (state.book(self.token0), state.book(self.token1))
        return clone

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, token_a: Token, token_b: Token, *,
        fee_bps: int = 30, factory: str | None = None, lp_symbol: str | None = None,
    ) -> Pair:
        """Register a pair of two tokens of ``network`` and create its LP token.

        ``lp_symbol`` defaults to ``UNI-V2:<sym0>/<sym1>``; ``factory`` (None: no protocol fee)
        must be a contract of ``network`` with a ``fee_to``. Raises IdenticalTokens,
        UnknownToken, WrongNetwork, InvalidArgument (fee, factory), UnknownContract,
        DuplicateName; writes nothing then.
        """
        token0, token1 = validate_pair_tokens(state, token_a, token_b, network)
        check_fee_bps(fee_bps)
        if factory is not None:
            home = state.contract(factory)
            if not callable(getattr(home, "fee_to", None)):
                raise InvalidArgument(f"factory {factory!r} has no fee_to: pass an amm Factory or None")
            if home.network != network:
                raise WrongNetwork(f"factory {factory!r} lives on {home.network!r}, not on {network!r}: "
                                   f"use a factory of {network!r}")
        symbol = lp_symbol or f"UNI-V2:{token0.symbol}/{token1.symbol}"

        with state.atomic():
            lp_token = state.add_token(network, symbol, 18)
            pair = cls(state, address, network, token0, token1, lp_token, fee_bps, factory)
            state.register_contract(pair)
            pair._store("reserves", PairReserves())
            for token in (token0, token1):
                state.depend(address, token_node(token), "pools")
            state.depend(token_node(lp_token), address, "issued-by")
        return pair

    # --- reads ---------------------------------------------------------------------------

    @property
    def reserves(self) -> PairReserves:
        """The pair's storage record."""
        reserves: PairReserves = self._storage["reserves"]  # registered at deploy
        return reserves

    def get_reserves(self) -> tuple[int, int, int]:
        """``(reserve0, reserve1, block_timestamp_last)`` as V2's ``getReserves``."""
        r: tuple[int, int, int, int, int, int] = self._storage["reserves"]  # a tuple of its fields (chain.Record)
        return r[:3]

    def total_supply(self) -> int:
        """LP token supply (wei)."""
        return self.state.total_supply(self.lp_token)

    def fee_to(self) -> str | None:
        """The protocol-fee recipient of the factory (None: fee off, or no factory)."""
        if self.factory is None:
            return None
        recipient: str | None = self.state.contract(self.factory).fee_to()  # type: ignore[attr-defined]
        return recipient

    def current_cumulative_prices(self) -> tuple[int, int, int]:
        """``(price0Cumulative, price1Cumulative, timestamp)`` as if ``sync`` ran now, without
        writing (v2-periphery ``UniswapV2OracleLibrary.currentCumulativePrices``)."""
        r = self._load("reserves")
        ts = self.state.now % UINT32
        p0, p1 = accumulate(
            r.price0_cumulative_last, r.price1_cumulative_last, r.reserve0, r.reserve1,
            (ts - r.block_timestamp_last) % UINT32,
        )
        return p0, p1, ts

    def _locked(self) -> None:
        if self.state.load(self.address, "lock", False):
            raise Locked(f"{self.address} was re-entered from its flash-swap callback")

    def _updated(self, balance0: int, balance1: int, k_last: int) -> PairReserves:
        """The stored record after V2's ``_update`` to these balances (accumulators advanced to now)."""
        if not fits_uint112(balance0, balance1):
            raise ReserveOverflow(f"balances {balance0}/{balance1} of {self.address} exceed uint112: skim them")
        p0, p1, ts = self.current_cumulative_prices()
        return PairReserves(balance0, balance1, ts, p0, p1, k_last)

    def _fee_liquidity(self, r: PairReserves, supply: int) -> tuple[str | None, int]:
        fee_to = self.fee_to()
        if fee_to is None:
            return None, 0
        return fee_to, protocol_fee_liquidity(supply, r.reserve0, r.reserve1, r.k_last)

    # --- low-level actions ---------------------------------------------------------------

    @external
    def mint(self, to: str) -> int:
        """Mint LP to ``to`` for the tokens sent since the last update; returns the LP minted.

        First mint: ``isqrt(a0*a1) - MINIMUM_LIQUIDITY`` (the 1000 go to the zero address);
        later: ``min(a0*S//r0, a1*S//r1)``, floor. Mints the protocol fee first when on.
        Raises InsufficientLiquidityMinted, ReserveOverflow, Locked, UnknownAccount,
        WrongNetwork. Emits Transfer(s), Sync, Mint.
        """
        state, lp = self.state, self.lp_token
        self._locked()
        validate_recipient(state, to, self.network)
        r = self._load("reserves")
        balance0 = state.balance_of(self.token0, self.address)
        balance1 = state.balance_of(self.token1, self.address)
        amount0, amount1 = balance0 - r.reserve0, balance1 - r.reserve1
        fee_to, fee_liquidity = self._fee_liquidity(r, state.total_supply(lp))
        supply = state.total_supply(lp) + fee_liquidity
        if supply == 0:
            liquidity = first_liquidity(amount0, amount1)
        else:
            liquidity = min(amount0 * supply // r.reserve0, amount1 * supply // r.reserve1)
        if liquidity <= 0:
            raise InsufficientLiquidityMinted(
                f"sent {amount0}/{amount1} mint {liquidity} LP: send more of both tokens to {self.address}"
            )
        record = self._updated(balance0, balance1, balance0 * balance1 if fee_to else 0)
        if fee_liquidity:
            state.mint(lp, fee_to, fee_liquidity)  # type: ignore[arg-type]
        if supply == 0:
            state.mint(lp, ZERO_ADDRESS, MINIMUM_LIQUIDITY)
        state.mint(lp, to, liquidity)
        self._store("reserves", record)
        state.emit(Sync(self.address, balance0, balance1))
        state.emit(Mint(self.address, state.sender, amount0, amount1))
        return liquidity

    @external
    def burn(self, to: str) -> tuple[int, int]:
        """Burn the LP held by the pair; send ``liquidity * balance_i // S`` of each token to ``to``.

        Uses balances, not reserves (pro rata of donations too). Mints the protocol fee first
        when on. Raises InsufficientLiquidityBurned, Locked, UnknownAccount, WrongNetwork.
        Emits Transfer(s), Sync, Burn.
        """
        state, lp, address = self.state, self.lp_token, self.address
        self._locked()
        validate_recipient(state, to, self.network)
        r = self._load("reserves")
        balance0 = state.balance_of(self.token0, address)
        balance1 = state.balance_of(self.token1, address)
        liquidity = state.balance_of(lp, address)
        fee_to, fee_liquidity = self._fee_liquidity(r, state.total_supply(lp))
        supply = state.total_supply(lp) + fee_liquidity
        amount0 = liquidity * balance0 // supply if supply else 0
        amount1 = liquidity * balance1 // supply if supply else 0
        if amount0 == 0 or amount1 == 0:
            raise InsufficientLiquidityBurned(
                f"{liquidity} LP at {address} returns {amount0}/{amount1}: send more LP to the pair first"
            )
        balance0, balance1 = balance0 - amount0, balance1 - amount1
        record = self._updated(balance0, balance1, balance0 * balance1 if fee_to else 0)
        if fee_liquidity:
            state.mint(lp, fee_to, fee_liquidity)  # type: ignore[arg-type]
        state.burn(lp, address, liquidity)
        state.transfer(self.token0, address, to, amount0)
        state.transfer(self.token1, address, to, amount1)
        self._store("reserves", record)
        state.emit(Sync(address, balance0, balance1))
        state.emit(Burn(address, state.sender, amount0, amount1, to))
        return amount0, amount1

    def swap(self, amount0_out: int, amount1_out: int, to: str, callback: Callback | None = None) -> None:
        """Send the outputs to ``to``, then require the fee-adjusted K of the balances.

        Inputs are measured as ``balance - (reserve - out)``. With ``callback`` it is a flash
        swap: the outputs are sent first, ``callback(pair, amount0_out, amount1_out)`` runs
        inside the same snapshot, in ``to``'s call frame, and must pay the pair; any failure
        reverts all of it. ``to`` must then be the caller (a callback is its own code).
        Raises InsufficientOutputAmount, InsufficientLiquidity, InsufficientInputAmount,
        KInvariant, ReserveOverflow, Locked, UnknownAccount, WrongNetwork, NotTheCaller.
        Emits Transfer(s), Sync, Swap.

        An external action (:func:`chain.external`): the call frame the decorator opens is
        opened inline here, as are ``state.put``, ``state.emit``, ``state.now`` and
        ``state.sender`` (the hot path of every swap; tests/amm/test_general_paths.py compares it
        with its general form).
        """
        state = self.state
        frames = state._frames
        if not frames and not state._journal.marks:  # chain.external's wrapper, inline
            state._begin_tx()
        address = self.address
        frames.append(address)
        try:
            storage: dict[Any, Any] = self._storage  # type: ignore[assignment]  # live (chain.Contract)
            r: PairReserves = storage["reserves"]
            reserve0, reserve1, timestamp_last, price0, price1, k_last = r
            if (  # one cheap test for the common case; validate_swap names the failure
                type(amount0_out) is not int or type(amount1_out) is not int or callback is not None
                or not (0 <= amount0_out < reserve0 and 0 <= amount1_out < reserve1 and (amount0_out or amount1_out))
                or storage.get("lock", False)
            ):
                validate_swap(amount0_out, amount1_out, reserve0, reserve1, storage.get("lock", False))
                if callback is not None:
                    return self._flash_swap(r, amount0_out, amount1_out, to, callback)
            book0, book1 = self._books
            held0 = book0.get(address, 0)
            held1 = book1.get(address, 0)
            # _settle inlined: inputs, K, uint112, the accumulators; its input balance - (reserve - out)
            # is held - reserve (balance = held - out)
            in0 = held0 - reserve0 if held0 > reserve0 else 0
            in1 = held1 - reserve1 if held1 > reserve1 else 0
            balance0 = held0 - amount0_out
            balance1 = held1 - amount1_out
            if not (in0 or in1):
                raise InsufficientInputAmount(f"nothing was sent to {address}: send the input before swap")
            fee = self.fee_bps
            if not in1:  # _settle's K test with a zero input divided by BPS on both sides: the same verdict
                short = (balance0 * BPS - in0 * fee) * balance1 < reserve0 * reserve1 * BPS
            elif not in0:
                short = balance0 * (balance1 * BPS - in1 * fee) < reserve0 * reserve1 * BPS
            else:
                k = reserve0 * reserve1 * BPS_SQUARED
                short = (balance0 * BPS - in0 * fee) * (balance1 * BPS - in1 * fee) < k
            if short:
                raise KInvariant(f"swap out {amount0_out}/{amount1_out} for in {in0}/{in1} lowers K of {address}: "
                                 "send more or ask less")
            if balance0 > UINT112_MAX or balance1 > UINT112_MAX:
                raise ReserveOverflow(f"balances {balance0}/{balance1} of {address} exceed uint112: skim them")
            ts = state._clock["now"] % UINT32  # state.now
            if ts != timestamp_last:  # else no time elapsed (both are mod 2**32)
                price0, price1 = accumulate(price0, price1, reserve0, reserve1, (ts - timestamp_last) % UINT32)
            # every check passed: the writes below cannot fail past the first transfer
            if amount0_out:
                state.transfer(self.token0, address, to, amount0_out)
            if amount1_out:
                state.transfer(self.token1, address, to, amount1_out)
            journal = state._journal
            if journal.marks:  # state.put(address, "reserves", record), inline: journaled, then written
                journal.entries.append((storage, "reserves", r))
            else:
                journal.base += 1
            storage["reserves"] = _new(PairReserves, (balance0, balance1, ts, price0, price1, k_last))
            state.events += (  # state.emit inside this frame: appended in order
                _new(Sync, (address, balance0, balance1)),
                _new(Swap, (address, state._sender, in0, in1, amount0_out, amount1_out, to)),
            )
            return None
        finally:
            frames.pop()

    def _settle(
        self, r: PairReserves, balance0: int, balance1: int, out0: int, out1: int
    ) -> tuple[PairReserves, int, int]:
        """Check the inputs, K and uint112 for post-swap balances; the record to store and the
        inputs (of a flash swap: :meth:`swap` does the same inline)."""
        reserve0, reserve1, timestamp_last, price0, price1, k_last = r
        base0, base1 = reserve0 - out0, reserve1 - out1
        in0 = balance0 - base0 if balance0 > base0 else 0
        in1 = balance1 - base1 if balance1 > base1 else 0
        if not (in0 or in1):
            raise InsufficientInputAmount(f"nothing was sent to {self.address}: send the input before swap")
        fee = self.fee_bps
        if (balance0 * BPS - in0 * fee) * (balance1 * BPS - in1 * fee) < reserve0 * reserve1 * BPS_SQUARED:
            raise KInvariant(
                f"swap out {out0}/{out1} for in {in0}/{in1} lowers K of {self.address}: send more or ask less"
            )
        if balance0 > UINT112_MAX or balance1 > UINT112_MAX:
            raise ReserveOverflow(f"balances {balance0}/{balance1} of {self.address} exceed uint112: skim them")
        ts = self.state.now % UINT32
        elapsed = (ts - timestamp_last) % UINT32
        if elapsed:
            price0, price1 = accumulate(price0, price1, reserve0, reserve1, elapsed)
        return PairReserves(balance0, balance1, ts, price0, price1, k_last), in0, in1

    def _flash_swap(self, r: PairReserves, out0: int, out1: int, to: str, callback: Callback) -> None:
        state, address = self.state, self.address
        self.authorize(to, "to of a flash swap")
        if not callable(callback):
            raise InvalidArgument(f"callback must be callable(pair, amount0_out, amount1_out), got {callback!r}")
        with state.atomic():
            state.store(address, "lock", True)
            if out0:
                state.transfer(self.token0, address, to, out0)
            if out1:
                state.transfer(self.token1, address, to, out1)
            self.call_back(to, callback, self, out0, out1)
            balance0 = state.balance_of(self.token0, address)
            balance1 = state.balance_of(self.token1, address)
            record, in0, in1 = self._settle(r, balance0, balance1, out0, out1)
            state.store(address, "lock", False)
            state.store(address, "reserves", record)
            state.emit(Sync(address, balance0, balance1))
            state.emit(Swap(address, state.sender, in0, in1, out0, out1, to))

    @external
    def skim(self, to: str) -> tuple[int, int]:
        """Send ``balance - reserve`` of each token to ``to``; returns the amounts. Emits Transfers.

        Raises ReserveUnderflow, before any transfer, when a balance is below its reserve (V2
        reverts on ``balance - reserve``), and Locked, UnknownAccount, WrongNetwork.
        """
        state, address = self.state, self.address
        self._locked()
        validate_recipient(state, to, self.network)
        r = self._load("reserves")
        amount0 = state.balance_of(self.token0, address) - r.reserve0
        amount1 = state.balance_of(self.token1, address) - r.reserve1
        if amount0 < 0 or amount1 < 0:
            raise ReserveUnderflow(
                f"{address} holds {amount0 + r.reserve0}/{amount1 + r.reserve1}, below its reserves "
                f"{r.reserve0}/{r.reserve1}: sync it, or send it the missing tokens, before skim"
            )
        state.transfer(self.token0, address, to, amount0)
        state.transfer(self.token1, address, to, amount1)
        return amount0, amount1

    @external
    def sync(self) -> None:
        """Set the reserves to the balances (accumulators advance first). Raises ReserveOverflow,
        Locked. Emits Sync."""
        state, address = self.state, self.address
        self._locked()
        r = self._load("reserves")
        balance0 = state.balance_of(self.token0, address)
        balance1 = state.balance_of(self.token1, address)
        self._store("reserves", self._updated(balance0, balance1, r.k_last))
        state.emit(Sync(address, balance0, balance1))
