"""Market data: price tables (load, validate, quality), the shipped data, and seeded price
processes with their calibration."""

from lstlab.market.prices import PriceTable, Quality, load_prices

__all__ = ["PriceTable", "Quality", "load_prices"]
