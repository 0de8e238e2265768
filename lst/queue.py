"""The withdrawal queue (Lido V2 ``WithdrawalQueue``): request, finalize, claim.

A request locks the owner's shares in the queue and records their native value at request
time. Finalization, at every oracle report or on demand, walks the queue in id order and
finalizes each request that is older than ``finalization_delay`` and that the issuer's buffer
can pay, at ``min(rate at request, rate at finalization)``: the request's own rate
``amount*1e27//shares`` unless it exceeds the current share rate, in which case it pays
``shares*rate//1e27`` (``WithdrawalQueueBase._calcBatch`` / ``_calculateClaimableEther``).
The native is locked in the queue and the shares are burned; ``claim`` pays exactly that.
Lido finalizes in batches sharing one rate; here each request is its own batch, so the native
locked equals the sum of the claims, to the wei.

Who may act (:mod:`chain.calls`): a request locks the caller's own tokens (the queue pulls
them from its code); a claim is the owner's and pays an account or a contract whose books do
not depend on it; ``finalize`` pays only at the protocol rate, so anyone may call it, and the
issuer's hooks accept only this queue's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from attrs import evolve

from chain import InvalidArgument, State, atomic, check_amount, external
from chain.fixedpoint import ray_div_floor, ray_mul_floor
from lst.client import IssuerClient, require_issuer
from lst.errors import UnknownRequest
from lst.events import WithdrawalClaimed, WithdrawalFinalized, WithdrawalRequested
from lst.records import Queue, Request
from lst.validation import validate_claim, validate_party, validate_recipient, validate_request
from lst.wrapper import Wrapper

MIN_WITHDRAWAL = 100
"""Lido ``MIN_STETH_WITHDRAWAL_AMOUNT`` = 100 wei."""
MAX_WITHDRAWAL_UNITS = 1000
"""Lido ``MAX_STETH_WITHDRAWAL_AMOUNT`` = 1000 stETH (whole tokens)."""


class WithdrawalQueue(IssuerClient):
    """The issuer's exit queue (see module docstring). Deploy with :meth:`deploy`."""

    kind = "lst.queue"

    def __init__(
        self, state: State, address: str, network: str, *, issuer: str, min_amount: int, max_amount: int
    ) -> None:
        super().__init__(state, address, network)
        self.issuer_address = issuer
        self.min_amount = min_amount
        self.max_amount = max_amount

    @classmethod
    def deploy(
        cls,
        state: State,
        address: str,
        network: str,
        *,
        issuer: str,
        finalization_delay: int | None = None,
        min_amount: int = MIN_WITHDRAWAL,
        max_amount: int | None = None,
    ) -> WithdrawalQueue:
        """Deploy the queue of ``issuer`` (on ``network``) and attach it. ``finalization_delay``
        defaults to the preset's unbonding time (validators must exit first); ``max_amount`` to
        1000 whole tokens (Lido ``MAX_STETH_WITHDRAWAL_AMOUNT``).
        Raises WrongNetwork, InvalidArgument, UnknownContract, InvalidAmount."""
        target = require_issuer(state, issuer, network)
        delay = target.preset.unbonding_seconds if finalization_delay is None else finalization_delay
        check_amount(delay, "finalization_delay")
        check_amount(min_amount, "min_amount")
        top = (
            MAX_WITHDRAWAL_UNITS * target.unit
            if max_amount is None
            else check_amount(max_amount, "max_amount")
        )
        with state.atomic():
            queue = cls(state, address, network, issuer=issuer, min_amount=min_amount, max_amount=top)
            state.register_contract(queue)
            queue._store("queue", Queue(finalization_delay=delay))
            queue._attach()
            state.depend(address, issuer, "redeems-at")
        return queue

    @external
    def _attach(self) -> None:
        """Attach this queue to its issuer from the queue's own code (the issuer checks it)."""
        self.issuer.attach_queue(self.address)

    def queue_state(self) -> Queue:
        """The counters record (last id, last finalized, locked, pending)."""
        queue: Queue = self._load("queue")
        return queue

    def request(self, request_id: int) -> Request:
        """A request record (UnknownRequest if none)."""
        record = self._find(request_id)
        if record is None:
            raise UnknownRequest(f"no withdrawal request {request_id!r}")
        return record

    def _find(self, request_id: Any) -> Request | None:
        return self._load(("request", request_id), None) if type(request_id) is int else None

    # --- request -----------------------------------------------------------------------

    @external
    @atomic
    def request_withdrawal(self, owner: str, amount: int) -> int:
        """Lock ``amount`` token units of ``owner`` (the caller; rebasing: stETH wei; otherwise
        shares); returns the new request id. Its value at request time is ``to_native(amount)``.

        Emits WithdrawalRequested. Raises NotTheCaller, InvalidAmount, UnknownAccount,
        StakingPaused, RequestTooSmall, RequestTooLarge, InsufficientBalance.
        """
        validate_party(self, owner, "owner")
        issuer = self.issuer
        check_amount(amount, "request amount")
        shares, value = issuer.to_shares(amount), issuer.to_native(amount)
        validate_request(
            owner,
            amount,
            value,
            shares,
            issuer.shares_of(owner),
            self.min_amount,
            self.max_amount,
            issuer.params(),
        )
        issuer.transfer_shares_from(owner, self.address, shares)
        return self._record(owner, value, shares)

    def _record(self, owner: str, value: int, shares: int) -> int:
        q = self.queue_state()
        rid = q.last_id + 1
        self._store(("request", rid), Request(rid, owner, value, shares, self.state.now))
        self._store("queue", evolve(q, last_id=rid, pending=q.pending + value))
        self.state.emit(WithdrawalRequested(self.address, rid, owner, value, shares))
        return rid

    @external
    @atomic
    def request_withdrawal_wrapped(self, owner: str, wrapped: int, wrapper: str) -> int:
        """Take ``wrapped`` wrapped tokens of ``owner`` (the caller), unwrap them at ``wrapper``
        (the wrapper of this queue's issuer) and request the rebasing amount for ``owner``
        (Lido ``requestWithdrawalsWstETH``); returns the request id. Every check runs first.

        Raises as :meth:`request_withdrawal`, and InvalidArgument for another wrapper."""
        validate_party(self, owner, "owner")
        w = self.state.contract(wrapper)
        if not isinstance(w, Wrapper) or w.issuer_address != self.issuer_address:
            raise InvalidArgument(f"{wrapper!r} is not the wrapper of {self.issuer_address!r}")
        check_amount(wrapped, "request amount")
        issuer = self.issuer
        value = issuer.get_pooled_by_shares(wrapped)  # what unwrap pays (floor)
        held = self.state.balance_of(w.token, owner)
        validate_request(
            owner, wrapped, value, wrapped, held, self.min_amount, self.max_amount, issuer.params()
        )
        before = issuer.shares_of(self.address)
        self.state.transfer(w.token, owner, self.address, wrapped)
        w.unwrap(self.address, wrapped)
        return self._record(owner, value, issuer.shares_of(self.address) - before)

    # --- finalize ----------------------------------------------------------------------

    @external
    @atomic
    def finalize(self, max_count: int | None = None) -> int:
        """Finalize requests in order while each is past the delay and the issuer's buffer
        covers it, at most ``max_count``; returns how many. Emits WithdrawalFinalized each.
        Anyone may: it pays only at ``min(request rate, current rate)``."""
        if max_count is not None:
            check_amount(max_count, "max_count")
        q = self.queue_state()
        if q.last_finalized >= q.last_id:  # nothing waits: nothing to read or write
            return 0
        issuer, now = self.issuer, self.state.now
        rate = issuer.share_rate()
        done = 0
        while q.last_finalized < q.last_id and (max_count is None or done < max_count):
            req: Request = self._load(("request", q.last_finalized + 1))
            if now - req.timestamp < q.finalization_delay:
                break
            paid = claimable(req.amount, req.shares, rate)
            if paid > issuer.pool().buffered:
                break
            issuer.lock_for_withdrawal(self.address, paid, req.shares)
            self._store(("request", req.id), evolve(req, paid=paid))
            q = evolve(q, last_finalized=req.id, locked=q.locked + paid, pending=q.pending - req.amount)
            self.state.emit(WithdrawalFinalized(self.address, req.id, paid, req.shares, rate))
            done += 1
        if done:
            self._store("queue", q)
        return done

    # --- claim -------------------------------------------------------------------------

    @external
    @atomic
    def claim(self, caller: str, request_id: int, recipient: str | None = None) -> int:
        """Pay a finalized request of ``caller`` (the chain's caller) to ``recipient`` (default
        the owner: any address of this network but the queue and its issuer, whose books would
        not count the native); returns the native wei paid. Emits WithdrawalClaimed. Raises
        NotTheCaller, UnknownRequest, NotRequestOwner, RequestAlreadyClaimed,
        RequestNotFinalized, UnknownAccount, WrongNetwork, InvalidArgument."""
        validate_party(self, caller, "owner")
        to = caller if recipient is None else recipient
        validate_recipient(self.state, to, self.network, (self.address, self.issuer_address))
        q = self.queue_state()
        req, paid = validate_claim(self._find(request_id), request_id, caller, q.last_finalized)
        self._store(("request", req.id), evolve(req, claimed=True))
        self._store("queue", evolve(q, locked=q.locked - paid))
        self.state.transfer(self.issuer.native, self.address, to, paid)
        self.state.emit(WithdrawalClaimed(self.address, req.id, req.owner, to, paid))
        return paid

    # --- reporting ---------------------------------------------------------------------

    def queue_length(self) -> tuple[int, int]:
        """Unfinalized requests: ``(count, native value at request time)``."""
        q = self.queue_state()
        return q.last_id - q.last_finalized, q.pending

    def expected_wait(self, amount: int = 0) -> int:
        """Seconds a new request of ``amount`` native wei would wait, an estimate: the
        finalization delay when the buffer covers the queue ahead plus it, else one more
        unbonding period for validators to exit and return native."""
        check_amount(amount, "amount")
        issuer, q = self.issuer, self.queue_state()
        if q.pending + amount <= issuer.pool().buffered:
            return q.finalization_delay
        return q.finalization_delay + issuer.preset.unbonding_seconds

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``owner -> queue`` for each unclaimed request, with its value."""
        q = self.queue_state()
        for rid in range(1, q.last_id + 1):
            req: Request = self._load(("request", rid))
            if not req.claimed:
                yield (
                    req.owner,
                    self.address,
                    "withdrawal-request",
                    {"request": rid, "amount": req.amount if req.paid is None else req.paid},
                )


def claimable(amount: int, shares: int, rate: int) -> int:
    """What a request of ``amount`` wei over ``shares`` pays at share rate ``rate`` (ray):
    ``amount`` unless ``amount*1e27//shares > rate``, then ``shares*rate//1e27`` (floor)."""
    if shares == 0 or ray_div_floor(amount, shares) <= rate:
        return amount
    return ray_mul_floor(shares, rate)
