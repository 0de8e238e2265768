"""Exact fixed-point integer math, the one math module of lstlab.

Rounding is named in every function:

- ``wad_mul``, ``wad_div``, ``ray_mul``, ``ray_div``, ``percent_mul``, ``percent_div``,
  ``ray_to_wad`` round **half up**, exactly as Aave V3's ``WadRayMath`` and
  ``PercentageMath`` (aave-v3-core v3.0.2, ``contracts/protocol/libraries/math``), including
  their overflow reverts at uint256.
- ``*_floor`` / ``*_ceil`` and ``mul_div_down`` / ``mul_div_up`` round toward or away from
  zero as named (Aave v3.4+ ``rayMulFloor``..., Lido ``Math256``, OpenZeppelin ``mulDiv``).
- ``sqrt`` is Uniswap V2's ``Math.sqrt``: the floor of the square root.

All inputs and outputs are Python ints. Units: WAD = 1e18, RAY = 1e27, percentages in basis
points where PERCENTAGE_FACTOR = 1e4 is 100%.
"""

from __future__ import annotations

import math
from typing import NoReturn

from chain.errors import DivisionByZero, Overflow

UINT256_MAX = 2**256 - 1
UINT128_MAX = 2**128 - 1
UINT112_MAX = 2**112 - 1

WAD = 10**18
HALF_WAD = WAD // 2
RAY = 10**27
HALF_RAY = RAY // 2
WAD_RAY_RATIO = 10**9
PERCENTAGE_FACTOR = 10**4
HALF_PERCENTAGE_FACTOR = PERCENTAGE_FACTOR // 2


def _mul_overflow(name: str, a: int, b: int) -> Overflow:
    return Overflow(f"{name}({a}, {b}) overflows uint256: use smaller operands")


def _div_error(name: str, a: int, b: int) -> NoReturn:
    """Raise DivisionByZero (``b`` is 0) or Overflow (``a * unit + b // 2`` past uint256), as
    Aave's ``wadDiv``/``rayDiv``/``percentDiv`` revert, in that order."""
    if b == 0:
        raise DivisionByZero(f"{name} by zero: the divisor must be positive")
    raise Overflow(f"{name}({a}, {b}) overflows uint256: use smaller operands")


# Each function below checks overflow on the product it computes anyway: for b > 0,
# a > (MAX - half) // b  <=>  a * b > MAX - half  (and a * unit + b // 2 > MAX for the divisions),
# so the check costs one comparison; a negative b (outside the uint domain) keeps Aave's formula.
_WAD_MUL_MAX = UINT256_MAX - HALF_WAD
_RAY_MUL_MAX = UINT256_MAX - HALF_RAY
_PERCENT_MUL_MAX = UINT256_MAX - HALF_PERCENTAGE_FACTOR


def wad_mul(a: int, b: int) -> int:
    """a*b/WAD rounded half up (Aave ``wadMul``); reverts on uint256 overflow."""
    product = a * b
    if (product > _WAD_MUL_MAX and b > 0) or (b < 0 and a > _WAD_MUL_MAX // b):
        raise _mul_overflow("wad_mul", a, b)
    return (product + HALF_WAD) // WAD


def wad_div(a: int, b: int) -> int:
    """a*WAD/b rounded half up (Aave ``wadDiv``); reverts on b == 0 or overflow."""
    numerator = a * WAD + b // 2
    if numerator > UINT256_MAX or b == 0:
        _div_error("wad_div", a, b)
    return numerator // b


def ray_mul(a: int, b: int) -> int:
    """a*b/RAY rounded half up (Aave ``rayMul``); reverts on uint256 overflow."""
    product = a * b
    if (product > _RAY_MUL_MAX and b > 0) or (b < 0 and a > _RAY_MUL_MAX // b):
        raise _mul_overflow("ray_mul", a, b)
    return (product + HALF_RAY) // RAY


def ray_div(a: int, b: int) -> int:
    """a*RAY/b rounded half up (Aave ``rayDiv``); reverts on b == 0 or overflow."""
    numerator = a * RAY + b // 2
    if numerator > UINT256_MAX or b == 0:
        _div_error("ray_div", a, b)
    return numerator // b


def ray_mul_floor(a: int, b: int) -> int:
    """a*b/RAY rounded down (Aave v3.4+ ``rayMulFloor``)."""
    return a * b // RAY


def ray_mul_ceil(a: int, b: int) -> int:
    """a*b/RAY rounded up (Aave v3.4+ ``rayMulCeil``)."""
    return -(-(a * b) // RAY)


def ray_div_floor(a: int, b: int) -> int:
    """a*RAY/b rounded down (Aave v3.4+ ``rayDivFloor``)."""
    if b == 0:
        raise DivisionByZero("ray_div_floor by zero: the divisor must be positive")
    return a * RAY // b


def ray_div_ceil(a: int, b: int) -> int:
    """a*RAY/b rounded up (Aave v3.4+ ``rayDivCeil``)."""
    if b == 0:
        raise DivisionByZero("ray_div_ceil by zero: the divisor must be positive")
    return -(-(a * RAY) // b)


def ray_to_wad(a: int) -> int:
    """RAY to WAD rounded half up (Aave ``rayToWad``)."""
    quotient, remainder = divmod(a, WAD_RAY_RATIO)
    return quotient + (1 if remainder >= WAD_RAY_RATIO // 2 else 0)


def wad_to_ray(a: int) -> int:
    """WAD to RAY, exact (Aave ``wadToRay``); reverts on uint256 overflow."""
    result = a * WAD_RAY_RATIO
    if result > UINT256_MAX:
        raise Overflow(f"wad_to_ray({a}) overflows uint256")
    return result


def percent_mul(value: int, bps: int) -> int:
    """value*bps/1e4 rounded half up (Aave ``percentMul``); reverts on overflow."""
    product = value * bps
    if (product > _PERCENT_MUL_MAX and bps > 0) or (bps < 0 and value > _PERCENT_MUL_MAX // bps):
        raise _mul_overflow("percent_mul", value, bps)
    return (product + HALF_PERCENTAGE_FACTOR) // PERCENTAGE_FACTOR


def percent_div(value: int, bps: int) -> int:
    """value*1e4/bps rounded half up (Aave ``percentDiv``); reverts on bps == 0 or overflow."""
    numerator = value * PERCENTAGE_FACTOR + bps // 2
    if numerator > UINT256_MAX or bps == 0:
        _div_error("percent_div", value, bps)
    return numerator // bps


def percent_mul_floor(value: int, bps: int) -> int:
    """value*bps/1e4 rounded down (Aave v3.4+ ``percentMulFloor``)."""
    return value * bps // PERCENTAGE_FACTOR


def percent_mul_ceil(value: int, bps: int) -> int:
    """value*bps/1e4 rounded up (Aave v3.4+ ``percentMulCeil``)."""
    return -(-(value * bps) // PERCENTAGE_FACTOR)


def percent_div_floor(value: int, bps: int) -> int:
    """value*1e4/bps rounded down (Aave v3.4+ ``percentDivFloor``)."""
    if bps == 0:
        raise DivisionByZero("percent_div_floor by zero: the divisor must be positive")
    return value * PERCENTAGE_FACTOR // bps


def percent_div_ceil(value: int, bps: int) -> int:
    """value*1e4/bps rounded up (Aave v3.4+ ``percentDivCeil``)."""
    if bps == 0:
        raise DivisionByZero("percent_div_ceil by zero: the divisor must be positive")
    return -(-(value * PERCENTAGE_FACTOR) // bps)


def mul_div_down(a: int, b: int, denominator: int) -> int:
    """floor(a*b/denominator) for non-negative ints; reverts on a zero denominator."""
    if denominator == 0:
        raise DivisionByZero("mul_div_down by zero: the denominator must be positive")
    return a * b // denominator


def mul_div_up(a: int, b: int, denominator: int) -> int:
    """ceil(a*b/denominator) for non-negative ints; reverts on a zero denominator."""
    if denominator == 0:
        raise DivisionByZero("mul_div_up by zero: the denominator must be positive")
    return -(-(a * b) // denominator)


def sqrt(y: int) -> int:
    """floor(sqrt(y)), equal to Uniswap V2's Babylonian ``Math.sqrt`` for every uint."""
    return math.isqrt(y)


def to_float(value: int, decimals: int) -> float:
    """A base-unit int as a float, for reports and analytics only."""
    scale: int = 10**decimals
    return value / scale
