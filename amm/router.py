"""The periphery: liquidity with optimal amounts and minimums, multi-hop swaps with
``amount_out_min`` / ``amount_in_max`` and a deadline (v2-periphery ``UniswapV2Router02``).

The router moves the caller's tokens itself (no approvals: ``sender`` must be the caller the
chain vouches for, :mod:`chain.calls`, and the router pulls its tokens from its own call frame,
as Router02's ``transferFrom`` after an approval), and each public action runs in one snapshot:
a failed check at any hop reverts every transfer and swap, even outside ``state.tx``. Pure
quoting lives in :mod:`amm.library`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any, NamedTuple, Self

from amm.errors import InvalidPath, Slippage
from amm.factory import Factory
from amm.library import fee_fraction, get_amount_in, get_amount_out, quote
from amm.pair import Pair
from amm.validation import validate_deadline, validate_pair_tokens, validate_path, validate_recipient
from chain import UINT256_MAX, Contract, InvalidArgument, State, Token, WrongNetwork, check_amount, external


class Router(Contract):
    """Convenience over the pairs of one :class:`Factory`."""

    kind = "amm.router"

    def __init__(self, state: State, address: str, network: str, factory: str) -> None:
        super().__init__(state, address, network)
        self.factory = factory
        self._hops: dict[tuple[Token, Token], _Hop] = {}  # of this state: see _one_hop and bind

    def bind(self, state: State) -> Self:
        """The router bound to ``state`` (a fork), with no pool looked up yet."""
        clone = super().bind(state)
        clone._hops = {}
        return clone

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, factory: str) -> Router:
        """Register a router over the factory at ``factory`` (an amm Factory of ``network``)."""
        home = state.contract(factory)
        if not isinstance(home, Factory):
            raise InvalidArgument(f"{factory!r} is not an amm Factory")
        if home.network != network:
            raise WrongNetwork(f"factory {factory!r} lives on {home.network!r}, not on {network!r}: "
                               f"use a factory of {network!r}")
        router = cls(state, address, network, factory)
        state.register_contract(router)
        state.depend(address, factory, "routes-through")
        return router

    # --- reads ---------------------------------------------------------------------------

    def _factory(self) -> Factory:
        return self.state.contract(self.factory)  # type: ignore[return-value]

    def pair_for(self, token_a: Token, token_b: Token) -> Pair:
        """The pool of two tokens; raises InvalidPath when there is none."""
        pair = self._factory().get_pair(token_a, token_b)
        if pair is None:
            raise InvalidPath(f"no pool for {token_a!s}/{token_b!s} in factory {self.factory}")
        return pair

    def _hop(self, token_in: Token, token_out: Token) -> tuple[Pair, int, int]:
        """The pool of two tokens and its ``(reserve_in, reserve_out)`` (:meth:`pair_for` and
        ``getReserves`` in one call: every hop of every swap asks)."""
        pair = self.pair_for(token_in, token_out)
        r = pair.reserves
        return (pair, r.reserve0, r.reserve1) if token_in is pair.token0 else (pair, r.reserve1, r.reserve0)

    def reserves_for(self, token_in: Token, token_out: Token) -> tuple[int, int]:
        """``(reserve_in, reserve_out)`` of the pool of two tokens."""
        _, r_in, r_out = self._hop(token_in, token_out)
        return r_in, r_out

    def get_amounts_out(self, amount_in: int, path: list[Token]) -> list[int]:
        """Amounts at each hop for an exact input (``getAmountsOut``)."""
        return self._quote_out(amount_in, path)[0]

    def _quote_out(self, amount_in: int, path: list[Token]) -> tuple[list[int], list[Pair]]:
        """:meth:`get_amounts_out` and the pool of each hop (looked up once for quoting and
        swapping), hop by hop: each pool is found, then its amount computed."""
        path = validate_path(path)
        amounts, pairs = [amount_in], []
        for a, b in pairwise(path):
            pair, r_in, r_out = self._hop(a, b)
            amounts.append(get_amount_out(amounts[-1], r_in, r_out, pair.fee_bps))
            pairs.append(pair)
        return amounts, pairs

    def get_amounts_in(self, amount_out: int, path: list[Token]) -> list[int]:
        """Amounts at each hop for an exact final output (``getAmountsIn``)."""
        return self._quote_in(amount_out, path)[0]

    def _quote_in(self, amount_out: int, path: list[Token]) -> tuple[list[int], list[Pair]]:
        """:meth:`get_amounts_in` and the pool of each hop, from the last hop back."""
        path = validate_path(path)
        amounts: list[int] = [amount_out]
        pairs: list[Pair] = []
        for a, b in reversed(list(pairwise(path))):
            pair, r_in, r_out = self._hop(a, b)
            amounts.insert(0, get_amount_in(amounts[0], r_in, r_out, pair.fee_bps))
            pairs.insert(0, pair)
        return amounts, pairs

    # --- actions -------------------------------------------------------------------------

    def _checks(self, sender: Any, to: Any, deadline: Any, *amounts: Any) -> None:
        """``sender`` is the caller (NotTheCaller otherwise), then the deadline, ``to`` and amounts."""
        self._caller_checks(sender, to, deadline)
        for amount in amounts:
            check_amount(amount)

    def _caller_checks(self, sender: Any, to: Any, deadline: Any) -> None:
        """:meth:`_checks` before the amounts (a swap checks its two amounts inline)."""
        state = self.state
        frames = state._frames
        if not (len(frames) > 1 and frames[-1] == self.address and sender == frames[-2]):
            self.authorize(sender, "sender")  # else authorize's common case: the caller's frame below ours
        now = state._clock["now"]  # state.now
        if type(deadline) is not int or not now <= deadline <= UINT256_MAX:
            validate_deadline(now, deadline)
        if to != sender or not state.is_account(to):  # the sender was vouched for: an account is a recipient
            validate_recipient(state, to, self.network)

    @external
    def add_liquidity(
        self, sender: str, token_a: Token, token_b: Token, amount_a_desired: int, amount_b_desired: int,
        amount_a_min: int, amount_b_min: int, to: str, deadline: int,
    ) -> tuple[int, int, int]:
        """Deposit at the pool ratio (creating the pool if needed); returns ``(a, b, liquidity)``.

        The optimal amounts use ``quote`` (floor); raises Slippage when one falls below its
        minimum, Expired, NotTheCaller (``sender`` is not the caller), and whatever the pair
        raises. Atomic.
        """
        self._checks(sender, to, deadline, amount_a_desired, amount_b_desired, amount_a_min, amount_b_min)
        validate_pair_tokens(self.state, token_a, token_b, self.network)

        with self.state.atomic():
            factory = self._factory()
            pair = factory.get_pair(token_a, token_b) or factory.create_pair(token_a, token_b)
            r0, r1, _ = pair.get_reserves()
            r_a, r_b = (r0, r1) if token_a == pair.token0 else (r1, r0)
            amount_a, amount_b = _optimal(
                amount_a_desired, amount_b_desired, amount_a_min, amount_b_min, r_a, r_b
            )
            self.state.transfer(token_a, sender, pair.address, amount_a)
            self.state.transfer(token_b, sender, pair.address, amount_b)
            return amount_a, amount_b, pair.mint(to)

    @external
    def remove_liquidity(
        self, sender: str, token_a: Token, token_b: Token, liquidity: int, amount_a_min: int,
        amount_b_min: int, to: str, deadline: int,
    ) -> tuple[int, int]:
        """Burn ``liquidity`` LP of ``sender`` (the caller); returns ``(amount_a, amount_b)``.
        Raises Slippage below the minimums, Expired, NotTheCaller. Atomic."""
        self._checks(sender, to, deadline, liquidity, amount_a_min, amount_b_min)
        pair = self.pair_for(token_a, token_b)

        with self.state.atomic():
            self.state.transfer(pair.lp_token, sender, pair.address, liquidity)
            amount0, amount1 = pair.burn(to)
            amount_a, amount_b = (amount0, amount1) if token_a == pair.token0 else (amount1, amount0)
            if amount_a < amount_a_min or amount_b < amount_b_min:
                raise Slippage(
                    f"burn returns {amount_a}/{amount_b}, below the minimums {amount_a_min}/{amount_b_min}"
                )
            return amount_a, amount_b

    def swap_exact_in(
        self, sender: str, amount_in: int, amount_out_min: int, path: list[Token], to: str, deadline: int
    ) -> list[int]:
        """Swap exactly ``amount_in`` along ``path``; returns the amounts at each hop.

        Raises Slippage when the output is below ``amount_out_min``, Expired, InvalidPath,
        NotTheCaller (``sender`` is not the caller). Atomic. An external action
        (:func:`chain.external`), its call frame opened inline as in :meth:`Pair.swap`.
        """
        state = self.state
        frames = state._frames
        if not frames and not state._journal.marks:  # chain.external's wrapper, inline
            state._begin_tx()
        frames.append(self.address)
        try:
            self._caller_checks(sender, to, deadline)
            if type(amount_in) is not int or not 0 <= amount_in <= UINT256_MAX:
                check_amount(amount_in)
            if type(amount_out_min) is not int or not 0 <= amount_out_min <= UINT256_MAX:
                check_amount(amount_out_min)
            if type(path) is list and len(path) == 2 and type(path[0]) is type(path[1]) is Token:
                return self._swap_one_hop(sender, amount_in, amount_out_min, path[0], path[1], to)
            amounts, pairs = self._quote_out(amount_in, path)
            if amounts[-1] < amount_out_min:
                raise Slippage(f"output {amounts[-1]} is below amount_out_min {amount_out_min}")
            return self._execute(sender, amounts, path, pairs, to)
        finally:
            frames.pop()

    def _swap_one_hop(
        self, sender: str, amount_in: int, amount_out_min: int, token_in: Token, token_out: Token, to: str
    ) -> list[int]:
        """:meth:`swap_exact_in` along one pool (the commonest path): the quote and the swap of
        :meth:`_quote_out` and :meth:`_execute` without their loops, in the same order."""
        state = self.state
        records, key, ref, pair, zero_for_one, kept, whole = (
            self._hops.get((token_in, token_out)) or self._one_hop(token_in, token_out)
        )
        if state._records.get(self.factory) is not records or records.get(key) is not ref:
            # the factory's record of the pool changed (a revert, a fork's pool): look it up again
            records, key, ref, pair, zero_for_one, kept, whole = self._one_hop(token_in, token_out)
        reserve0, reserve1, _, _, _, _ = pair._storage["reserves"]
        reserve_in, reserve_out = (reserve0, reserve1) if zero_for_one else (reserve1, reserve0)
        if amount_in and reserve_in and reserve_out:  # get_amount_out inline, its checks passed
            with_fee = amount_in * kept
            numerator = with_fee * reserve_out
            denominator = reserve_in * whole + with_fee
            if numerator > UINT256_MAX or denominator > UINT256_MAX:
                get_amount_out(amount_in, reserve_in, reserve_out, pair.fee_bps)  # raises MathOverflow
            out = numerator // denominator
        else:
            out = get_amount_out(amount_in, reserve_in, reserve_out, pair.fee_bps)  # raises
        if out < amount_out_min:
            raise Slippage(f"output {out} is below amount_out_min {amount_out_min}")
        with state.atomic():
            state.transfer(token_in, sender, pair.address, amount_in)
            if zero_for_one:
                pair.swap(0, out, to)
            else:
                pair.swap(out, 0, to)
        return [amount_in, out]

    def _one_hop(self, token_in: Token, token_out: Token) -> _Hop:
        """The pool of two tokens as :meth:`_hop` finds it (raising as it does), kept for
        :meth:`_swap_one_hop` with the factory record it stands on."""
        pair = self.pair_for(token_in, token_out)
        factory = self._factory()
        key = factory.pair_key(token_in, token_out)
        records = factory._storage
        kept, whole = fee_fraction(pair.fee_bps)
        hop = _Hop(records, key, records[key], pair, token_in is pair.token0, kept, whole)
        self._hops[token_in, token_out] = hop
        return hop

    @external
    def swap_exact_out(
        self, sender: str, amount_out: int, amount_in_max: int, path: list[Token], to: str, deadline: int
    ) -> list[int]:
        """Receive exactly ``amount_out`` at the end of ``path``; returns the amounts at each hop.

        Raises Slippage when the input exceeds ``amount_in_max``, Expired, InvalidPath,
        NotTheCaller (``sender`` is not the caller). Atomic.
        """
        self._checks(sender, to, deadline, amount_out, amount_in_max)
        amounts, pairs = self._quote_in(amount_out, path)
        if amounts[0] > amount_in_max:
            raise Slippage(f"input {amounts[0]} exceeds amount_in_max {amount_in_max}")
        return self._execute(sender, amounts, path, pairs, to)

    def _execute(self, sender: str, amounts: list[int], path: list[Token], pairs: list[Pair], to: str) -> list[int]:
        """Send the input to the first pool and swap hop by hop (``pairs``, found by the quote),
        atomically."""
        state = self.state
        last = len(pairs) - 1
        with state.atomic():
            state.transfer(path[0], sender, pairs[0].address, amounts[0])
            for n, pair in enumerate(pairs):
                out = amounts[n + 1]
                recipient = to if n == last else pairs[n + 1].address
                if path[n] is pair.token0:
                    pair.swap(0, out, recipient)
                else:
                    pair.swap(out, 0, recipient)
        return amounts


class _Hop(NamedTuple):
    """One pool of :meth:`Router._swap_one_hop`: the factory's records, the key and the record
    (a :class:`amm.factory.PairRef`) that name it, the pool, whether the input is its token0,
    and its fee as ``fee_fraction``. Valid while that record is the one stored there: a pool
    is named once, and a revert removes the record with the pool."""

    records: Mapping[Any, Any]
    key: tuple[str, str, str]
    ref: Any
    pair: Pair
    zero_for_one: bool
    kept: int
    whole: int


def _optimal(
    a_desired: int, b_desired: int, a_min: int, b_min: int, reserve_a: int, reserve_b: int
) -> tuple[int, int]:
    """V2 ``_addLiquidity``: the largest deposit at the pool ratio within the desired amounts."""
    if reserve_a == 0 and reserve_b == 0:
        return a_desired, b_desired
    b_optimal = quote(a_desired, reserve_a, reserve_b)
    if b_optimal <= b_desired:
        if b_optimal < b_min:
            raise Slippage(f"optimal B {b_optimal} is below amount_b_min {b_min}")
        return a_desired, b_optimal
    a_optimal = quote(b_desired, reserve_b, reserve_a)
    if a_optimal < a_min:
        raise Slippage(f"optimal A {a_optimal} is below amount_a_min {a_min}")
    return a_optimal, b_desired
