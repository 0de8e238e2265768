"""Every check of ``restaking``, called by the facades before any write (order: accrue,
validate, change, emit). Each raises a typed error and writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain import WAD, InvalidArgument, Unauthorized, check_amount, check_bps, check_name
from restaking.errors import InvalidWadToSlash, UnknownStrategy, WrongToken

if TYPE_CHECKING:
    from chain import Contract, State, Token


def validate_party(contract: Contract, who: Any, role: str) -> str:
    """``who`` as the acting party of ``contract``'s public action (the caller the chain vouches
    for, :meth:`chain.Contract.authorize`). Raises UnknownAccount, NotTheCaller."""
    contract.state.require_address(who)
    return contract.authorize(who, role)


def validate_only(contract: Contract, expected: str, role: str, action: str) -> None:
    """Only ``expected``'s code may call (EigenLayer's ``onlyDelegationManager``...): the
    chain's ``msg_sender`` must be it. Raises Unauthorized."""
    if contract.msg_sender != expected:
        raise Unauthorized(f"{contract.msg_sender!r} may not {action} on {contract.address!r}: only the "
                           f"{role} {expected!r} may, from its own code")


def validate_token(state: State, token: Token, network: str) -> Token:
    """A token of this state on ``network``. Raises UnknownToken, WrongToken."""
    state.require_token(token)
    if token.network != network:
        raise WrongToken(f"{token.key} is a token of {token.network!r}; the restaking contracts live on "
                         f"{network!r}: use a token of {network!r}")
    return token


def validate_strategy(strategies: tuple[str, ...], strategy: Any) -> str:
    """``strategy`` must be one of ``strategies``. Raises UnknownStrategy."""
    if not isinstance(strategy, str) or strategy not in strategies:
        raise UnknownStrategy(f"{strategy!r} is no strategy of this strategy manager: use one returned "
                              "by add_strategy")
    return strategy


def validate_beneficiary(state: State, who: str, forbidden: tuple[str, ...], role: str) -> str:
    """A known address that is none of the restaking contracts (crediting them would break the
    books). Raises UnknownAccount, InvalidArgument."""
    state.require_address(who)
    if who in forbidden:
        raise InvalidArgument(f"{role} {who!r} is a restaking contract itself: act for another address")
    return who


def validate_wad_to_slash(value: Any) -> int:
    """An int in (0, 1e18] (``AllocationManager``: ``0 < wadToSlash <= WAD``). Raises InvalidWadToSlash."""
    if type(value) is not int or not 0 < value <= WAD:
        raise InvalidWadToSlash(f"the fraction to slash must be an int in (0, 1e18], got {value!r}")
    return value


def validate_magnitude(value: Any) -> int:
    """A magnitude: an int in [0, 1e18]. Raises InvalidArgument."""
    if type(value) is not int or not 0 <= value <= WAD:
        raise InvalidArgument(f"a magnitude must be an int in [0, 1e18] (wad of the delegated stake), "
                              f"got {value!r}")
    return value


def validate_service_terms(reward_rate_bps: Any, slash_condition: Any) -> None:
    """A reward rate in [0, 10000] bps a year and a non-empty slash condition. Raises InvalidArgument."""
    check_bps(reward_rate_bps, "reward_rate_bps")
    check_name(slash_condition, "slash_condition")


def validate_positive(value: Any, what: str) -> int:
    """A positive int amount. Raises InvalidAmount."""
    return check_amount(value, what, positive=True)
