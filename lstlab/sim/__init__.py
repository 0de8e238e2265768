"""Simulation: backtests, scenario files and their schema, sweeps."""
