"""Agents of the backtest: arbitrageur, liquidator, passive populations."""
