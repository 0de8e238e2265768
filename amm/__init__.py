"""amm: constant-product and StableSwap venues, exact to the wei.

- :class:`Pair` (Uniswap V2 pair: ``mint``/``burn``/``swap``/``skim``/``sync``, flash swaps,
  protocol fee, UQ112.112 accumulators), :class:`Factory` (one pool per pair, ``fee_to``),
  :class:`Router` (optimal liquidity, multi-hop exact-in/exact-out with slippage and deadline);
- pure V2 math in :mod:`amm.library` (``quote``, ``get_amount_out``, ``get_amount_in``...);
- :class:`TwapFeed`, a ``chain.Feed`` over a pair's accumulators;
- arbitrage sizing (:func:`profit_maximizing_trade`, :func:`amount_in_to_price`);
- :class:`StableSwap` (Curve StableSwap with per-coin rates, A ramping) and its math in
  :mod:`amm.stableswap_math`;
- LP analytics (:func:`position_value`, :func:`impermanent_loss`, :func:`fees_earned`).

Who acts (:mod:`chain.calls`): every public action runs in its contract's own call frame, so
only a pool's code moves a pool's tokens. Acting parties (the router's and the StableSwap's
``sender``, a flash swap's ``to`` with a callback) are the caller the chain vouches for; admins
are checked by :class:`chain.Governable` the same way; recipients are accounts or contracts of
the pool's network. Quotes revert with MathOverflow where Router02's SafeMath reverts.

Importing only ``chain``. Example::

    state = chain.State(); state.add_network("ethereum"); state.add_account("alice")
    weth, steth = state.add_token("ethereum", "WETH"), state.add_token("ethereum", "stETH")
    state.mint(weth, "alice", 10**22); state.mint(steth, "alice", 10**22)
    factory = Factory.deploy(state, "factory", "ethereum")
    router = Router.deploy(state, "router", "ethereum", factory="factory")
    router.add_liquidity("alice", weth, steth, 10**21, 10**21, 0, 0, "alice", deadline=state.now)
    with state.tx("alice"):
        router.swap_exact_in("alice", 10**18, 0, [steth, weth], "alice", deadline=state.now)
    curve = StableSwap.deploy(state, "curve", "ethereum", [weth, steth], A=50, fee=4_000_000)
"""

from amm.analytics import fees_earned, impermanent_loss, liquidity_value, position_value, value_in_token1
from amm.arbitrage import amount_in_to_price, arbitrage_profit, profit_maximizing_trade
from amm.errors import (
    AmmError,
    Expired,
    IdenticalTokens,
    InsufficientAmount,
    InsufficientDeposit,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientLiquidityBurned,
    InsufficientLiquidityMinted,
    InsufficientOutputAmount,
    InvalidCoin,
    InvalidPath,
    InvalidRamp,
    KInvariant,
    Locked,
    MathOverflow,
    NoConvergence,
    PairExists,
    ReserveOverflow,
    ReserveUnderflow,
    Slippage,
    TwapNotReady,
)
from amm.events import (
    AddLiquidity,
    Burn,
    FeeToSet,
    Mint,
    PairCreated,
    RampA,
    RemoveLiquidity,
    RemoveLiquidityOne,
    StopRampA,
    Swap,
    Sync,
    TokenExchange,
    TwapUpdated,
)
from amm.factory import Factory
from amm.library import (
    MINIMUM_LIQUIDITY,
    get_amount_in,
    get_amount_out,
    get_amounts_in,
    get_amounts_out,
    quote,
)
from amm.pair import Pair, PairReserves
from amm.router import Router
from amm.stableswap import StableState, StableSwap
from amm.twap import Observation, TwapFeed

__all__ = [
    "MINIMUM_LIQUIDITY",
    "AddLiquidity",
    "AmmError",
    "Burn",
    "Expired",
    "Factory",
    "FeeToSet",
    "IdenticalTokens",
    "InsufficientAmount",
    "InsufficientDeposit",
    "InsufficientInputAmount",
    "InsufficientLiquidity",
    "InsufficientLiquidityBurned",
    "InsufficientLiquidityMinted",
    "InsufficientOutputAmount",
    "InvalidCoin",
    "InvalidPath",
    "InvalidRamp",
    "KInvariant",
    "Locked",
    "MathOverflow",
    "Mint",
    "NoConvergence",
    "Observation",
    "Pair",
    "PairCreated",
    "PairExists",
    "PairReserves",
    "RampA",
    "RemoveLiquidity",
    "RemoveLiquidityOne",
    "ReserveOverflow",
    "ReserveUnderflow",
    "Router",
    "Slippage",
    "StableState",
    "StableSwap",
    "StopRampA",
    "Swap",
    "Sync",
    "TokenExchange",
    "TwapFeed",
    "TwapNotReady",
    "TwapUpdated",
    "amount_in_to_price",
    "arbitrage_profit",
    "fees_earned",
    "get_amount_in",
    "get_amount_out",
    "get_amounts_in",
    "get_amounts_out",
    "impermanent_loss",
    "liquidity_value",
    "position_value",
    "profit_maximizing_trade",
    "quote",
    "value_in_token1",
]
