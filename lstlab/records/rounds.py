"""Records of a run made of rounds, not time steps (a probe's cascade): round k is step k.

What was pending in the world before the first round is step -1, followed by the opening
holdings; each round's events carry their transaction numbers and each round ends on a
checkpoint, at the prices the world's feeds then read (ETH/USD, the stETH/ETH market feed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lstlab.records.store import EventRecorder
from lstlab.records.valuation import Prices


def feed_prices(world: Any) -> Prices:
    """The ETH/USD and stETH/ETH market feeds' answers, as floats."""
    usd, steth = world.feed("eth-usd").latest(), world.feed("steth-eth-market").latest()
    return Prices(usd.answer / 10**usd.decimals, steth.answer / 10**steth.decimals)


class RoundRecorder:
    """An :class:`EventRecorder` stepped by rounds; ``None`` directory: records nothing."""

    def __init__(self, run_dir: str | Path | None) -> None:
        self.recorder = EventRecorder(run_dir) if run_dir is not None else None

    def _keep(self, world: Any, step: int, **flags: bool) -> None:
        if self.recorder is None:
            return
        state = world.state
        events, txs = state.drain_log()
        self.recorder.record(step, state.now, events, tx=txs, state=state)
        self.recorder.snapshot(world, step, state.now, feed_prices(world), **flags)

    def begin(self, world: Any) -> None:
        """Step -1: what the world had pending, then its opening holdings."""
        self._keep(world, -1, opening=True)

    def round(self, world: Any, number: int) -> None:
        """Round ``number``'s events and the holdings after it."""
        self._keep(world, number, final=True)

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()


__all__ = ["RoundRecorder", "feed_prices"]
