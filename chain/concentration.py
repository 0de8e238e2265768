"""Concentration of stake or voting power, exact in wad: shares, Herfindahl index, Nakamoto
coefficient. Used for operators' stake (lst) and delegated votes (governance)."""

from __future__ import annotations

from collections.abc import Sequence

from chain.fixedpoint import WAD, mul_div_down


def share_of(part: int, whole: int) -> int:
    """``part/whole`` in wad, floored (0 when ``whole`` is 0)."""
    return mul_div_down(part, WAD, whole) if whole else 0


def herfindahl(stakes: Sequence[int]) -> int:
    """Herfindahl-Hirschman index of ``stakes`` in wad (1e18 = one holder), floored."""
    total = sum(stakes)
    if total == 0:
        return 0
    return sum(s * s for s in stakes) * WAD // (total * total)


def nakamoto(stakes: Sequence[int], numerator: int = 1, denominator: int = 3) -> int:
    """Fewest holders whose stake together exceeds ``numerator/denominator`` of the total
    (1/3 halts a BFT chain, 1/2 carries a vote); 0 when there is no stake."""
    total = sum(stakes)
    if total == 0:
        return 0
    running = 0
    for count, stake in enumerate(sorted(stakes, reverse=True), start=1):
        running += stake
        if running * denominator > total * numerator:
            return count
    return len(stakes)
