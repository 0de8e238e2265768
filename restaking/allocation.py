"""The allocation manager: services, allocations of magnitude, slashing and service rewards
(EigenLayer v1.3.0 ``AllocationManager``; rewards are this package's model, below).

- A **service** is an EigenLayer operator set of one AVS (``create_service``), with an annual
  reward rate on allocated stake and a slash condition (what it slashes for; the AVS's own
  logic decides when, as on EigenLayer).
- An operator **allocates** magnitude (wad of its delegated stake in a strategy; its max
  magnitude starts at 1e18) to a service: increases take effect at once (an allocation delay
  of 0), decreases after ``deallocation_delay`` and stay slashable until then; allocations
  never exceed the max magnitude (``INSUFFICIENT_MAGNITUDE``).
- A **slash** of ``wad_to_slash`` takes ``ceil(current * wad / 1e18)`` magnitude from the
  allocation and the max magnitude; the operator's pools then lose the same fraction of their
  shares (``calcSlashedAmount``), burned to EigenLayer's burn address: a slash of x of an
  allocation ``a`` of max ``m`` costs every delegator of that operator ``x * a / m`` of its stake.
- **Rewards** (this package's model of ``RewardsCoordinator`` submissions, paid in the
  strategy's own token so they restake at once): the AVS pays assets into the strategy; the
  minted shares go to the operators allocated to the service in proportion to their allocated
  stake (active pool shares x allocated magnitude / max magnitude), the remainder of the floor
  to the largest; in each pool the operator takes ``operator_split_bps`` (mainnet 10%) as units
  of its own and the rest raises the value of every unit.

Who may act (:mod:`chain.calls`): services are created, slash and pay rewards as their AVS (the
caller); operators allocate for themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from attrs import evolve

from chain import WAD, Contract, Governable, ParamSpec, State, atomic, external
from chain.fixedpoint import mul_div_down, mul_div_up
from restaking import sharemath
from restaking.errors import (
    InsufficientMagnitude,
    ModificationAlreadyPending,
    NoRewardableStake,
    UnknownOperator,
    UnknownService,
)
from restaking.events import AllocationUpdated, OperatorSlashed, RewardsSubmitted, ServiceCreated
from restaking.params import SECONDS_PER_YEAR
from restaking.records import ALLOCATION_PARAM_SPECS, Allocation, Counter, Magnitudes, Service
from restaking.validation import (
    validate_magnitude,
    validate_party,
    validate_positive,
    validate_service_terms,
    validate_strategy,
    validate_wad_to_slash,
)

if TYPE_CHECKING:
    from restaking.delegation import DelegationManager
    from restaking.manager import StrategyManager


class AllocationManager(Contract, Governable):
    """Services, allocations, slashing and rewards (module docstring); deployed by
    :meth:`restaking.StrategyManager.deploy`."""

    kind = "restaking.allocation_manager"

    def __init__(self, state: State, address: str, network: str, *, manager: str, delegation: str) -> None:
        super().__init__(state, address, network)
        self.manager_address = manager
        self.delegation_address = delegation

    @property
    def manager(self) -> StrategyManager:
        return self.state.contract(self.manager_address)  # type: ignore[return-value]

    @property
    def delegation(self) -> DelegationManager:
        return self.state.contract(self.delegation_address)  # type: ignore[return-value]

    # --- services ----------------------------------------------------------------------

    def service(self, service: int) -> Service:
        """The service ``service`` (UnknownService if none)."""
        record: Service | None = self._load(("service", service), None) if type(service) is int else None
        if record is None:
            raise UnknownService(f"no service has id {service!r}: use an id from create_service")
        return record

    def services(self) -> list[Service]:
        """Every service, by id."""
        return [self._load(("service", i)) for i in range(self._load("services").count)]

    @external
    @atomic
    def create_service(self, avs: str, reward_rate_bps: int, slash_condition: str) -> int:
        """Create a service of ``avs`` (the caller) paying ``reward_rate_bps`` a year on allocated
        stake and slashing for ``slash_condition``; returns its id (``createOperatorSets``).
        Emits ServiceCreated. Raises NotTheCaller, UnknownAccount, InvalidArgument."""
        validate_party(self, avs, "avs")
        validate_service_terms(reward_rate_bps, slash_condition)
        counter: Counter = self._load("services")
        self._store(("service", counter.count), Service(counter.count, avs, reward_rate_bps, slash_condition))
        self._store("services", Counter(counter.count + 1))
        self.state.emit(ServiceCreated(counter.count, avs, reward_rate_bps, slash_condition))
        return counter.count

    def _service_of(self, avs: str, service: int | None) -> Service:
        if service is not None:
            record = self.service(service)
            if record.avs != avs:
                raise UnknownService(f"service {service} belongs to {record.avs!r}, not {avs!r}")
            return record
        own = [s for s in self.services() if s.avs == avs]
        if len(own) != 1:
            raise UnknownService(f"{avs!r} has {len(own)} services: name the one to slash (service=...)")
        return own[0]

    # --- magnitudes and allocations -----------------------------------------------------

    def max_magnitude(self, operator: str, strategy: str) -> int:
        """The operator's max magnitude in ``strategy`` (1e18 until a slash), wad."""
        magnitudes: Magnitudes = self._load(("magnitudes", operator, strategy), Magnitudes())
        return magnitudes.max_magnitude

    def allocation(self, operator: str, service: int, strategy: str) -> Allocation:
        """The allocation as of now (a decrease whose time has come applied)."""
        a: Allocation = self._load(("allocation", operator, service, strategy), Allocation())
        if a.pending and self.state.now >= a.effect_time:
            return Allocation(a.current - a.pending)
        return a

    def encumbered_magnitude(self, operator: str, strategy: str) -> int:
        """Magnitude the operator has allocated (or is still deallocating) in ``strategy``."""
        info = self._load(("magnitudes", operator, strategy), Magnitudes())
        return sum(self.allocation(operator, s, strategy).current for s in info.services)

    def allocated_stake(self, operator: str, service: int, strategy: str) -> int:
        """Strategy shares of the operator's active pool at stake for ``service``:
        ``pool shares * allocated magnitude // max magnitude`` (0 once fully slashed)."""
        top = self.max_magnitude(operator, strategy)
        if top == 0:
            return 0
        current = self.allocation(operator, service, strategy).current
        return mul_div_down(self.delegation.operator_shares(operator, strategy), current, top)

    @external
    @atomic
    def allocate(self, operator: str, service: int, strategy: str, magnitude_wad: int) -> None:
        """Set the operator's (the caller's) magnitude for ``service`` in ``strategy`` to
        ``magnitude_wad`` (``modifyAllocations``): an increase at once, within the max magnitude;
        a decrease after ``deallocation_delay`` (slashable until then). Emits AllocationUpdated.
        Raises NotTheCaller, UnknownOperator, UnknownService, UnknownStrategy, InvalidArgument,
        InsufficientMagnitude, ModificationAlreadyPending."""
        validate_party(self, operator, "operator")
        if not self.delegation.is_operator(operator):
            raise UnknownOperator(f"{operator!r} is not a registered operator: register it first")
        self.service(service)
        validate_strategy(self.manager.strategies(), strategy)
        validate_magnitude(magnitude_wad)
        now, current = self.state.now, self.allocation(operator, service, strategy)
        if current.pending:
            raise ModificationAlreadyPending(f"a deallocation of {operator!r} for service {service} frees at "
                                             f"{current.effect_time}: wait until then")
        info = self._load(("magnitudes", operator, strategy), Magnitudes())
        if magnitude_wad > current.current:
            free = info.max_magnitude - self.encumbered_magnitude(operator, strategy)
            if magnitude_wad - current.current > free:
                raise InsufficientMagnitude(f"{operator!r} has {free} free magnitude in {strategy!r}, not "
                                            f"{magnitude_wad - current.current}: allocate less")
            new, effect = Allocation(magnitude_wad), now
        else:
            effect = now + self._load("params").deallocation_delay
            new = Allocation(current.current, current.current - magnitude_wad, effect)
        self._store(("allocation", operator, service, strategy), new)
        if service not in info.services:
            self._store(("magnitudes", operator, strategy), evolve(info, services=(*info.services, service)))
        operators = self._load(("operators", service), ())
        if operator not in operators:
            self._store(("operators", service), (*operators, operator))
        self.state.emit(AllocationUpdated(operator, service, strategy, magnitude_wad, effect))

    # --- slashing ----------------------------------------------------------------------

    @external
    @atomic
    def slash(self, avs: str, operator: str, strategy: str, wad_fraction: int, service: int | None = None) -> int:
        """Slash ``wad_fraction`` (wad, in (0, 1e18]) of ``operator``'s allocation to ``avs``'s
        ``service`` (default: the AVS's only service) in ``strategy`` (``slashOperator``); the
        caller is ``avs``. Returns the assets burned (0 when nothing is allocated: EigenLayer
        skips). Every delegator and queued withdrawal of the operator loses the fraction
        ``magnitude slashed / previous max magnitude`` of its shares. Emits OperatorSlashed.
        Raises NotTheCaller, UnknownService, UnknownOperator, UnknownStrategy, InvalidWadToSlash."""
        validate_party(self, avs, "avs")
        record = self._service_of(avs, service)
        if not self.delegation.is_operator(operator):
            raise UnknownOperator(f"{operator!r} is not a registered operator")
        validate_strategy(self.manager.strategies(), strategy)
        validate_wad_to_slash(wad_fraction)
        alloc = self.allocation(operator, record.id, strategy)
        if alloc.current == 0:
            return 0
        info = self._load(("magnitudes", operator, strategy), Magnitudes())
        cut = sharemath.magnitude_to_slash(alloc.current, wad_fraction)
        pending = alloc.pending - mul_div_up(alloc.pending, wad_fraction, WAD)
        self._store(("allocation", operator, record.id, strategy),
                    Allocation(alloc.current - cut, pending, alloc.effect_time if pending else 0))
        self._store(("magnitudes", operator, strategy), evolve(info, max_magnitude=info.max_magnitude - cut))
        shares, assets = self.delegation.slash_operator_shares(
            operator, strategy, info.max_magnitude, info.max_magnitude - cut)
        self.state.emit(OperatorSlashed(record.id, avs, operator, strategy, wad_fraction, cut, shares, assets,
                                        record.slash_condition))
        return assets

    # --- rewards -----------------------------------------------------------------------

    def _stakes(self, service: int, strategy: str) -> list[tuple[str, int]]:
        return [(op, self.allocated_stake(op, service, strategy)) for op in self._load(("operators", service), ())]

    def due_reward(self, service: int, strategy: str, seconds: int) -> int:
        """Assets the service owes for ``seconds`` at its reward rate on the value of the stake
        allocated to it in ``strategy`` (simple interest, floored): what an AVS agent pays."""
        record = self.service(service)
        staked = sum(stake for _, stake in self._stakes(service, strategy))
        value = self.manager.to_assets(strategy, staked)
        return sharemath.annual_reward(value, record.reward_rate_bps, seconds, SECONDS_PER_YEAR)

    @external
    @atomic
    def reward(self, service: int, strategy: str, assets: int) -> int:
        """Pay ``assets`` of the strategy's token from the service's AVS (the caller) to the
        operators allocated to ``service`` and their delegators (module docstring); returns the
        strategy shares minted. Emits RewardsSubmitted. Raises NotTheCaller, UnknownService,
        UnknownStrategy, InvalidAmount, InsufficientBalance, NoRewardableStake, NewSharesZero."""
        record = self.service(service)
        validate_party(self, record.avs, "avs")
        validate_strategy(self.manager.strategies(), strategy)
        validate_positive(assets, "assets")
        stakes = [(op, stake) for op, stake in self._stakes(service, strategy) if stake]
        total = sum(stake for _, stake in stakes)
        if total == 0:
            raise NoRewardableStake(f"no operator has stake allocated to service {service} in {strategy!r}")
        minted = self.manager.deposit_rewards(record.avs, strategy, assets)
        parts = [mul_div_down(minted, stake, total) for _, stake in stakes]
        largest = max(range(len(stakes)), key=lambda i: stakes[i][1])
        parts[largest] += minted - sum(parts)
        split = self._load("params").operator_split_bps
        for (op, _), part in zip(stakes, parts):
            if part:
                self.delegation.credit_rewards(op, strategy, part, split)
        self.state.emit(RewardsSubmitted(service, record.avs, strategy, assets, minted))
        return minted

    # --- governance and graph ----------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return ALLOCATION_PARAM_SPECS

    def get_param(self, name: str) -> int:
        value: int = getattr(self._load("params"), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        self._store("params", evolve(self._load("params"), **{name: value}))

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``operator -> avs`` (allocated-to: service, strategy, magnitude, shares at stake)."""
        for record in self.services():
            for op in self._load(("operators", record.id), ()):
                for strategy in self.manager.strategies():
                    magnitude = self.allocation(op, record.id, strategy).current
                    if magnitude:
                        yield op, record.avs, "allocated-to", {
                            "service": record.id, "strategy": strategy, "magnitude": magnitude,
                            "shares": self.allocated_stake(op, record.id, strategy)}
