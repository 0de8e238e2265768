"""lst: a liquid staking issuer with Lido V2 semantics, generalised to other chains by presets.

Core: :class:`Issuer` (submit native, mint shares; rebasing or value-accruing token; node
operators and validator deposits; oracle reports with the protocol fee; slashing). Periphery:
:class:`Wrapper` (wstETH), :class:`WithdrawalQueue` (request, finalize, claim),
:class:`UnstakePool` (Marinade-style instant unstake), :class:`RateFeed` (the protocol rate as
a ``chain.Feed``), chain presets, allocation policies, and the pure share math.

The rebasing token's LEDGER balances are shares: ``state.balance_of(issuer.token, x)`` returns
x's shares; ``issuer.balance_of(x)`` returns the rebasing balance.

Every public action acts for the caller the chain vouches for (:mod:`chain.calls`): a user,
sender or owner argument must be the caller (or, from a script, an account in its own
transaction); a contract acts only from its own code; oracle reports, queue hooks and operator
changes accept only the oracle, the attached queue and the parameter admin as ``msg_sender``.

    state = chain.State(); state.add_network("ethereum")
    weth = state.add_token("ethereum", "WETH"); ...
    lido = Issuer.deploy(state, "lido", "ethereum", native=weth, funder="dao",
                         bootstrap=10**18, treasury="treasury")
    lido.submit("alice", 32 * 10**18); lido.add_operator("op0", "op0"); lido.deposit()
    state.advance(86_400); lido.report(32 * 10**18 + 8 * 10**15)
"""

from lst import sharemath
from lst.errors import (
    InsufficientBuffer,
    InsufficientLiquidity,
    LstError,
    NoOperators,
    NotRequestOwner,
    ReportOutOfBounds,
    RequestAlreadyClaimed,
    RequestNotFinalized,
    RequestTooLarge,
    RequestTooSmall,
    SlippageExceeded,
    StakeLimitExceeded,
    StakingPaused,
    UnknownOperator,
    UnknownRequest,
    WrongToken,
    ZeroDeposit,
)
from lst.events import (
    LiquidityChanged,
    LiquidUnstaked,
    Submitted,
    TokenRebased,
    TransferShares,
    ValidatorsDeposited,
    ValidatorsExited,
    ValidatorsSlashed,
    WithdrawalClaimed,
    WithdrawalFinalized,
    WithdrawalRequested,
)
from lst.feed import RateFeed
from lst.issuer import Issuer
from lst.operators import AllocationPolicy, least_active_stake, round_robin, single_operator
from lst.presets import (
    CARDANO,
    CBETH,
    COSMOS,
    ETHEREUM,
    MSOL,
    PRESETS,
    PROVIDERS,
    RETH,
    SOLANA,
    STATOM,
    STETH,
    ChainPreset,
    ProviderPreset,
    UnstakeFees,
    derived_report_limit,
)
from lst.queue import MAX_WITHDRAWAL_UNITS, MIN_WITHDRAWAL, WithdrawalQueue, claimable
from lst.records import Concentration, IssuerParams, Operator, Pool, Queue, Request
from lst.unstake import UnstakePool, linear_fee
from lst.wrapper import Wrapper

__all__ = [
    "CARDANO",
    "CBETH",
    "COSMOS",
    "ETHEREUM",
    "MAX_WITHDRAWAL_UNITS",
    "MIN_WITHDRAWAL",
    "MSOL",
    "PRESETS",
    "PROVIDERS",
    "RETH",
    "SOLANA",
    "STATOM",
    "STETH",
    "AllocationPolicy",
    "ChainPreset",
    "Concentration",
    "InsufficientBuffer",
    "InsufficientLiquidity",
    "Issuer",
    "IssuerParams",
    "LiquidUnstaked",
    "LiquidityChanged",
    "LstError",
    "NoOperators",
    "NotRequestOwner",
    "Operator",
    "Pool",
    "ProviderPreset",
    "Queue",
    "RateFeed",
    "ReportOutOfBounds",
    "Request",
    "RequestAlreadyClaimed",
    "RequestNotFinalized",
    "RequestTooLarge",
    "RequestTooSmall",
    "SlippageExceeded",
    "StakeLimitExceeded",
    "StakingPaused",
    "Submitted",
    "TokenRebased",
    "TransferShares",
    "UnknownOperator",
    "UnknownRequest",
    "UnstakeFees",
    "UnstakePool",
    "ValidatorsDeposited",
    "ValidatorsExited",
    "ValidatorsSlashed",
    "WithdrawalClaimed",
    "WithdrawalFinalized",
    "WithdrawalQueue",
    "WithdrawalRequested",
    "Wrapper",
    "WrongToken",
    "ZeroDeposit",
    "claimable",
    "derived_report_limit",
    "least_active_stake",
    "linear_fee",
    "round_robin",
    "sharemath",
    "single_operator",
]
