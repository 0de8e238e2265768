"""chain: the shared, journaled, in-memory chain state that every lstlab package builds on."""

from chain.calls import external
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
    NotTheCaller,
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
from chain.feeds import (
    CompositeFeed,
    Feed,
    FeedUpdated,
    ManualFeed,
    PriceReading,
    VersionedFeed,
    check_answer,
    require_fresh,
)
from chain.fixedpoint import PERCENTAGE_FACTOR, RAY, UINT112_MAX, UINT128_MAX, UINT256_MAX, WAD
from chain.graph import cycles, exposed_to, exposure, holders, network_node, token_node
from chain.immutable import check_record
from chain.journal import Snapshot
from chain.model import DEAD_ADDRESS, ZERO_ADDRESS, ContractInfo, Network, Token
from chain.params import Governable, ParamSpec
from chain.record import Record
from chain.state import State, atomic
from chain.validation import check_amount, check_bps, check_decimals, check_name

__all__ = [
    "DEAD_ADDRESS", "PERCENTAGE_FACTOR", "RAY", "UINT112_MAX", "UINT128_MAX", "UINT256_MAX", "WAD",
    "ZERO_ADDRESS", "Approval", "CompositeFeed", "Contract", "ContractInfo", "DivisionByZero",
    "DuplicateName", "Event", "Feed", "FeedUpdated", "Governable", "InputError",
    "InsufficientAllowance", "InsufficientBalance", "InvalidAmount", "InvalidArgument",
    "InvalidSnapshot", "LstlabError", "ManualFeed", "Network", "NoTransaction", "NotTheCaller",
    "Overflow", "ParamSpec", "ParameterOutOfBounds", "ParameterSet", "PriceReading", "Record", "Revert",
    "Snapshot", "StaleFeed", "State", "Token", "Transfer", "Unauthorized", "UnknownAccount",
    "UnknownContract", "UnknownNetwork", "UnknownParameter", "UnknownToken", "VersionedFeed", "WrongNetwork",
    "atomic", "check_amount", "check_answer", "check_bps", "check_decimals", "check_name",
    "check_record", "cycles", "exposed_to", "exposure", "external", "holders", "network_node",
    "require_fresh", "token_node",
]
