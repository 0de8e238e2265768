"""chain: the shared, journaled, in-memory chain state that every lstlab package builds on."""

from chain.contract import Contract
from chain.errors import (
    DivisionByZero,
    DuplicateName,
    InputError,
    InsufficientAllowance,
    InsufficientBalance,
    InvalidAmount,
    InvalidArgument,
    InvalidSnapshot,
    LstlabError,
    NoTransaction,
    Overflow,
    ParameterOutOfBounds,
    Revert,
    StaleFeed,
    Unauthorized,
    UnknownAccount,
    UnknownContract,
    UnknownNetwork,
    UnknownParameter,
    UnknownToken,
    WrongNetwork,
)
from chain.events import Approval, Event, ParameterSet, Transfer
from chain.feeds import CompositeFeed, Feed, FeedUpdated, ManualFeed, PriceReading, require_fresh
from chain.fixedpoint import PERCENTAGE_FACTOR, RAY, UINT112_MAX, UINT128_MAX, UINT256_MAX, WAD
from chain.graph import cycles, exposed_to, exposure, holders, network_node, token_node
from chain.journal import Snapshot
from chain.model import DEAD_ADDRESS, ZERO_ADDRESS, ContractInfo, Network, Token
from chain.params import Governable, ParamSpec
from chain.state import State, atomic
from chain.validation import check_amount, check_bps, check_decimals, check_name

__all__ = [
    "Approval", "CompositeFeed", "Contract", "ContractInfo", "DEAD_ADDRESS", "DivisionByZero",
    "DuplicateName", "Event", "Feed", "FeedUpdated", "Governable", "InputError",
    "InsufficientAllowance", "InsufficientBalance", "InvalidAmount", "InvalidArgument",
    "InvalidSnapshot", "LstlabError", "ManualFeed", "Network", "NoTransaction", "Overflow",
    "PERCENTAGE_FACTOR", "ParamSpec", "ParameterOutOfBounds", "ParameterSet", "PriceReading",
    "RAY", "Revert", "Snapshot", "StaleFeed", "State", "Token", "Transfer", "UINT112_MAX",
    "UINT128_MAX", "UINT256_MAX", "Unauthorized", "UnknownAccount", "UnknownContract",
    "UnknownNetwork", "UnknownParameter", "UnknownToken", "WAD", "WrongNetwork", "ZERO_ADDRESS",
    "atomic", "check_amount", "check_bps", "check_decimals", "check_name", "cycles", "exposed_to", "exposure",
    "holders", "network_node", "require_fresh", "token_node",
]
