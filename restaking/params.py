"""The constants and deployed parameters of the restaking package, each with its source.

Semantics follow EigenLayer's slashing release **v1.3.0** of ``Layr-Labs/eigenlayer-contracts``
(tag ``v1.3.0``, commit 9a9707b28fa6acbd512d8983ad7a71d7ecb222ad, 2025-04-03; the mainnet
"slashing" upgrade from 0.5.4, ``script/releases/v1.3.0-slashing/upgrade.json``).
"""

from __future__ import annotations

from chain import WAD

SHARES_OFFSET = 10**3
"""Virtual shares of every strategy against the first-depositor inflation attack
(``src/contracts/strategies/StrategyBase.sol``, ``SHARES_OFFSET = 1e3``)."""

BALANCE_OFFSET = 10**3
"""Virtual balance of every strategy (``StrategyBase.sol``, ``BALANCE_OFFSET = 1e3``)."""

MAX_TOTAL_SHARES = 10**38 - 1
"""Most shares a strategy may have (``StrategyBase.sol``, ``MAX_TOTAL_SHARES = 1e38 - 1``)."""

BURN_ADDRESS = "0x00000000000000000000000000000000000E16E4"
"""Where slashed assets go (``StrategyManagerStorage.sol``, ``DEFAULT_BURN_ADDRESS``): they
leave the strategy but stay in existence, so an LST sent there keeps its issuer's books whole."""

INITIAL_MAX_MAGNITUDE = WAD
"""An operator's max magnitude per strategy before any slash: 1e18 = all of its delegated
stake (``AllocationManager``: ``WAD`` as the initial ``maxMagnitude``)."""

MAINNET_BLOCK_TIME = 12
"""Seconds per Ethereum slot since the Merge (consensus specs, ``SECONDS_PER_SLOT = 12``)."""

MIN_WITHDRAWAL_DELAY_BLOCKS = 100_800
"""Blocks a queued withdrawal waits on mainnet (``script/configs/mainnet.json`` at v1.3.0,
``MIN_WITHDRAWAL_DELAY_BLOCKS: 100800``): 14 days at 12 s."""

WITHDRAWAL_DELAY = MIN_WITHDRAWAL_DELAY_BLOCKS * MAINNET_BLOCK_TIME
"""Seconds a queued withdrawal waits before it can complete: 1,209,600 s = 14 days."""

DEALLOCATION_DELAY = MIN_WITHDRAWAL_DELAY_BLOCKS * MAINNET_BLOCK_TIME
"""Seconds a decrease of an allocation stays slashable before the magnitude is freed: the
v1.3.0 deployment passes ``MIN_WITHDRAWAL_DELAY`` as ``_DEALLOCATION_DELAY``
(``script/releases/v1.3.0-slashing/1-deployContracts.s.sol``): 14 days."""

OPERATOR_SPLIT_BPS = 1000
"""The operators' share of rewards, bps (``script/configs/mainnet.json``,
``GLOBAL_OPERATOR_COMMISSION_BIPS: 1000``; ``RewardsCoordinator.defaultOperatorSplitBips``)."""

SECONDS_PER_YEAR = 365 * 24 * 3600
"""Year of an annual reward rate (365 days, as Aave's ``SECONDS_PER_YEAR``)."""
