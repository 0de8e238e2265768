"""The delegation manager: operators, delegation, operator pools and queued withdrawals
(EigenLayer v1.3.0 ``DelegationManager``).

Each operator has two pools per strategy (:class:`restaking.records.Pool`): ``active`` holds
its delegated stakers' shares (a delegated staker's deposit shares are units of it) and
``queued`` holds the shares of withdrawals queued from it, which stay slashable through the
withdrawal delay and earn no rewards (EigenLayer: queued shares leave ``operatorShares`` but
``_getSlashableSharesInQueue`` still burns them). A slash burns the same fraction of both pools,
so every delegated staker and every queued withdrawal of the operator loses that fraction:
the loss is socialised over the operator's delegators, not over the whole strategy.
Undelegated stakers' shares are not slashable.

Deviation, stated: a queued withdrawal stays in the queued pool until it is completed, so a
slash after its delay ended but before completion still reaches it (v1.3.0 stops at the
completable block); complete promptly to match.

Who may act (:mod:`chain.calls`): stakers and operators act for themselves (the caller the
chain vouches for); the pool hooks run only from the strategy manager's or the allocation
manager's code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from attrs import evolve

from chain import Contract, Governable, ParamSpec, State, atomic, external
from chain.fixedpoint import mul_div_down
from restaking import sharemath
from restaking.errors import (
    ActivelyDelegated,
    AlreadyOperator,
    FullySlashed,
    InsufficientShares,
    NewSharesZero,
    NotActivelyDelegated,
    NotWithdrawer,
    OperatorsCannotUndelegate,
    UnknownOperator,
    UnknownWithdrawal,
    WithdrawalAlreadyCompleted,
    WithdrawalNotReady,
)
from restaking.events import (
    OperatorRegistered,
    StakerDelegated,
    StakerUndelegated,
    WithdrawalCompleted,
    WithdrawalQueued,
)
from restaking.records import DELEGATION_PARAM_SPECS, Counter, DelegationParams, Operator, Pool, Withdrawal
from restaking.validation import validate_only, validate_party, validate_positive, validate_strategy

if TYPE_CHECKING:
    from restaking.manager import StrategyManager

ACTIVE, QUEUED = "active", "queued"


class DelegationManager(Contract, Governable):
    """Operators, delegations, pools and withdrawals (module docstring); deployed by
    :meth:`restaking.StrategyManager.deploy`."""

    kind = "restaking.delegation_manager"

    def __init__(self, state: State, address: str, network: str, *, manager: str, allocation: str) -> None:
        super().__init__(state, address, network)
        self.manager_address = manager
        self.allocation_address = allocation

    @property
    def manager(self) -> StrategyManager:
        """The strategy manager, bound to this state."""
        return self.state.contract(self.manager_address)  # type: ignore[return-value]

    # --- views -------------------------------------------------------------------------

    @property
    def withdrawal_delay(self) -> int:
        """Seconds between queueing a withdrawal and completing it (mainnet: 14 days)."""
        params: DelegationParams = self._load("params")
        return params.withdrawal_delay

    def is_operator(self, address: str) -> bool:
        """True for a registered operator."""
        return self._load(("operator", address), None) is not None

    def operators(self) -> tuple[str, ...]:
        """Every registered operator, in registration order."""
        operators: tuple[str, ...] = self._load("operators", ())
        return operators

    def delegated_to(self, staker: str) -> str | None:
        """The operator ``staker`` is delegated to (an operator to itself), None if undelegated."""
        operator: str | None = self._load(("delegated", staker), None)
        return operator

    def pool(self, operator: str, strategy: str, queued: bool = False) -> Pool:
        """The operator's active (or queued) pool in ``strategy``."""
        pool: Pool = self._load(("pool", operator, strategy, QUEUED if queued else ACTIVE), Pool())
        return pool

    def operator_shares(self, operator: str, strategy: str) -> int:
        """Strategy shares delegated to ``operator`` and not queued (``operatorShares``)."""
        return self.pool(operator, strategy).shares

    def withdrawable_shares(self, staker: str, strategy: str) -> int:
        """The staker's withdrawable strategy shares: its deposit shares, or the shares its
        units own in its operator's active pool (floored)."""
        deposit = self.manager.deposit_shares(staker, strategy)
        operator = self.delegated_to(staker)
        if operator is None:
            return deposit
        pool = self.pool(operator, strategy)
        return sharemath.shares_for(deposit, pool.shares, pool.units)

    def withdrawal(self, withdrawal_id: int) -> Withdrawal:
        """The queued withdrawal ``withdrawal_id`` (UnknownWithdrawal if none)."""
        record: Withdrawal | None = (
            self._load(("withdrawal", withdrawal_id), None) if type(withdrawal_id) is int else None
        )
        if record is None:
            raise UnknownWithdrawal(f"no withdrawal has id {withdrawal_id!r}: use an id from queue_withdrawal")
        return record

    def withdrawals(self) -> list[Withdrawal]:
        """Every withdrawal ever queued, by id."""
        return [self._load(("withdrawal", i)) for i in range(self._load("withdrawals").count)]

    def withdrawable_at(self, withdrawal_id: int) -> int:
        """When the withdrawal can complete (queue time + the withdrawal delay), Unix seconds."""
        return self.withdrawal(withdrawal_id).start_time + self.withdrawal_delay

    def withdrawal_shares(self, withdrawal_id: int) -> int:
        """Strategy shares the withdrawal would pay now (after slashes in its delay), floored."""
        w = self.withdrawal(withdrawal_id)
        if w.completed:
            return 0
        if w.operator is None:
            return w.units
        pool = self.pool(w.operator, w.strategy, queued=True)
        return sharemath.shares_for(w.units, pool.shares, pool.units)

    # --- operators and delegation -------------------------------------------------------

    @external
    @atomic
    def register_operator(self, operator: str) -> None:
        """Register ``operator`` (the caller) and delegate it to itself, moving any shares it
        holds into its pools (``registerAsOperator``). Emits OperatorRegistered. Raises
        NotTheCaller, UnknownAccount, AlreadyOperator (an operator, or a delegated staker)."""
        validate_party(self, operator, "operator")
        if self.is_operator(operator) or self.delegated_to(operator) is not None:
            raise AlreadyOperator(f"{operator!r} is an operator or delegated already: an operator "
                                  "registers once, undelegated")
        self._store(("operator", operator), Operator(operator, self.state.now))
        self._store("operators", (*self.operators(), operator))
        self._delegate(operator, operator)
        self.state.emit(OperatorRegistered(operator))

    @external
    @atomic
    def delegate(self, staker: str, operator: str) -> None:
        """Delegate every position of ``staker`` (the caller) to ``operator`` (``delegateTo``;
        delegation approvers are not modelled): its shares join the operator's active pools.
        Emits StakerDelegated. Raises NotTheCaller, UnknownOperator, ActivelyDelegated,
        FullySlashed, NewSharesZero."""
        validate_party(self, staker, "staker")
        if not self.is_operator(operator):
            raise UnknownOperator(f"{operator!r} is not a registered operator: register it first")
        if self.delegated_to(staker) is not None:
            raise ActivelyDelegated(f"{staker!r} is delegated to {self.delegated_to(staker)!r}: undelegate first")
        self._delegate(staker, operator)
        self.state.emit(StakerDelegated(staker, operator))

    def _delegate(self, staker: str, operator: str) -> None:
        manager = self.manager
        for strategy in manager.staker_strategies(staker):
            shares = manager.deposit_shares(staker, strategy)
            units = self._join(operator, strategy, ACTIVE, shares)
            manager.set_deposit_shares(staker, strategy, units)
        self._store(("delegated", staker), operator)

    def _join(self, operator: str, strategy: str, kind: str, shares: int) -> int:
        """Pay ``shares`` into a pool; returns the units minted (floored)."""
        pool = self._load(("pool", operator, strategy, kind), Pool())
        if pool.units and not pool.shares:
            raise FullySlashed(f"{operator!r} was slashed to zero in {strategy!r}: delegate elsewhere")
        units = sharemath.units_for(shares, pool.shares, pool.units)
        if units == 0:
            raise NewSharesZero(f"{shares} shares buy 0 units of {operator!r}'s {kind} pool: move more")
        self._store(("pool", operator, strategy, kind), Pool(pool.shares + shares, pool.units + units))
        return units

    @external
    @atomic
    def undelegate(self, staker: str) -> tuple[int, ...]:
        """Leave the operator: queue a withdrawal of every position of ``staker`` (the caller;
        an operator's forced undelegation is not modelled) and return their ids. Emits
        StakerUndelegated and WithdrawalQueued per strategy. Raises NotTheCaller,
        NotActivelyDelegated, OperatorsCannotUndelegate."""
        validate_party(self, staker, "staker")
        operator = self.delegated_to(staker)
        if operator is None:
            raise NotActivelyDelegated(f"{staker!r} is not delegated")
        if self.is_operator(staker):
            raise OperatorsCannotUndelegate(f"{staker!r} is an operator and stays delegated to itself")
        ids = []
        for strategy in self.manager.staker_strategies(staker):
            shares = self.withdrawable_shares(staker, strategy)
            if shares:
                ids.append(self._queue(staker, strategy, shares))
            else:  # units worth nothing (a slash took their shares): they leave the pool
                units = self.manager.deposit_shares(staker, strategy)
                pool = self.pool(operator, strategy)
                self._store(("pool", operator, strategy, ACTIVE), Pool(pool.shares, pool.units - units))
                self.manager.set_deposit_shares(staker, strategy, 0)
        self._store(("delegated", staker), None)
        self.state.emit(StakerUndelegated(staker, operator))
        return tuple(ids)

    # --- withdrawals -------------------------------------------------------------------

    @external
    @atomic
    def queue_withdrawal(self, staker: str, strategy: str, shares: int) -> int:
        """Queue a withdrawal of ``shares`` withdrawable strategy shares of ``staker`` (the
        caller); returns its id. A delegated staker gives up the fewest units that own at
        least ``shares`` (rounded up, all of them for its whole position) and the withdrawal
        holds what they own, in the operator's queued pool (slashable, unrewarded). Emits
        WithdrawalQueued. Raises NotTheCaller, UnknownStrategy, InvalidAmount, InsufficientShares."""
        validate_party(self, staker, "staker")
        validate_strategy(self.manager.strategies(), strategy)
        validate_positive(shares, "shares")
        available = self.withdrawable_shares(staker, strategy)
        if shares > available:
            raise InsufficientShares(f"{staker!r} has {available} withdrawable shares of {strategy!r}, "
                                     f"not {shares}: withdraw at most shares_of")
        return self._queue(staker, strategy, shares)

    def _queue(self, staker: str, strategy: str, shares: int) -> int:
        manager = self.manager
        deposit = manager.deposit_shares(staker, strategy)
        operator = self.delegated_to(staker)
        if operator is None:
            removed = units = paid = shares
        else:
            pool = self.pool(operator, strategy)
            whole = shares == sharemath.shares_for(deposit, pool.shares, pool.units)
            taken = deposit if whole else min(deposit, sharemath.units_to_cover(shares, pool.shares, pool.units))
            paid = sharemath.shares_for(taken, pool.shares, pool.units)
            self._store(("pool", operator, strategy, ACTIVE), Pool(pool.shares - paid, pool.units - taken))
            units = self._join(operator, strategy, QUEUED, paid)
            removed = taken
        manager.set_deposit_shares(staker, strategy, deposit - removed)
        counter: Counter = self._load("withdrawals")
        now = self.state.now
        self._store(("withdrawal", counter.count),
                    Withdrawal(counter.count, staker, strategy, operator, units, paid, now))
        self._store("withdrawals", Counter(counter.count + 1))
        self.state.emit(WithdrawalQueued(counter.count, staker, strategy, operator, paid, now + self.withdrawal_delay))
        return counter.count

    @external
    @atomic
    def complete_withdrawal(self, staker: str, withdrawal_id: int) -> int:
        """Complete a queued withdrawal of ``staker`` (the caller) once the delay has passed:
        pays the assets of what it holds now (slashes in the delay included) to the staker and
        returns them (``completeQueuedWithdrawal`` as tokens). Emits WithdrawalCompleted.
        Raises NotTheCaller, UnknownWithdrawal, NotWithdrawer, WithdrawalAlreadyCompleted,
        WithdrawalNotReady."""
        validate_party(self, staker, "staker")
        w = self.withdrawal(withdrawal_id)
        if w.staker != staker:
            raise NotWithdrawer(f"withdrawal {withdrawal_id} belongs to {w.staker!r}, not {staker!r}")
        if w.completed:
            raise WithdrawalAlreadyCompleted(f"withdrawal {withdrawal_id} was completed already")
        ready = w.start_time + self.withdrawal_delay
        if self.state.now < ready:
            raise WithdrawalNotReady(f"withdrawal {withdrawal_id} completes at {ready}, "
                                     f"{ready - self.state.now} s from now: wait")
        shares = self.withdrawal_shares(withdrawal_id)
        if w.operator is not None:
            pool = self.pool(w.operator, w.strategy, queued=True)
            self._store(("pool", w.operator, w.strategy, QUEUED), Pool(pool.shares - shares, pool.units - w.units))
        self._store(("withdrawal", w.id), evolve(w, completed=True))
        assets = self.manager.withdraw_shares_as_tokens(staker, w.strategy, shares) if shares else 0
        self.state.emit(WithdrawalCompleted(w.id, staker, w.strategy, shares, assets))
        return assets

    # --- hooks of the strategy manager and the allocation manager ----------------------

    @external
    def increase_delegated_shares(self, staker: str, strategy: str, shares: int) -> int:
        """Credit new ``shares`` of a deposit: into the operator's active pool when ``staker``
        is delegated (returns the units minted), else as they are (returns ``shares``). Only
        the strategy manager's code may. Raises Unauthorized, FullySlashed, NewSharesZero."""
        validate_only(self, self.manager_address, "strategy manager", "increase delegated shares")
        operator = self.delegated_to(staker)
        return shares if operator is None else self._join(operator, strategy, ACTIVE, shares)

    @external
    def slash_operator_shares(self, operator: str, strategy: str, prev_max: int, new_max: int) -> tuple[int, int]:
        """Burn what a fall of the operator's max magnitude from ``prev_max`` to ``new_max``
        takes from both its pools (``slashOperatorShares``: ``calcSlashedAmount`` on the
        operator's shares and on the queue); returns (shares burned, assets burned). Only the
        allocation manager's code may."""
        validate_only(self, self.allocation_address, "allocation manager", "slash operator shares")
        burned = 0
        for kind in (ACTIVE, QUEUED):
            pool = self._load(("pool", operator, strategy, kind), Pool())
            cut = sharemath.slashed_shares(pool.shares, prev_max, new_max)
            if cut:
                self._store(("pool", operator, strategy, kind), Pool(pool.shares - cut, pool.units))
                burned += cut
        return burned, self.manager.burn_shares(strategy, burned) if burned else 0

    @external
    def credit_rewards(self, operator: str, strategy: str, shares: int, split_bps: int) -> None:
        """Add reward ``shares`` to the operator's active pool: ``split_bps`` of them (floored)
        as new units of the operator itself, the rest to every unit of the pool. Only the
        allocation manager's code may."""
        validate_only(self, self.allocation_address, "allocation manager", "credit rewards")
        pool = self.pool(operator, strategy)
        cut = mul_div_down(shares, split_bps, 10_000)
        pool = Pool(pool.shares + shares - cut, pool.units)
        cut_units = sharemath.units_for(cut, pool.shares, pool.units) if cut else 0
        if cut_units:
            manager = self.manager
            manager.set_deposit_shares(operator, strategy, manager.deposit_shares(operator, strategy) + cut_units)
            pool = Pool(pool.shares + cut, pool.units + cut_units)
        else:
            pool = Pool(pool.shares + cut, pool.units)
        self._store(("pool", operator, strategy, ACTIVE), pool)

    # --- governance and graph ----------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return DELEGATION_PARAM_SPECS

    def get_param(self, name: str) -> int:
        value: int = getattr(self._load("params"), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        self._store("params", evolve(self._load("params"), **{name: value}))

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``staker -> operator`` (delegates-to, per strategy: withdrawable shares) and
        ``staker -> strategy`` (withdrawing: each open withdrawal's shares)."""
        manager = self.manager
        for key in list(self._records()):
            if isinstance(key, tuple) and key[0] == "delegated":
                staker, operator = key[1], self._load(key)
                if operator is None or staker == operator:
                    continue
                for strategy in manager.staker_strategies(staker):
                    yield staker, operator, "delegates-to", {
                        "strategy": strategy, "shares": self.withdrawable_shares(staker, strategy)}
        for w in self.withdrawals():
            if not w.completed:
                yield w.staker, w.strategy, "withdrawing", {"id": w.id, "shares": self.withdrawal_shares(w.id)}
