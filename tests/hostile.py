"""The hostile actor's step, shared by the packages' hostile-actor tests."""

from __future__ import annotations

from collections.abc import Callable

from chain import LstlabError, State


def attempt(state: State, sender: str | None, action: Callable[[], object]) -> bool:
    """Run ``action`` in ``sender``'s transaction (an account) or from a script (None or a
    contract's address, which sends no transaction). True when it succeeded; on a typed error
    the state is exactly as before and no call frame or snapshot is left open. Any other
    exception propagates (a test failure)."""
    before = state.digest()
    try:
        if sender is not None and state.is_account(sender):
            with state.tx(sender):
                action()
        else:
            action()
    except LstlabError:
        assert state.digest() == before
        return False
    finally:
        assert not state.in_transaction and state.caller is None
    return True
