"""Every check of ``lst``, one ``validate_<action>`` per action, called by the facades before
any write (order: accrue, validate, change, emit). Each raises a typed error and writes
nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chain import InsufficientBalance, InvalidArgument, Unauthorized, check_amount, check_name
from lst import sharemath
from lst.errors import (
    InsufficientBuffer,
    NoOperators,
    NotRequestOwner,
    ReportOutOfBounds,
    RequestAlreadyClaimed,
    RequestNotFinalized,
    RequestTooLarge,
    RequestTooSmall,
    StakeLimitExceeded,
    StakingPaused,
    UnknownOperator,
    UnknownRequest,
    WrongToken,
    ZeroDeposit,
)
from lst.records import IssuerParams, Pool, Request

if TYPE_CHECKING:
    from chain import State


def validate_new_token(state: State, network: str, symbol: Any) -> str:
    """A new token's symbol must be a non-empty string not yet used on ``network``."""
    check_name(symbol, "symbol")
    if f"{network}:{symbol}" in {t.key for t in state.tokens}:
        raise WrongToken(f"token {symbol!r} already exists on {network!r}: pick another symbol")
    return symbol


def validate_deploy(
    state: State,
    native: Any,
    network: str,
    funder: Any,
    treasury: Any,
    oracle: Any,
    bootstrap: Any,
    policy: Any,
) -> None:
    """An issuer needs a native token of its network, known accounts, a positive bootstrap
    the funder holds, and a callable allocation policy."""
    state.require_token(native, network)
    for who in (funder, treasury) + ((oracle,) if oracle is not None else ()):
        state.require_address(who)
    if check_amount(bootstrap, "bootstrap") == 0:
        raise ZeroDeposit("the bootstrap deposit must be positive (Lido requires a non-zero balance)")
    if state.balance_of(native, funder) < bootstrap:
        raise InsufficientBalance(f"{funder} holds less than the bootstrap {bootstrap} of {native.key}")
    if not callable(policy):
        raise InvalidArgument("policy must be a callable (operators, count) -> counts")


def validate_not_paused(params: IssuerParams) -> None:
    """Raise StakingPaused while governance has ``paused`` set."""
    if params.paused:
        raise StakingPaused("the issuer is paused: wait until governance sets paused to 0")


def validate_submit(
    state: State, user: str, amount: Any, shares: int, total_pooled: int, params: IssuerParams, balance: int
) -> None:
    """A submit needs a positive amount that mints at least one share, within the stake limit."""
    state.require_address(user)
    if check_amount(amount, "submit amount") == 0:
        raise ZeroDeposit("cannot submit 0: pass a positive amount of native wei")
    validate_not_paused(params)
    if shares == 0:
        raise ZeroDeposit(f"{amount} wei buys 0 shares at the current rate: submit more")
    if params.stake_limit and total_pooled + amount > params.stake_limit:
        raise StakeLimitExceeded(
            f"submitting {amount} takes total pooled to {total_pooled + amount}, past the "
            f"stake limit {params.stake_limit}: submit at most {max(params.stake_limit - total_pooled, 0)}"
        )
    if balance < amount:
        raise InsufficientBalance(f"{user} holds {balance} native wei and cannot submit {amount}")


def validate_transfer(state: State, src: str, dst: str, shares: int, held: int, params: IssuerParams) -> None:
    """A share transfer needs known accounts, an unpaused issuer and enough shares."""
    state.require_address(src)
    state.require_address(dst)
    validate_not_paused(params)
    if held < shares:
        raise InsufficientBalance(f"{src} holds {held} shares and cannot move {shares}")


def validate_deposit(pool: Pool, operators: int, count: int, size: int, reserved: int) -> None:
    """Depositing ``count`` validators needs operators and that much unreserved buffer."""
    if count and operators == 0:
        raise NoOperators("no node operators: add one with add_operator before depositing")
    free = max(pool.buffered - reserved, 0)
    if count * size > free:
        raise InsufficientBuffer(
            f"{count} validators need {count * size} wei but the buffer has {free} free "
            f"({reserved} reserved for withdrawals): deposit at most {free // size}"
        )


def validate_operator(operator_id: Any, count: int) -> int:
    """An operator id must be an int in [0, count)."""
    if type(operator_id) is not int or not 0 <= operator_id < count:
        raise UnknownOperator(f"no operator {operator_id!r}: ids are 0..{count - 1}")
    return operator_id


def validate_report(
    pool: Pool,
    params: IssuerParams,
    caller: str | None,
    oracle: str | None,
    cl_balance: Any,
    cl_validators: Any,
    withdrawn: Any,
    el_rewards: Any,
    elapsed: int,
    size: int,
) -> int:
    """An oracle report: from the oracle, ints, a validator count between the last reported
    and the deposited, and a CL change within the sanity bounds (Lido
    ``OracleReportSanityChecker``: one-off decrease and annual increase, in bps).

    Returns the pre-report CL balance the bounds were checked against (the last reported
    balance plus ``size`` per newly seen validator)."""
    if oracle is not None and caller != oracle:
        raise Unauthorized(f"{caller!r} may not report: only the oracle {oracle!r} may")
    for value, what in (
        (cl_balance, "cl_balance"),
        (cl_validators, "cl_validators"),
        (withdrawn, "withdrawn"),
        (el_rewards, "el_rewards"),
    ):
        check_amount(value, what)
    if not pool.cl_validators <= cl_validators <= pool.deposited_validators:
        raise ReportOutOfBounds(
            f"cl_validators {cl_validators} must lie in [{pool.cl_validators}, "
            f"{pool.deposited_validators}] (last reported, deposited)"
        )
    pre_cl = pool.cl_balance + (cl_validators - pool.cl_validators) * size
    decrease = sharemath.cl_decrease_bps(pre_cl, cl_balance, withdrawn)
    if decrease > params.one_off_decrease_limit_bps:
        raise ReportOutOfBounds(
            f"the CL balance falls by {decrease} bps, more than the {params.one_off_decrease_limit_bps} "
            "bps one-off limit: check the report or raise one_off_decrease_limit_bps"
        )
    increase = sharemath.annual_increase_bps(pre_cl, cl_balance, withdrawn, elapsed)
    if increase > params.annual_increase_limit_bps:
        raise ReportOutOfBounds(
            f"the CL balance grows {increase} bps a year, more than the {params.annual_increase_limit_bps} "
            "bps limit: check the report or raise annual_increase_limit_bps"
        )
    return pre_cl


def validate_slash(operator_ids: Any, registry_count: int, count: Any, external: Any) -> list[int]:
    """A slashing names distinct known operators, an optional positive count per operator and
    a non-negative external slashed balance."""
    if isinstance(operator_ids, int) and not isinstance(operator_ids, bool):
        operator_ids = [operator_ids]
    if not isinstance(operator_ids, Sequence) or not operator_ids:
        raise InvalidArgument("operators must be an id or a non-empty sequence of ids")
    ids = [validate_operator(i, registry_count) for i in operator_ids]
    if len(set(ids)) != len(ids):
        raise InvalidArgument(f"operators {ids} repeat an id: name each once")
    if count is not None:
        check_amount(count, "count", positive=True)
    check_amount(external, "external_slashed")
    return ids


def validate_request(
    state: State,
    owner: str,
    amount: Any,
    value: int,
    shares: int,
    held: int,
    minimum: int,
    maximum: int,
    params: IssuerParams,
) -> None:
    """A withdrawal request of ``value`` native wei must lie in [minimum, maximum]
    (Lido ``MIN_STETH_WITHDRAWAL_AMOUNT``, ``MAX_STETH_WITHDRAWAL_AMOUNT``)."""
    state.require_address(owner)
    check_amount(amount, "request amount")
    validate_not_paused(params)
    if value < minimum:
        raise RequestTooSmall(f"a request of {value} wei is below the minimum {minimum}: request more")
    if value > maximum:
        raise RequestTooLarge(f"a request of {value} wei is above the maximum {maximum}: split it")
    if held < shares:
        raise InsufficientBalance(f"{owner} holds {held} shares and cannot lock {shares}")


def validate_claim(request: Request | None, request_id: Any, caller: str, last_finalized: int) -> Request:
    """A claim names an existing, finalized, unclaimed request of the caller."""
    if request is None:
        raise UnknownRequest(f"no withdrawal request {request_id!r}")
    if request.owner != caller:
        raise NotRequestOwner(f"request {request.id} belongs to {request.owner!r}, not {caller!r}")
    if request.claimed:
        raise RequestAlreadyClaimed(f"request {request.id} was already claimed")
    if request.id > last_finalized or request.paid is None:
        raise RequestNotFinalized(
            f"request {request.id} is not finalized yet (finalized up to {last_finalized})"
        )
    return request
