"""Every malformed or forbidden call: a typed error and an unchanged state digest."""

from __future__ import annotations

import pytest

import chain
from lst import (
    Issuer,
    ReportOutOfBounds,
    StakingPaused,
    UnknownOperator,
    WithdrawalQueue,
    WrongToken,
    ZeroDeposit,
)

from .conftest import ETH, make_world, unchanged

CASES = [
    ("submit zero", lambda i, q: i.submit("alice", 0), ZeroDeposit),
    ("submit negative", lambda i, q: i.submit("alice", -1), chain.InvalidAmount),
    ("submit float", lambda i, q: i.submit("alice", 1.0), chain.InvalidAmount),
    ("submit bool", lambda i, q: i.submit("alice", True), chain.InvalidAmount),
    ("submit past uint256", lambda i, q: i.submit("alice", 2**256), chain.InvalidAmount),
    ("submit unknown user", lambda i, q: i.submit("nobody", ETH), chain.UnknownAccount),
    ("submit beyond balance", lambda i, q: i.submit("alice", 10**28), chain.InsufficientBalance),
    ("transfer beyond shares", lambda i, q: i.transfer("bob", "alice", 1), chain.InsufficientBalance),
    ("transfer to unknown", lambda i, q: i.transfer("alice", "nobody", 1), chain.UnknownAccount),
    ("transfer negative", lambda i, q: i.transfer("alice", "bob", -1), chain.InvalidAmount),
    (
        "transfer_shares beyond",
        lambda i, q: i.transfer_shares("alice", "bob", 10**30),
        chain.InsufficientBalance,
    ),
    ("report negative", lambda i, q: i.report(-1, caller="oracle"), chain.InvalidAmount),
    ("report float", lambda i, q: i.report(1.5, caller="oracle"), chain.InvalidAmount),
    (
        "report negative withdrawn",
        lambda i, q: i.report(0, withdrawn=-1, caller="oracle"),
        chain.InvalidAmount,
    ),
    (
        "report too many validators",
        lambda i, q: i.report(0, cl_validators=1, caller="oracle"),
        ReportOutOfBounds,
    ),
    ("report from stranger", lambda i, q: i.report(0, caller="bob"), chain.Unauthorized),
    ("deposit negative", lambda i, q: i.deposit(-1), chain.InvalidAmount),
    ("operator unknown", lambda i, q: i.operator(9), UnknownOperator),
    ("operator bad name", lambda i, q: i.add_operator("", "bob"), chain.InvalidArgument),
    ("operator bad address", lambda i, q: i.add_operator("x", "nobody"), chain.UnknownAccount),
    ("param unknown", lambda i, q: i.set_param("nope", 1), chain.UnknownParameter),
    ("fee above 100%", lambda i, q: i.set_param("fee_bps", 10_001), chain.ParameterOutOfBounds),
    ("pause not bool", lambda i, q: i.set_param("paused", 2), chain.ParameterOutOfBounds),
    ("lock not from queue", lambda i, q: i.lock_for_withdrawal("bob", 1, 1), chain.Unauthorized),
    ("second queue", lambda i, q: i.attach_queue("bob"), chain.InvalidArgument),
    ("finalize negative", lambda i, q: q.finalize(-1), chain.InvalidAmount),
    ("expected wait negative", lambda i, q: q.expected_wait(-1), chain.InvalidAmount),
]


@pytest.mark.parametrize("name, call, error", CASES, ids=[c[0] for c in CASES])
def test_bad_call(name, call, error):
    """The call raises its typed error and writes nothing."""
    state, _weth, issuer = make_world(operators=1, oracle="oracle")
    issuer.submit("alice", 10 * ETH)
    queue = WithdrawalQueue.deploy(state, "wq", "ethereum", issuer="lido")
    unchanged(state, lambda: call(issuer, queue), error)


def test_paused_blocks_transfer_shares():
    """transfer_shares obeys the pause too."""
    state, _weth, issuer = make_world()
    issuer.submit("alice", ETH)
    issuer.set_param("paused", 1)
    unchanged(state, lambda: issuer.transfer_shares("alice", "bob", 1), StakingPaused)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"bootstrap": -1}, chain.InvalidAmount),
        ({"bootstrap": 10**40}, chain.InsufficientBalance),
        ({"treasury": "nobody"}, chain.UnknownAccount),
        ({"symbol": "WETH"}, WrongToken),
        ({"policy": 3}, chain.InvalidArgument),
        ({"network_stake": -1}, chain.InvalidAmount),
    ],
)
def test_bad_deploy(kwargs, error):
    """A bad deploy raises and registers nothing."""
    state, weth, _issuer = make_world()
    args = {
        "native": weth,
        "funder": "dao",
        "bootstrap": ETH,
        "treasury": "treasury",
        "symbol": "stETH2",
        **kwargs,
    }
    unchanged(state, lambda: Issuer.deploy(state, "lido2", "ethereum", **args), error)


def test_native_of_another_network():
    """The native token must live on the issuer's network."""
    state, weth, _issuer = make_world()
    state.add_network("solana")
    unchanged(
        state,
        lambda: Issuer.deploy(
            state, "x", "solana", native=weth, funder="dao", bootstrap=1, treasury="treasury"
        ),
        chain.WrongNetwork,
    )
