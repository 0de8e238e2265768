"""Exact share, fee, sanity and penalty math against published values."""

from __future__ import annotations

import pytest

from lst import sharemath
from lst.sharemath import FEE_PRECISION_POINTS as P

ETH = 10**18


class TestShares:
    def test_conversions_floor(self):
        """Both conversions floor; the round-up twin adds one when inexact."""
        assert sharemath.shares_by_pooled(10, 3, 7) == 4
        assert sharemath.pooled_by_shares(10, 3, 7) == 23
        assert sharemath.pooled_by_shares_up(10, 3, 7) == 24
        assert sharemath.pooled_by_shares_up(3, 3, 6) == 6

    def test_empty_pool_is_one_to_one(self):
        """With nothing pooled a submit mints 1:1 (Lido getSharesByPooledEth on 0)."""
        assert sharemath.shares_by_pooled(123, 0, 0) == 123
        assert sharemath.pooled_by_shares(123, 0, 0) == 123

    def test_transfer_shortfall(self):
        """At T=10, S=3 a transfer of 7 wei moves floor(7*3/10) = 2 shares, worth 6 wei: the
        recipient sees 1 wei less (REFERENCE.md section 5: the 1-2 wei shortfall)."""
        moved = sharemath.shares_by_pooled(7, 3, 10)
        assert moved == 2
        assert sharemath.pooled_by_shares(moved, 3, 10) == 6


class TestFee:
    def test_lido_published_example(self):
        """T=S=1e18, R=1e18, 10% fee: 52631578947368421 shares (REFERENCE.md section 5,
        Lido.sol _distributeFee comment), worth 0.1 ETH of the 2 ETH after the rebase."""
        shares = sharemath.fee_shares(ETH, 10 * P // 100, ETH, ETH)
        assert shares == 52631578947368421
        post_s, post_t = ETH + shares, 2 * ETH
        assert sharemath.pooled_by_shares(shares, post_s, post_t) == 99999999999999999
        assert sharemath.pooled_by_shares(ETH, post_s, post_t) == 1900000000000000000
        parts, treasury = sharemath.split_fee(shares, 5 * P // 100, 10 * P // 100, [1])
        assert parts == [26315789473684210] and treasury == 26315789473684211

    def test_no_fee_cases(self):
        """Zero fee or zero reward mints nothing."""
        assert sharemath.fee_shares(0, P // 10, ETH, ETH) == 0
        assert sharemath.fee_shares(ETH, 0, ETH, ETH) == 0

    def test_split_pro_rata_with_dust_to_treasury(self):
        """Operators get module shares by weight, floored; the treasury takes the rest."""
        parts, treasury = sharemath.split_fee(1001, 50, 100, [1, 2])
        assert parts == [166, 333] and treasury == 502
        assert sharemath.split_fee(1001, 50, 100, [])[1] == 1001


class TestSanity:
    def test_decrease_rounds_up(self):
        """One-off decrease in bps rounds up (OracleReportSanityChecker)."""
        assert sharemath.cl_decrease_bps(10_000, 9_500, 0) == 500
        assert sharemath.cl_decrease_bps(10_001, 9_500, 0) == 501
        assert sharemath.cl_decrease_bps(10_000, 9_500, 500) == 0

    def test_annual_increase(self):
        """10% a year over one day: 10,000 ETH / 3650 in one day is 1000 bps a year; a wei less is 999."""
        day = 86_400
        assert sharemath.annual_increase_bps(10_000 * ETH, 10_000 * ETH + 2739726027397260273, 0, day) == 999
        assert sharemath.annual_increase_bps(10_000 * ETH, 10_000 * ETH + 2739726027397260274, 0, day) == 1000
        assert sharemath.annual_increase_bps(0, 1, 0, 0) == 365 * 24 * 10_000 // 10**9


class TestSlashingMath:
    def test_initial_penalty(self):
        """32 ETH // MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX (32) = 1 ETH."""
        assert sharemath.initial_penalty(32 * ETH, 32) == ETH
        assert sharemath.initial_penalty(32 * ETH, 0) == 0

    @pytest.mark.parametrize(
        "slashed, expected",
        [(32 * ETH, 0), (100 * 32 * ETH, 0), (10_000 * 32 * ETH, 2 * ETH), (10**9 * ETH, 32 * ETH)],
    )
    def test_correlation_penalty(self, slashed, expected):
        """Bellatrix process_slashings on 15M ETH staked: 32 // 1 * min(3x, total) // total * 1 ETH."""
        total = 15_000_000 * ETH
        assert sharemath.correlation_penalty(32 * ETH, slashed, total, 3, ETH) == expected


class TestConcentration:
    def test_herfindahl(self):
        """One holder is 1 wad; ten equal holders 0.1 wad; no stake 0."""
        assert sharemath.herfindahl([5]) == 10**18
        assert sharemath.herfindahl([7] * 10) == 10**17
        assert sharemath.herfindahl([]) == 0

    def test_nakamoto(self):
        """Fewest holders strictly above a third."""
        assert sharemath.nakamoto([1] * 9) == 4
        assert sharemath.nakamoto([40, 30, 30]) == 1
        assert sharemath.nakamoto([1, 1, 1], 1, 2) == 2
        assert sharemath.nakamoto([]) == 0
