"""Penalties of one slashing event under a chain preset (Bellatrix rules on Ethereum).

ethereum/consensus-specs ``specs/bellatrix/beacon-chain.md``: ``slash_validator`` takes
``effective_balance // MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX`` at once; ``process_slashings``
later takes the correlation penalty on the balance slashed within
``EPOCHS_PER_SLASHINGS_VECTOR``. Here both apply at the event.
"""

from __future__ import annotations

from lst import sharemath
from lst.presets import ChainPreset

Window = tuple[tuple[int, int], ...]
"""Slashings still counted: ``(time, effective balance)`` pairs."""


def event_penalties(
    preset: ChainPreset, window: Window, now: int, count: int, external: int, network_stake: int
) -> tuple[int, int, Window]:
    """For ``count`` validators slashed at ``now``: ``(initial, total per validator, window)``.

    The window keeps the entries younger than ``slashing_window_seconds`` plus this event's;
    the correlation penalty sees their balance plus ``external`` wei slashed elsewhere. The
    total per validator is capped at its effective balance.
    """
    eb = preset.validator_size
    kept = tuple(e for e in window if now - e[0] < preset.slashing_window_seconds) + ((now, eb),) * count
    slashed = sum(b for _, b in kept) + external
    initial = min(sharemath.initial_penalty(eb, preset.penalty_quotient), eb)
    corr = sharemath.correlation_penalty(
        eb, slashed, network_stake, preset.correlation_multiplier, preset.balance_increment
    )
    return initial, min(initial + corr, eb), kept
