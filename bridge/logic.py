"""Pure bridge arithmetic: fees, rate-limit windows, and due times.

No function here writes; the facade reads records, calls these, then writes the results.
"""

from __future__ import annotations

import attrs

from bridge.records import DEPOSIT, Config, Message, Window
from chain import State
from chain.fixedpoint import percent_mul_ceil


def fee_of(config: Config, amount: int) -> int:
    """The fee on ``amount`` wei: ``fee_fixed + ceil(amount * fee_bps / 10_000)``.

    Rounded up, so the bridge never keeps less than its rate.
    """
    return config.fee_fixed + percent_mul_ceil(amount, config.fee_bps)


def window_after(config: Config, window: Window | None, now: int, amount: int) -> Window:
    """The window record once ``amount`` wei (gross) are sent at ``now``.

    Windows are fixed: number ``now // rate_limit_window``; a new window starts empty.
    The caller compares ``used`` with the direction's limit.
    """
    index = now // config.rate_limit_window
    used = window.used if window is not None and window.index == index else 0
    return Window(index, used + amount)


def receiving_network(direction: str, source: str, destination: str) -> str:
    """The network a message of ``direction`` arrives on."""
    return destination if direction == DEPOSIT else source


def due_time(state: State, config: Config, direction: str, network: str) -> tuple[int, int | None]:
    """``(deliverable_at, deliverable_block)`` of a message posted now.

    In block mode (``*_blocks`` > 0) the block of the receiving network decides, and
    ``deliverable_at`` is the latest time that block can start (now + blocks * block_time).
    """
    seconds, blocks = config.latency(direction)
    now = state.now
    if blocks:
        block_time = state.network(network).block_time
        return now + blocks * block_time, state.block_number(network) + blocks
    return now + seconds, None


def delayed(state: State, message: Message, seconds: int, network: str) -> Message:
    """``message`` due ``seconds`` later (block mode: ceil(seconds / block_time) blocks later)."""
    block = message.deliverable_block
    if block is not None:
        block_time = state.network(network).block_time
        block += -(-seconds // block_time)
    return attrs.evolve(message, deliverable_at=message.deliverable_at + seconds, deliverable_block=block)


def is_due(state: State, message: Message, network: str) -> bool:
    """True once the receiving ``network`` has reached the message's due block or time."""
    if message.deliverable_block is not None:
        return state.block_number(network) >= message.deliverable_block
    return state.now >= message.deliverable_at
