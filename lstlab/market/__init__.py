"""Market data: price tables (load, validate, quality), the shipped data, and seeded price
processes with their calibration."""

from lstlab.market.apr import StakingAprProcess, with_staking_apr
from lstlab.market.bootstrap import BootstrapFit, calibrate, simulate_paths
from lstlab.market.drawdowns import DrawdownStats
from lstlab.market.prices import PriceTable, Quality, load_prices

__all__ = ["BootstrapFit", "DrawdownStats", "PriceTable", "Quality", "StakingAprProcess", "calibrate", "load_prices",
           "simulate_paths", "with_staking_apr"]
