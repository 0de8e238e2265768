"""Every bad call raises a typed error and leaves the state digest unchanged."""

from __future__ import annotations

import pytest

from bridge import (
    DEPOSIT,
    AlreadyDelivered,
    BridgePaused,
    L1TokenBridge,
    MessageNotPending,
    NotYetDeliverable,
    RateLimited,
    UnknownDirection,
    UnknownMessage,
    UnsupportedToken,
)
from chain import (
    Contract,
    DuplicateName,
    InputError,
    InsufficientBalance,
    InvalidAmount,
    InvalidArgument,
    ParameterOutOfBounds,
    Revert,
    Token,
    Unauthorized,
    UnknownAccount,
    UnknownContract,
    UnknownNetwork,
    UnknownParameter,
    UnknownToken,
    WrongNetwork,
)
from tests.bridge.conftest import LATENCY, make_world

UNIT = 10**18


def _world_with_traffic():
    w = make_world(deposit_limit_per_window=50 * UNIT)
    state, bridge = w.state, w.bridge
    state.register_contract(Contract(state, "vault-l1", "ethereum"))
    state.register_contract(Contract(state, "market-l2", "optimism"))
    state.add_token("ethereum", "USDC", 6)
    done = bridge.deposit("alice", 10 * UNIT)
    state.advance(LATENCY)
    bridge.relay()
    dropped = bridge.deposit("alice", UNIT)
    bridge.drop(dropped)
    early = bridge.deposit("alice", UNIT)
    return w, done, dropped, early


W, DONE, DROPPED, EARLY = _world_with_traffic()
BRIDGE = W.bridge
FOREIGN = Token("arbitrum", "wstETH")

CASES = [
    ("wrong network token", lambda b: b.deposit("alice", UNIT, token=W.wrapped), WrongNetwork),
    ("unknown token", lambda b: b.deposit("alice", UNIT, token=FOREIGN), UnknownToken),
    (
        "unsupported token",
        lambda b: b.deposit("alice", UNIT, token=b.state.token("ethereum", "USDC")),
        UnsupportedToken,
    ),
    ("withdraw canonical", lambda b: b.withdraw("alice", UNIT, token=W.canonical), WrongNetwork),
    ("zero amount", lambda b: b.deposit("alice", 0), InvalidAmount),
    ("negative amount", lambda b: b.deposit("alice", -1), InvalidAmount),
    ("float amount", lambda b: b.deposit("alice", 1.0), InvalidAmount),
    ("bool amount", lambda b: b.withdraw("alice", True), InvalidAmount),
    ("past uint256", lambda b: b.deposit("alice", 2**256), InvalidAmount),
    ("unknown sender", lambda b: b.deposit("mallory", UNIT), UnknownAccount),
    ("recipient contract of source", lambda b: b.deposit("alice", UNIT, "vault-l1"), WrongNetwork),
    ("withdraw to destination contract", lambda b: b.withdraw("alice", UNIT, "market-l2"), WrongNetwork),
    ("over the rate limit", lambda b: b.deposit("alice", 39 * UNIT), RateLimited),
    ("over the balance", lambda b: b.withdraw("alice", 10 * UNIT + 1), InsufficientBalance),
    ("delivering twice", lambda b: b.deliver(DONE), AlreadyDelivered),
    ("delivering a dropped message", lambda b: b.deliver(DROPPED), MessageNotPending),
    ("delivering early", lambda b: b.deliver(EARLY), NotYetDeliverable),
    ("unknown message", lambda b: b.deliver(999), UnknownMessage),
    ("message id of wrong type", lambda b: b.retry("1"), UnknownMessage),
    ("unknown direction", lambda b: b.pause("sideways", "guardian"), UnknownDirection),
    ("unknown parameter", lambda b: b.set_param("fee", 1, "dao"), UnknownParameter),
    ("fee past 100%", lambda b: b.set_param("fee_bps", 10_001, "dao"), ParameterOutOfBounds),
    ("parameter by non-admin", lambda b: b.set_param("fee_bps", 1, "alice"), Unauthorized),
    ("negative delay", lambda b: b.delay(EARLY, -1), InvalidAmount),
    ("exploit mint zero", lambda b: b.exploit_mint("bob", 0), InvalidAmount),
    ("exploit mint to source contract", lambda b: b.exploit_mint("vault-l1", UNIT), WrongNetwork),
    ("drain past escrow", lambda b: b.exploit_drain("bob", 10**30), InsufficientBalance),
    ("push rate to a non-feed", lambda b: b.push_rate("market-l2"), InvalidArgument),
    ("push rate to nothing", lambda b: b.push_rate("nowhere"), UnknownContract),
    ("relayed feed on wrong network", lambda b: b.deploy_rate_feed("r", "vault-l1"), InvalidArgument),
]


@pytest.mark.parametrize(("name", "call", "error"), CASES, ids=[c[0] for c in CASES])
def test_bad_call_is_typed_and_writes_nothing(name, call, error) -> None:
    """The call raises exactly its typed error and the state digest is unchanged."""
    state = W.state
    digest = state.digest()
    with pytest.raises(error) as info:
        call(BRIDGE)
    assert type(info.value) is error
    assert isinstance(info.value, (InputError, Revert))
    assert state.digest() == digest


def test_paused_send_is_typed_and_writes_nothing() -> None:
    """A deposit while deposits are paused raises BridgePaused and writes nothing."""
    w = make_world()
    w.bridge.pause(DEPOSIT, "guardian")
    digest = w.state.digest()
    with pytest.raises(BridgePaused):
        w.bridge.deposit("alice", UNIT)
    assert w.state.digest() == digest


DEPLOYS = [
    ("same network", {"destination": "ethereum"}, InvalidArgument),
    ("unknown destination", {"destination": "solana"}, UnknownNetwork),
    ("canonical of destination", {"canonical": "wrapped"}, WrongNetwork),
    ("unknown canonical", {"canonical": FOREIGN}, UnknownToken),
    ("fee recipient is a contract", {"fee_recipient": "bridge"}, InvalidArgument),
    ("taken l2 address", {"l2_address": "alice"}, DuplicateName),
    ("wrapped symbol taken", {"wrapped_symbol": "wstETH"}, DuplicateName),
    ("bad parameter", {"fee_bps": -1}, ParameterOutOfBounds),
    ("unknown parameter", {"speed": 1}, UnknownParameter),
]


@pytest.mark.parametrize(("name", "override", "error"), DEPLOYS, ids=[d[0] for d in DEPLOYS])
def test_bad_deploy_writes_nothing(name, override, error) -> None:
    """A second bridge deployed with a bad argument raises its typed error and writes nothing."""
    w = make_world()
    state = w.state
    kwargs = {
        "canonical": w.canonical,
        "destination": "optimism",
        "l2_address": "bridge2-l2",
        "fee_recipient": "treasury",
        "wrapped_symbol": "wstETH2",
    }
    kwargs.update(override)
    if kwargs["canonical"] == "wrapped":
        kwargs["canonical"] = w.wrapped
    digest = state.digest()
    with pytest.raises(error):
        L1TokenBridge.deploy(state, "bridge2", "ethereum", **kwargs)
    assert state.digest() == digest
