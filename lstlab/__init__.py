"""lstlab: the composition layer, one folder per job.

Imports point down: ``cli`` -> ``sim``, ``audit``, ``records``, ``report`` -> ``agents``,
``strategies``, ``market`` -> ``world`` -> the protocol packages (``chain``, ``lst``,
``lending``, ``amm``, ``bridge``, ``governance``).

- ``world/``: the default world builder, its parameters (each figure with its source), names;
- ``strategies/``: the leveraged loop (open, unwind, rebalance) and its closed forms;
- ``agents/``: arbitrageur, liquidator, relayer, background flows, populations, scheduled events;
- ``market/``: price tables, shipped data, stochastic processes and their calibration;
- ``sim/``: backtests, scenario files and their schema, sweeps;
- ``audit/``: probes (thresholds, cascades, dependency paths);
- ``report/``: summaries, figures, HTML pages;
- ``cli/``: the ``lstlab`` command, one module per command group.
"""
