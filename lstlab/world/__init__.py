"""The world: the default world builder, its parameters (every figure with its source) and
the names of what it deploys."""

from lstlab.world import names
from lstlab.world.build import World, default_world, start_time
from lstlab.world.params import (
    BridgeParams,
    GovernanceParams,
    LendingParams,
    LstParams,
    OracleMode,
    PoolParams,
    WorldParams,
)

__all__ = ["BridgeParams", "GovernanceParams", "LendingParams", "LstParams", "OracleMode", "PoolParams", "World",
           "WorldParams", "default_world", "names", "start_time"]
