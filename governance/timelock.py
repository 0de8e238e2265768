"""A timelock (Compound's ``Timelock.sol`` as Governor Bravo uses it) that applies batches
of parameter changes.

Its admin (the governor) queues a batch of actions with an eta ``now + delay``; the batch
may run from the eta until ``eta + GRACE_PERIOD`` (inclusive, as Compound). Only the admin
drives it, and the chain vouches for the admin (:mod:`chain.calls`): a contract admin calls
``queue``, ``execute`` and ``cancel`` from its own code (the governor does, from its public
actions); naming it from anywhere else is refused. Running a batch sets each parameter from
the timelock's own frame, so each target's ``set_param`` sees the timelock as its
``msg_sender`` (and checks it again): a target hands control to governance with
``target.set_param_admin(timelock.address)``. The whole batch applies or nothing does. The delay is itself a governable parameter whose
admin is the timelock, so only a proposal can change it (Compound ``setDelay``).
"""

from __future__ import annotations

from collections.abc import Mapping

from chain import Contract, Governable, ParamSpec, State, Unauthorized, external
from governance.errors import InvalidProposal, InvalidSetting, StaleBatch, TimelockNotReady, UnknownBatch
from governance.events import BatchCanceled, BatchExecuted, BatchQueued
from governance.records import Action, Admin, Delay, QueuedBatch

DAY = 86_400
GRACE_PERIOD = 14 * DAY
"""Seconds after the eta during which a batch may still run (Compound ``GRACE_PERIOD``)."""
MINIMUM_DELAY = 2 * DAY
MAXIMUM_DELAY = 30 * DAY


class Timelock(Governable, Contract):
    """Holds queued batches of actions for ``delay`` seconds; only the admin drives it."""

    kind = "timelock"

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, admin: str, delay: int) -> Timelock:
        """Register a timelock driven by ``admin`` with ``delay`` seconds in [2 days, 30 days].

        Raises InvalidSetting, UnknownAccount, DuplicateName; writes nothing on error.
        """
        state.require_address(admin)
        if type(delay) is not int or not MINIMUM_DELAY <= delay <= MAXIMUM_DELAY:
            raise InvalidSetting(
                f"timelock delay must be an int in [{MINIMUM_DELAY}, {MAXIMUM_DELAY}] s, got {delay!r}"
            )
        facade = cls(state, address, network)
        with state.atomic():
            state.register_contract(facade)
            facade._store("admin", Admin(admin))
            facade._store("delay", Delay(delay))
            facade.set_param_admin(address)
        return facade

    # --- reads -------------------------------------------------------------------------

    def admin(self) -> str:
        """The address allowed to queue, execute and cancel (the governor)."""
        admin: Admin = self._load("admin")
        return admin.address

    def delay(self) -> int:
        """Seconds between queueing and the earliest execution."""
        delay: Delay = self._load("delay")
        return delay.seconds

    def batch(self, key: int) -> QueuedBatch | None:
        """The batch queued under ``key``, or None."""
        batch: QueuedBatch | None = self._load(("batch", key), None)
        return batch

    # --- Governable ----------------------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        spec = ParamSpec("delay", MINIMUM_DELAY, MAXIMUM_DELAY, "s", "seconds from queue to execution")
        return {"delay": spec}

    def get_param(self, name: str) -> int:
        return self.delay()

    def _apply_param(self, name: str, value: int) -> None:
        self._store("delay", Delay(value))

    # --- writes (admin only) -------------------------------------------------------------

    def _require_admin_caller(self, caller: str | None) -> None:
        """Raise unless the caller the chain vouches for (``caller`` when named, which must be
        the caller: NotTheCaller; else the msg_sender) is the admin (Unauthorized)."""
        if caller is not None and not (isinstance(caller, str) and self.state.has_address(caller)):
            raise Unauthorized(f"{caller!r} is no account of this state; only {self.admin()!r} drives "
                               f"timelock {self.address!r}")
        who = self.acting(caller)
        if who != self.admin():
            raise Unauthorized(
                f"{who!r} may not drive timelock {self.address!r}: only {self.admin()!r} may, from its own code"
            )

    def _require_batch(self, key: int) -> QueuedBatch:
        batch = self.batch(key)
        if batch is None:
            raise UnknownBatch(f"timelock {self.address!r} holds no batch {key!r}")
        return batch

    @external
    def queue(self, caller: str | None, key: int, actions: tuple[Action, ...]) -> int:
        """Hold ``actions`` under ``key`` until ``now + delay``; returns that eta (Unix s).

        Only the admin, from its own code (``caller`` may name it; None: the msg_sender).
        Raises NotTheCaller, Unauthorized, InvalidProposal (actions not Action records);
        emits BatchQueued.
        """
        self._require_admin_caller(caller)
        actions = tuple(actions) if isinstance(actions, (list, tuple)) else actions
        if not isinstance(actions, tuple) or not all(isinstance(a, Action) for a in actions):
            raise InvalidProposal(f"a batch is a list of governance.Action records, got {actions!r:.80}")
        eta = self.state.now + self.delay()
        self._store(("batch", key), QueuedBatch(tuple(actions), eta))
        self.state.emit(BatchQueued(self.address, key, eta))
        return eta

    @external
    def execute(self, caller: str | None, key: int) -> None:
        """Apply every action of batch ``key``, atomically, between its eta and eta + grace.

        Only the admin, from its own code (as :meth:`queue`). Each action's ``set_param``
        runs in this timelock's frame, so the target sees the timelock as its caller.
        Raises NotTheCaller, Unauthorized, UnknownBatch, TimelockNotReady, StaleBatch, and any
        error of an action's ``set_param`` (then nothing is written); emits ParameterSet per
        action and BatchExecuted.
        """
        self._require_admin_caller(caller)
        batch = self._require_batch(key)
        now = self.state.now
        if now < batch.eta:
            raise TimelockNotReady(
                f"batch {key} may run from {batch.eta}, it is {now}: advance {batch.eta - now} s"
            )
        if now > batch.eta + GRACE_PERIOD:
            raise StaleBatch(f"batch {key} could run until {batch.eta + GRACE_PERIOD}, it is {now}")
        with self.state.atomic():
            self._store(("batch", key), None)
            for action in batch.actions:
                target = self.state.contract(action.target)
                target.set_param(action.name, action.value)  # type: ignore[attr-defined]  # a Governable
            self.state.emit(BatchExecuted(self.address, key))

    @external
    def cancel(self, caller: str | None, key: int) -> None:
        """Drop batch ``key`` (only the admin, from its own code, as :meth:`queue`).

        Raises NotTheCaller, Unauthorized, UnknownBatch; emits BatchCanceled."""
        self._require_admin_caller(caller)
        self._require_batch(key)
        self._store(("batch", key), None)
        self.state.emit(BatchCanceled(self.address, key))
