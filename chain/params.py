"""Governable parameters: how a contract declares what governance may change.

A contract mixes in :class:`Governable`, lists its parameters with bounds in
``param_specs()``, reads them in ``get_param`` and writes them in ``_apply_param``. Anyone
may then call ``set_param(name, value, caller)``: the name must be declared, the value an
int within the bounds, and the caller the contract's parameter admin when one is set (a
governor's timelock, typically). The caller is the one the chain vouches for
(:mod:`chain.calls`): the ``msg_sender`` of the call, or a named ``caller`` that
:meth:`chain.Contract.authorize` accepts, so a contract admin (a timelock) sets parameters
only from its own code. The change is journaled and emits ``ParameterSet``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from chain.calls import external
from chain.errors import ParameterOutOfBounds, Unauthorized, UnknownParameter
from chain.events import ParameterSet

if TYPE_CHECKING:
    from chain.journal import MISSING
    from chain.state import State


@attrs.frozen
class ParamSpec:
    """A governable parameter: an int in [lo, hi], with its unit (``bps``, ``wei``, ``s``...)."""

    name: str
    lo: int
    hi: int
    unit: str = ""
    doc: str = ""


@attrs.frozen
class _Admin:
    address: str | None


class Governable:
    """Mixin for :class:`chain.contract.Contract` subclasses with governable parameters."""

    if TYPE_CHECKING:  # what the mixin uses of the Contract it is mixed into
        state: State
        address: str

        def _load(self, key: Any, default: Any = MISSING) -> Any: ...

        def _store(self, key: Any, record: Any) -> None: ...

        def acting(self, caller: Any = None, role: str = "caller") -> str | None: ...

    def param_specs(self) -> Mapping[str, ParamSpec]:
        """Every parameter governance may set, by name."""
        raise NotImplementedError

    def get_param(self, name: str) -> int:
        """The current value of a declared parameter."""
        raise NotImplementedError

    def _apply_param(self, name: str, value: int) -> None:
        """Write a validated value (called by ``set_param`` only)."""
        raise NotImplementedError

    def param_admin(self) -> str | None:
        """Who may set parameters (None: anyone; scenarios use this)."""
        admin: _Admin = self._load("governable.admin", _Admin(None))
        return admin.address

    @external
    def set_param_admin(self, new_admin: str | None, caller: str | None = None) -> None:
        """Hand parameter control to ``new_admin`` (only the current admin may, once set)."""
        self._require_admin(caller)
        if new_admin is not None:
            self.state.require_address(new_admin)
        self._store("governable.admin", _Admin(new_admin))

    def _require_admin(self, caller: str | None) -> None:
        """Raise unless the admin is unset or is who the chain says is calling: ``caller`` when
        named (NotTheCaller unless :meth:`chain.Contract.authorize` vouches for it), else the
        ``msg_sender``; Unauthorized for anyone else."""
        admin = self.param_admin()
        if admin is None:
            return
        if caller is not None and not (isinstance(caller, str) and self.state.has_address(caller)):
            raise Unauthorized(f"{caller!r} is no account of this state and may not set parameters of "
                               f"{self.address!r}: only {admin!r} may")
        acting = self.acting(caller, "caller")
        if acting != admin:
            raise Unauthorized(
                f"{acting!r} may not set parameters of {self.address!r}: only {admin!r} may"
            )

    def check_param(self, name: str, value: object) -> ParamSpec:
        """Raise unless ``name`` is declared and ``value`` an int within its bounds."""
        specs = self.param_specs()
        spec = specs.get(name)
        if spec is None:
            raise UnknownParameter(
                f"{self.address!r} declares no parameter {name!r}; it declares: {', '.join(sorted(specs))}"
            )
        if type(value) is not int or not spec.lo <= value <= spec.hi:
            raise ParameterOutOfBounds(
                f"{name} of {self.address!r} must be an int in [{spec.lo}, {spec.hi}] {spec.unit}, "
                f"got {value!r}"
            )
        return spec

    @external
    def set_param(self, name: str, value: int, caller: str | None = None) -> None:
        """Validate and set one parameter; emits ``ParameterSet``. Writes nothing on error."""
        self.check_param(name, value)
        self._require_admin(caller)
        old = self.get_param(name)
        self._apply_param(name, value)
        self.state.emit(ParameterSet(self.address, name, old, value))
