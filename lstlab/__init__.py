"""lstlab: the composition layer (worlds, strategies, agents, backtests, probes, sweeps, CLI)."""
