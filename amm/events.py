"""Events of amm/ (frozen records appended to ``state.events``; they revert with their tx)."""

from __future__ import annotations

from chain import Event


class Sync(Event):
    """A pair's reserves were set to its balances (every ``_update``)."""

    pair: str
    reserve0: int
    reserve1: int


class Mint(Event):
    """LP tokens were minted against ``amount0``/``amount1`` sent to the pair."""

    pair: str
    sender: str | None
    amount0: int
    amount1: int


class Burn(Event):
    """LP tokens were burnt; ``amount0``/``amount1`` went to ``to``."""

    pair: str
    sender: str | None
    amount0: int
    amount1: int
    to: str


class Swap(Event):
    """A pair swap: inputs measured from balances, outputs sent to ``to``."""

    pair: str
    sender: str | None
    amount0_in: int
    amount1_in: int
    amount0_out: int
    amount1_out: int
    to: str


class PairCreated(Event):
    """A factory created the pool of ``token0``/``token1`` (keys) at ``pair``."""

    factory: str
    token0: str
    token1: str
    pair: str


class FeeToSet(Event):
    """A factory's protocol-fee recipient changed."""

    factory: str
    fee_to: str | None


class TwapUpdated(Event):
    """A TWAP feed recorded an observation and a new window average (UQ112.112)."""

    feed: str
    timestamp: int
    price_average: int


class TokenExchange(Event):
    """A StableSwap exchange of ``sold`` of coin ``i`` for ``bought`` of coin ``j``."""

    pool: str
    buyer: str
    i: int
    sold: int
    j: int
    bought: int


class AddLiquidity(Event):
    """A StableSwap deposit: amounts, imbalance fees, invariant D1 and the new LP supply."""

    pool: str
    provider: str
    amounts: tuple[int, ...]
    fees: tuple[int, ...]
    invariant: int
    token_supply: int


class RemoveLiquidity(Event):
    """A balanced StableSwap withdrawal."""

    pool: str
    provider: str
    amounts: tuple[int, ...]
    token_supply: int


class RemoveLiquidityOne(Event):
    """A one-coin StableSwap withdrawal of ``coin_amount`` of coin ``i``."""

    pool: str
    provider: str
    token_amount: int
    i: int
    coin_amount: int


class RampA(Event):
    """A (precise, x100) ramps linearly from ``old_a`` to ``new_a`` between the two times."""

    pool: str
    old_a: int
    new_a: int
    initial_time: int
    future_time: int


class StopRampA(Event):
    """An A ramp was stopped at the current (precise) A."""

    pool: str
    a: int
    t: int
