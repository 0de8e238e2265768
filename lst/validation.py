"""Every check of ``lst``, one ``validate_<action>`` per action, called by the facades before
any write (order: accrue, validate, change, emit). Each raises a typed error and writes
nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chain import (
    InsufficientBalance,
    InvalidArgument,
    Unauthorized,
    WrongNetwork,
    check_amount,
    check_name,
)
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
    from chain import Contract, State


def validate_party(contract: Contract, who: Any, role: str) -> str:
    """``who`` as the acting party of ``contract``'s public action: a known address that the
    chain vouches for (the caller, or an account acting in its own transaction outside every
    frame; :meth:`chain.Contract.authorize`). Raises UnknownAccount, NotTheCaller."""
    contract.state.require_address(who)
    return contract.authorize(who, role)


def validate_role(contract: Contract, expected: str | None, caller: Any, role: str, action: str) -> None:
    """A ``caller`` argument, when given, must be the party the chain vouches for
    (:func:`validate_party`); unless ``expected`` is None (anyone may), that party
    (``contract.msg_sender`` without the argument) must be ``expected``.
    Raises Unauthorized (NotTheCaller for a false claimed identity)."""
    who = contract.msg_sender if caller is None else validate_party(contract, caller, role)
    if expected is not None and who != expected:
        raise Unauthorized(
            f"{who!r} may not {action} on {contract.address!r}: only the {role} {expected!r} may; "
            f"call from {expected!r}'s own code or transaction (state.tx({expected!r}))"
        )


def validate_on_network(state: State, address: str, network: str, role: str) -> str:
    """``address`` must be known and, if it is a contract, live on ``network`` (an account
    exists on every network). Raises UnknownAccount, WrongNetwork."""
    state.require_address(address)
    if state.is_contract(address):
        home = state.contract(address).network
        if home != network:
            raise WrongNetwork(
                f"{role} {address!r} is a contract on {home!r}, not {network!r}: it cannot hold "
                f"tokens of {network!r}; use an account or a contract of {network!r}"
            )
    return address


def validate_new_token(state: State, network: str, symbol: Any) -> str:
    """A new token's symbol must be a non-empty string not yet used on ``network``."""
    name = check_name(symbol, "symbol")
    if f"{network}:{name}" in {t.key for t in state.tokens}:
        raise WrongToken(f"token {name!r} already exists on {network!r}: pick another symbol")
    return name


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
    state.require_address(funder)
    validate_on_network(state, treasury, network, "treasury")
    if oracle is not None:
        validate_on_network(state, oracle, network, "oracle")
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
    issuer: str, user: str, amount: Any, shares: int, total_pooled: int, params: IssuerParams, balance: int
) -> None:
    """A submit needs a staker other than the issuer itself (its own native would be counted
    twice) and a positive amount that mints at least one share, within the stake limit."""
    if user == issuer:
        raise InvalidArgument(f"the issuer {issuer!r} cannot stake into itself: submit from an account")
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


def validate_transfer(
    state: State, issuer: str, src: str, dst: str, shares: int, held: int, params: IssuerParams
) -> None:
    """A share transfer needs known accounts, a recipient other than the issuer (Lido
    ``TRANSFER_TO_STETH_CONTRACT``), an unpaused issuer and enough shares."""
    state.require_address(src)
    state.require_address(dst)
    if dst == issuer:
        raise InvalidArgument(
            f"cannot transfer to the issuer {issuer!r} itself (Lido: TRANSFER_TO_STETH_CONTRACT)"
        )
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


def validate_lock(pool: Pool, paid: Any, shares: Any, held: int) -> None:
    """Locking for the queue needs ints, ``paid`` within the buffer and ``shares`` the queue holds."""
    check_amount(paid, "paid")
    check_amount(shares, "shares")
    if paid > pool.buffered:
        raise InsufficientBuffer(f"cannot lock {paid} wei for withdrawals: the buffer holds {pool.buffered}")
    if shares > held:
        raise InsufficientBalance(f"the queue holds {held} shares and cannot burn {shares}")


def validate_operator(operator_id: Any, count: int) -> int:
    """An operator id must be an int in [0, count)."""
    if type(operator_id) is not int or not 0 <= operator_id < count:
        raise UnknownOperator(f"no operator {operator_id!r}: ids are 0..{count - 1}")
    return operator_id


def validate_report(
    pool: Pool,
    params: IssuerParams,
    cl_balance: Any,
    cl_validators: Any,
    withdrawn: Any,
    el_rewards: Any,
    elapsed: int,
    size: int,
) -> int:
    """An oracle report (its sender checked by :func:`validate_role`): ints, a validator
    count between the last reported and the deposited, and a CL change within the sanity
    bounds (Lido ``OracleReportSanityChecker``: one-off decrease and annual increase, in bps).

    Returns the pre-report CL balance the bounds were checked against (the last reported
    balance plus ``size`` per newly seen validator)."""
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
    pre_cl: int = pool.cl_balance + (cl_validators - pool.cl_validators) * size
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
    (Lido ``MIN_STETH_WITHDRAWAL_AMOUNT``, ``MAX_STETH_WITHDRAWAL_AMOUNT``); the owner (already
    checked by :func:`validate_party`) must hold the ``shares`` it locks."""
    check_amount(amount, "request amount")
    validate_not_paused(params)
    if value < minimum:
        raise RequestTooSmall(f"a request of {value} wei is below the minimum {minimum}: request more")
    if value > maximum:
        raise RequestTooLarge(f"a request of {value} wei is above the maximum {maximum}: split it")
    if held < shares:
        raise InsufficientBalance(f"{owner} holds {held} shares and cannot lock {shares}")


def validate_recipient(state: State, recipient: str, network: str, books: Sequence[str]) -> str:
    """A payout's recipient: known, on ``network``, and none of ``books`` (contracts whose
    accounting would not see native arriving, so their books would stop adding up)."""
    validate_on_network(state, recipient, network, "recipient")
    if recipient in books:
        raise InvalidArgument(
            f"cannot pay {recipient!r}: its books would not count the native; pay an account instead"
        )
    return recipient


def validate_claim(
    request: Request | None, request_id: Any, caller: str, last_finalized: int
) -> tuple[Request, int]:
    """A claim names an existing, finalized, unclaimed request of the caller; returns the
    request and the native wei it pays."""
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
    return request, request.paid
