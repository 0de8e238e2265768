"""Every check of amm/, one ``validate_<action>`` per action, run before any write.

Order in each action: accrue (read records), validate (here), change, emit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from amm.errors import (
    Expired,
    IdenticalTokens,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    InvalidCoin,
    InvalidPath,
    Locked,
)
from chain import InvalidArgument, Token, WrongNetwork, check_amount

if TYPE_CHECKING:
    from chain import State


def validate_recipient(state: State, to: str, network: str) -> str:
    """``to`` must be an account, or a contract of ``network`` (it will receive its tokens)."""
    state.require_address(to)
    if not state.is_account(to):
        home = state.contract(to).network
        if home != network:
            raise WrongNetwork(f"contract {to!r} lives on {home!r} and cannot receive tokens of {network!r}")
    return to


def validate_pair_tokens(state: State, token_a: Any, token_b: Any, network: str) -> tuple[Token, Token]:
    """Two distinct tokens of ``network``, sorted by key as V2 sorts addresses."""
    state.require_token(token_a, network)
    state.require_token(token_b, network)
    if token_a == token_b:
        raise IdenticalTokens(f"both tokens are {token_a.key}: a pair needs two different tokens")
    return (token_a, token_b) if token_a.key < token_b.key else (token_b, token_a)


def validate_swap(amount0_out: Any, amount1_out: Any, reserve0: int, reserve1: int, locked: bool) -> None:
    """Outputs are ints, not both zero, each below its reserve; the pair is not re-entered."""
    if type(amount0_out) is not int or type(amount1_out) is not int or amount0_out < 0 or amount1_out < 0:
        check_amount(amount0_out, "amount0_out")
        check_amount(amount1_out, "amount1_out")
    if locked:
        raise Locked("swap re-entered the pair from its own flash-swap callback")
    if not (amount0_out or amount1_out):
        raise InsufficientOutputAmount("both outputs are 0: ask for a positive amount of one token")
    if amount0_out >= reserve0 or amount1_out >= reserve1:
        raise InsufficientLiquidity(
            f"outputs {amount0_out}/{amount1_out} must be below the reserves {reserve0}/{reserve1}"
        )


def validate_deadline(now: int, deadline: Any) -> None:
    """``deadline`` is an int (Unix s) not before ``now``."""
    check_amount(deadline, "deadline")
    if deadline < now:
        raise Expired(f"deadline {deadline} is before now ({now}): resubmit with a later deadline")


_TOKEN_TYPE = frozenset({Token})


def validate_path(path: Any) -> list[Token]:
    """A list of at least two tokens (each hop is looked up by the router)."""
    if type(path) is list and len(path) >= 2 and _TOKEN_TYPE.issuperset(map(type, path)):
        return list(path)  # the common case, checked in C
    if not isinstance(path, (list, tuple)) or len(path) < 2 or not all(isinstance(t, Token) for t in path):
        raise InvalidPath(f"path must be a list of at least two tokens, got {path!r}")
    return list(path)


def validate_coins(i: Any, j: Any, n: int) -> None:
    """Two distinct coin indices in ``range(n)``."""
    validate_coin(i, n)
    validate_coin(j, n)
    if i == j:
        raise InvalidCoin(f"i and j are both {i}: exchange between two different coins")


def validate_coin(i: Any, n: int) -> None:
    """One coin index in ``range(n)``."""
    if type(i) is not int or not 0 <= i < n:
        raise InvalidCoin(f"coin index {i!r} is not in [0, {n - 1}]")


def validate_input(amount: Any) -> None:
    """A positive input amount (an int in uint256; 0 raises InsufficientInputAmount)."""
    check_amount(amount)
    if amount == 0:
        raise InsufficientInputAmount("amount is 0: pass a positive amount")


def validate_amounts(amounts: Any, n: int, what: str = "amounts") -> tuple[int, ...]:
    """A sequence of ``n`` amounts (ints in uint256)."""
    if not isinstance(amounts, (list, tuple)) or len(amounts) != n:
        raise InvalidArgument(f"{what} must be a list of {n} ints, got {amounts!r}")
    return tuple(check_amount(a, what) for a in amounts)
