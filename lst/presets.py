"""Chain presets as data: what differs between liquid staking on Ethereum, Solana, Cosmos and
Cardano is parameters, not code. Figures marked "approx." are round numbers for simulation,
not protocol constants; every constant names its source.
"""

from __future__ import annotations

import attrs

DAY = 86_400


@attrs.frozen
class ChainPreset:
    """Parameters of one chain's staking as the issuer uses them (all ints, base units).

    - ``validator_size``: native wei per validator deposit (the batch unit of deposits);
    - ``epoch_seconds``: length of one consensus epoch;
    - ``unbonding_seconds``: the delay before a withdrawal request may be finalized;
    - ``reward_rate_bps``: yearly staking reward rate (approx.), bps;
    - ``penalty_quotient``: initial slashing penalty = effective balance // quotient (0: none);
    - ``correlation_multiplier``: proportional slashing multiplier (0: no correlation penalty);
    - ``slashing_window_seconds``: how long a slashing counts towards the correlation penalty;
    - ``balance_increment``: the correlation penalty is floored to this (effective balance
      increment);
    - ``network_stake``: the whole network's stake (approx.), for concentration figures.
    """

    name: str
    native_symbol: str
    lst_symbol: str
    decimals: int
    rebasing: bool
    validator_size: int
    epoch_seconds: int
    unbonding_seconds: int
    reward_rate_bps: int
    penalty_quotient: int
    correlation_multiplier: int
    slashing_window_seconds: int
    balance_increment: int
    network_stake: int


ETHER = 10**18

ETHEREUM = ChainPreset(
    name="ethereum",
    native_symbol="ETH",
    lst_symbol="stETH",
    decimals=18,
    rebasing=True,
    # consensus-specs phase0 MAX_EFFECTIVE_BALANCE = 32 ETH (2**5 * 10**9 gwei).
    validator_size=32 * ETHER,
    # SLOTS_PER_EPOCH = 32 x SECONDS_PER_SLOT = 12.
    epoch_seconds=384,
    # MIN_VALIDATOR_WITHDRAWABILITY_DELAY = 256 epochs after exit (phase0 config); the exit
    # queue adds more in practice.
    unbonding_seconds=256 * 384,
    reward_rate_bps=300,  # approx. consensus + execution APR, 2024-2025
    # consensus-specs specs/bellatrix/beacon-chain.md: MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX = 32,
    # PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX = 3.
    penalty_quotient=32,
    correlation_multiplier=3,
    # EPOCHS_PER_SLASHINGS_VECTOR = 2**13 epochs (about 36 days).
    slashing_window_seconds=8192 * 384,
    # EFFECTIVE_BALANCE_INCREMENT = 10**9 gwei = 1 ETH.
    balance_increment=ETHER,
    network_stake=34_000_000 * ETHER,  # approx. staked ETH, 2025 (beaconcha.in)
)

SOLANA = ChainPreset(
    name="solana",
    native_symbol="SOL",
    lst_symbol="mSOL",
    decimals=9,
    rebasing=False,  # Marinade mSOL accrues value: msol_price rises
    # Stake accounts have no fixed size; deposits are batched per whole SOL here.
    validator_size=10**9,
    # DEFAULT_SLOTS_PER_EPOCH = 432,000 slots x 400 ms (solana-sdk epoch_schedule).
    epoch_seconds=172_800,
    # Stake deactivates at the next epoch boundary: Marinade's delayed-unstake ticket waits one epoch.
    unbonding_seconds=172_800,
    reward_rate_bps=700,  # approx. native staking APR
    penalty_quotient=0,  # no protocol slashing enforced on Solana mainnet
    correlation_multiplier=0,
    slashing_window_seconds=172_800,
    balance_increment=1,
    network_stake=380_000_000 * 10**9,  # approx. staked SOL
)

COSMOS = ChainPreset(
    name="cosmos",
    native_symbol="ATOM",
    lst_symbol="stATOM",
    decimals=6,
    rebasing=False,  # Stride stATOM: redemption rate rises
    validator_size=10**6,  # delegations of any size; batched per whole ATOM here
    epoch_seconds=DAY,  # Stride's "day" epoch
    unbonding_seconds=21 * DAY,  # Cosmos Hub x/staking unbonding_time = 1814400s
    reward_rate_bps=1500,  # approx. Cosmos Hub staking APR
    # Cosmos Hub x/slashing slash_fraction_double_sign = 0.05 = 1/20; no correlation term.
    penalty_quotient=20,
    correlation_multiplier=0,
    slashing_window_seconds=21 * DAY,
    balance_increment=1,
    network_stake=270_000_000 * 10**6,  # approx. bonded ATOM
)

CARDANO = ChainPreset(
    name="cardano",
    native_symbol="ADA",
    lst_symbol="stADA",
    decimals=6,
    rebasing=False,
    validator_size=10**6,  # delegation is liquid and of any size; per whole ADA here
    epoch_seconds=5 * DAY,  # 432,000 slots of 1 s (Shelley genesis epochLength)
    unbonding_seconds=0,  # no lock-up: stake stays spendable
    reward_rate_bps=300,  # approx. delegator APR
    penalty_quotient=0,  # Ouroboros has no slashing
    correlation_multiplier=0,
    slashing_window_seconds=5 * DAY,
    balance_increment=1,
    network_stake=22_000_000_000 * 10**6,  # approx. delegated ADA
)

PRESETS = {p.name: p for p in (ETHEREUM, SOLANA, COSMOS, CARDANO)}
"""Every preset by chain name."""
