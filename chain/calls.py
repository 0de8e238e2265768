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
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def external(method: F) -> F:
    """Decorate a contract's public action: its body runs in the contract's own call frame."""

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
