"""The errors of amm/: a package base :class:`AmmError` and leaves with stable codes.

Leaves that mix in :class:`chain.InputError` mean the call was malformed; leaves that mix in
:class:`chain.Revert` mean the pool's state forbids it. Either way nothing was written. Codes
follow Uniswap V2's and Curve's short revert strings where those exist.
"""

from __future__ import annotations

from chain import InputError, LstlabError, Overflow, Revert


class AmmError(LstlabError):
    """Base of every error raised by amm/."""

    code = "AMM"


# --- malformed calls -------------------------------------------------------------------


class IdenticalTokens(AmmError, InputError):
    """Both tokens of a pair are the same token: pass two different tokens."""

    code = "IDENTICAL_ADDRESSES"


class PairExists(AmmError, InputError):
    """The factory already holds a pool for this token pair: use ``factory.get_pair``."""

    code = "PAIR_EXISTS"


class InvalidPath(AmmError, InputError):
    """A swap path is shorter than two tokens or has a hop with no pool: pass a path of pooled pairs."""

    code = "INVALID_PATH"


class InsufficientInputAmount(AmmError, InputError):
    """The input amount is zero, or nothing was sent to the pair before ``swap``: send tokens first."""

    code = "INSUFFICIENT_INPUT_AMOUNT"


class InsufficientOutputAmount(AmmError, InputError):
    """The requested output is zero (both outputs of a swap are zero): ask for a positive amount."""

    code = "INSUFFICIENT_OUTPUT_AMOUNT"


class InsufficientAmount(AmmError, InputError):
    """A quote of a zero amount: pass a positive amount."""

    code = "INSUFFICIENT_AMOUNT"


class InvalidCoin(AmmError, InputError):
    """A StableSwap coin index is out of range or both indices are equal: pass two distinct indices."""

    code = "INVALID_COIN"


# --- reverts -----------------------------------------------------------------------------


class InsufficientLiquidity(AmmError, Revert):
    """A reserve is zero or the requested output is not below it: trade less."""

    code = "INSUFFICIENT_LIQUIDITY"


class KInvariant(AmmError, Revert):
    """The swap would lower the fee-adjusted product of reserves: send more input or ask for less."""

    code = "K"


class MathOverflow(AmmError, Overflow):
    """An intermediate product or sum of a quote exceeds uint256 (Router02's ``ds-math-mul-overflow``
    / ``ds-math-add-overflow``): quote smaller amounts."""

    code = "DS_MATH_OVERFLOW"


class ReserveUnderflow(AmmError, Revert):
    """A pair holds less of a token than its reserve, so ``balance - reserve`` underflows (V2's
    ``ds-math-sub-underflow`` in ``skim``): ``sync`` the pair or send it the missing tokens."""

    code = "DS_MATH_SUB_UNDERFLOW"


class ReserveOverflow(AmmError, Overflow):
    """A pair balance exceeds uint112: ``skim`` the excess or trade smaller amounts."""

    code = "OVERFLOW"


class InsufficientLiquidityMinted(AmmError, Revert):
    """The deposit would mint no LP token: deposit more of both tokens."""

    code = "INSUFFICIENT_LIQUIDITY_MINTED"


class InsufficientLiquidityBurned(AmmError, Revert):
    """Burning this LP amount returns zero of a token: send more LP tokens to the pair first."""

    code = "INSUFFICIENT_LIQUIDITY_BURNED"


class Locked(AmmError, Revert):
    """The pool was re-entered from a flash-swap callback: call another pool or finish first."""

    code = "LOCKED"


class Expired(AmmError, Revert):
    """The deadline is before ``state.now``: resubmit with a later deadline."""

    code = "EXPIRED"


class Slippage(AmmError, Revert):
    """The executed amount is worse than the minimum (or maximum) the caller allowed: widen it or retry."""

    code = "SLIPPAGE"


class NoConvergence(AmmError, Revert):
    """Curve's Newton iteration did not converge in 255 rounds: the pool is degenerate."""

    code = "NO_CONVERGENCE"


class InvalidRamp(AmmError, Revert):
    """An A ramp breaks MIN_RAMP_TIME, MAX_A or MAX_A_CHANGE: ramp later, slower or by less."""

    code = "RAMP"


class InsufficientDeposit(AmmError, Revert):
    """A StableSwap deposit does not raise D (or the first deposit lacks a coin): deposit every coin."""

    code = "INSUFFICIENT_DEPOSIT"


class TwapNotReady(AmmError, Revert):
    """The TWAP feed has no window yet, or the window has not elapsed: call ``update`` later."""

    code = "TWAP_NOT_READY"
