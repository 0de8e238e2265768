"""Who is calling: the chain's call frames, as the EVM's ``msg.sender``.

The state keeps a stack of call frames (addresses):

- ``with state.tx(sender):`` opens the frame of an externally owned account (``sender`` must be
  one: a contract never sends a transaction);
- a contract method decorated with :func:`external` opens the contract's own frame while its
  code runs, so whatever it calls sees the contract as its caller;
- :meth:`chain.Contract.call_back` runs a receiver's code (a flash-loan callback) in the
  receiver's frame.

A public action names its acting party (``user``, ``sender``, ``payer``...) and checks it with
:meth:`chain.Contract.authorize`: inside a frame the party must be the caller; called from
outside every frame, the party must be an externally owned account and the call is that
account's own transaction (a script acting for its user). A contract's address is refused as
an acting party unless that contract's code is the caller: a contract acts only from its own
code.

Token movements follow the same rule (:meth:`chain.ledger.Ledger.transfer`, ``approve``,
``transfer_from``): in an account's frame only that account's tokens move; outside every frame
only an account's tokens; a contract's code moves what its logic decides (the EVM's
``transferFrom`` after the approval its user gave); a token with a controller
(:meth:`chain.State.set_token_controller`) moves, mints and burns only from its controller's
code. ``mint`` and ``burn`` of other tokens are unchecked: contract code and a scenario's
faucet (money from outside the world) use them.

Contract code is trusted: inside a contract's frame any transfer its logic makes is allowed, so
a contract written to steal (a malicious flash-loan receiver contract) could; accounts cannot.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_PACKED = {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD, inspect.Parameter.POSITIONAL_ONLY}
"""Parameter kinds the generated wrapper does not spell out (those methods get the generic one)."""


def external(method: F) -> F:
    """Decorate a contract's public action: its body runs in the contract's own call frame.

    The wrapper takes the method's own parameters (generated from its signature, defaults
    bound once), so a call passes its arguments straight through instead of packing them into
    ``*args, **kwargs``: every public action pays for this wrapper."""
    params = list(inspect.signature(method).parameters.values())
    if not params or any(p.kind in _PACKED or p.name.startswith(("_external_", "_d_", "_method")) for p in params):
        return _generic(method)
    head, call, namespace = [], [], {"_method": method}
    star = False
    for p in params:
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            head.append("*")
            star = True
        if p.default is inspect.Parameter.empty:
            head.append(p.name)
        else:
            namespace[f"_d_{p.name}"] = p.default
            head.append(f"{p.name}=_d_{p.name}")
        call.append(f"{p.name}={p.name}" if p.kind is inspect.Parameter.KEYWORD_ONLY else p.name)
    this = params[0].name
    source = (
        f"def wrapper({', '.join(head)}):\n"
        f"    _external_state_ = {this}.state\n"  # names no parameter can take
        "    _external_frames_ = _external_state_._frames\n"
        "    if not _external_frames_ and not _external_state_._journal.marks:\n"
        "        _external_state_._begin_tx()\n"
        f"    _external_frames_.append({this}.address)\n"
        "    try:\n"
        f"        return _method({', '.join(call)})\n"
        "    finally:\n"
        "        _external_frames_.pop()\n"
    )
    exec(source, namespace)  # noqa: S102 - a wrapper with the method's own signature
    wrapper = functools.update_wrapper(namespace["wrapper"], method)
    return wrapper  # type: ignore[return-value]


def _generic(method: F) -> F:
    """:func:`external` for a method with ``*args``/``**kwargs`` or positional-only parameters, or
    a parameter named like the generated wrapper's own locals."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        state = self.state
        frames = state._frames
        if not frames and not state._journal.marks:
            state._begin_tx()
        frames.append(self.address)
        try:
            return method(self, *args, **kwargs)
        finally:
            frames.pop()

    return wrapper  # type: ignore[return-value]


__all__ = ["external"]
