"""Chain and provider presets as data: what differs between liquid staking on Ethereum,
Solana, Cosmos and Cardano, and between Lido, Rocket Pool, Coinbase, Marinade and Stride, is
parameters, not code. Figures marked "approx." are round numbers for simulation, not protocol
constants; every constant names its source.

- :class:`ChainPreset`: one chain's staking (validator size, epoch, unbonding, reward rate,
  slashing rules, block time) and the oracle-report limit derived from its reward rate;
- :class:`ProviderPreset`: one liquid staking provider on a chain (token, fee on rewards, the
  operators' part, how exits work, how often its oracle reports).
"""

from __future__ import annotations

import attrs

DAY = 86_400

LIDO_ANNUAL_INCREASE_LIMIT_BPS = 1000
"""Lido ``OracleReportSanityChecker`` ``annualBalanceIncreaseBPLimit`` = 10% (mainnet), the
issuer's default report limit (``IssuerParams.annual_increase_limit_bps``)."""
REPORT_LIMIT_HEADROOM = 2
"""A chain's report limit allows this many times its yearly reward rate. Reason: one report
annualises the gain of a short interval, which swings with block proposals and MEV around the
yearly rate; Lido's 10% limit sits at about twice the 4-5% APR Ethereum staking paid when the
sanity checker was set (2023), so the same headroom is kept on every chain."""


def derived_report_limit(reward_rate_bps: int) -> int:
    """The annualised CL-increase limit (bps) of a chain with yearly reward rate
    ``reward_rate_bps``: ``max(LIDO_ANNUAL_INCREASE_LIMIT_BPS, REPORT_LIMIT_HEADROOM * rate)``,
    so Ethereum keeps Lido's 1000 and a chain's own reward rate always passes."""
    return max(LIDO_ANNUAL_INCREASE_LIMIT_BPS, REPORT_LIMIT_HEADROOM * reward_rate_bps)


def _derived_limit(preset: ChainPreset) -> int:
    return derived_report_limit(preset.reward_rate_bps)


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
    - ``network_stake``: the whole network's stake (approx.), for concentration figures;
    - ``block_time``: seconds per block (whole seconds: the chain's ``Network`` counts ints);
    - ``report_limit_bps``: the issuer's default annualised CL-increase limit per oracle report,
      :func:`derived_report_limit` of ``reward_rate_bps`` unless given.
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
    block_time: int = 12
    report_limit_bps: int = attrs.field(default=attrs.Factory(_derived_limit, takes_self=True))


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
    block_time=12,  # SECONDS_PER_SLOT = 12 (phase0 config)
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
    # DEFAULT_MS_PER_SLOT = 400 ms (solana-sdk clock), rounded up to the chain's 1 s resolution.
    block_time=1,
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
    block_time=6,  # approx. Cosmos Hub block interval (CometBFT timeout_commit 5 s + rounds)
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
    block_time=20,  # 1 s slots x activeSlotsCoeff 0.05 (Shelley genesis): a block per 20 s on average
)

PRESETS = {p.name: p for p in (ETHEREUM, SOLANA, COSMOS, CARDANO)}
"""Every preset by chain name."""


# --- providers ------------------------------------------------------------------------------


@attrs.frozen
class UnstakeFees:
    """An instant-unstake pool's fee curve (:class:`lst.UnstakePool`): bps at and above the
    liquidity target, bps with no liquidity left, the treasury's cut of the fee (bps)."""

    min_fee_bps: int
    max_fee_bps: int
    treasury_cut_bps: int


@attrs.frozen
class ProviderPreset:
    """One liquid staking provider: what its issuer, queue and oracle use (ints; bps; seconds).

    - ``key``: short name (``"reth"``); ``label``: display name; ``chain``: its chain's preset;
    - ``symbol``, ``rebasing``: the token the issuer mints and whether balances rebase;
    - ``fee_bps``: the provider's cut of staking rewards (the issuer's ``fee_bps``);
    - ``operators_share_bps``: the part of that fee paid to node operators (the rest to the
      provider's treasury);
    - ``exit_delay_seconds``: from an exit request to native paid through the protocol, when
      the protocol has the liquidity (the withdrawal queue's ``finalization_delay``);
    - ``report_epochs``: the oracle reports once per this many chain epochs;
    - ``deposit_fee_bps``: charged on deposits by the real protocol (data for comparisons:
      the issuer mints at the share rate, without it);
    - ``unstake``: the instant-unstake pool's fee curve, when the protocol runs one;
    - ``sources``: ``(field, source)`` pairs naming where each figure comes from.
    """

    key: str
    label: str
    chain: ChainPreset
    symbol: str
    rebasing: bool
    fee_bps: int
    operators_share_bps: int
    exit_delay_seconds: int
    report_epochs: int
    deposit_fee_bps: int = 0
    unstake: UnstakeFees | None = None
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def report_period_seconds(self) -> int:
        """Seconds between two oracle reports: ``report_epochs`` chain epochs."""
        return self.report_epochs * self.chain.epoch_seconds

    @property
    def net_reward_rate_bps(self) -> int:
        """The chain's reward rate after the provider's fee, bps (floor): what holders earn."""
        return self.chain.reward_rate_bps * (10_000 - self.fee_bps) // 10_000

    def source(self, name: str) -> str:
        """Where figure ``name`` comes from ("" if no source is recorded)."""
        return dict(self.sources).get(name, "")


LIDO_FRAME_EPOCHS = 225
"""Lido AccountingOracle frame: 225 epochs (one day of 384 s epochs), mainnet HashConsensus."""

STETH = ProviderPreset(
    key="steth",
    label="Lido stETH",
    chain=ETHEREUM,
    symbol="stETH",
    rebasing=True,
    fee_bps=1000,
    operators_share_bps=5000,
    exit_delay_seconds=ETHEREUM.unbonding_seconds,
    report_epochs=LIDO_FRAME_EPOCHS,
    sources=(
        ("fee_bps", "Lido: 10% of rewards, curated module 5% + treasury 5% (REFERENCE 5)"),
        ("operators_share_bps", "Lido: the module's 5% of the 10% fee (REFERENCE 5)"),
        ("exit_delay_seconds", ("MIN_VALIDATOR_WITHDRAWABILITY_DELAY 256 epochs (consensus-specs); "
                               "the exit queue adds more in practice")),
        ("report_epochs", "Lido AccountingOracle frame of 225 epochs (one day)"),
    ),
)

RETH = ProviderPreset(
    key="reth",
    label="Rocket Pool rETH",
    chain=ETHEREUM,
    symbol="rETH",
    rebasing=False,
    fee_bps=1400,
    operators_share_bps=10_000,
    exit_delay_seconds=0,
    report_epochs=LIDO_FRAME_EPOCHS,
    deposit_fee_bps=5,
    sources=(
        ("fee_bps", ("node commission 14% flat for LEB8 minipools since Atlas (2023-04; "
                    "rocketpooluniversity.xyz lesson 5.3, docs.rocketpool.net Atlas)")),
        ("operators_share_bps", ("the commission is paid to node operators, none to a treasury "
                                "(rocketpooluniversity.xyz 5.3)")),
        ("exit_delay_seconds", ("rETH burns against the deposit pool and the rETH contract's ETH "
                               "at once while they hold enough (RocketTokenRETH.burn)")),
        ("report_epochs", "approx.: the oDAO submits network balances about daily"),
        ("deposit_fee_bps", "deposit.fee 0.0005 ether = 5 bps (REFERENCE 6)"),
    ),
)

CBETH = ProviderPreset(
    key="cbeth",
    label="Coinbase cbETH",
    chain=ETHEREUM,
    symbol="cbETH",
    rebasing=False,
    fee_bps=2500,
    operators_share_bps=0,
    exit_delay_seconds=ETHEREUM.unbonding_seconds,
    report_epochs=LIDO_FRAME_EPOCHS,
    sources=(
        ("fee_bps", ("Coinbase charges 25% of generated rewards (exponential.fi cbETH page; "
                    "Coinbase staking terms)")),
        ("operators_share_bps", "Coinbase runs its own validators: the whole fee is Coinbase's"),
        ("exit_delay_seconds", ("unwrapping goes through Ethereum's exit queue (Coinbase help: "
                               "subject to the network's unstaking queue); its minimum here")),
        ("report_epochs", "approx.: the conversion rate is updated about daily"),
    ),
)

MARINADE_UNSTAKE = UnstakeFees(min_fee_bps=10, max_fee_bps=900, treasury_cut_bps=5000)
"""Marinade's liquid-unstake pool: min fee 0.1%, max fee 9%, half the fee to the treasury
(docs.marinade.finance, "Unstake Liquidity Pool", current parameters)."""

MSOL = ProviderPreset(
    key="msol",
    label="Marinade mSOL",
    chain=SOLANA,
    symbol="mSOL",
    rebasing=False,
    fee_bps=600,
    operators_share_bps=0,
    exit_delay_seconds=SOLANA.epoch_seconds,
    report_epochs=1,
    unstake=MARINADE_UNSTAKE,
    sources=(
        ("fee_bps", ("approx.: Marinade's reward fee on mSOL, 6% (2023-2025; at most 10%, REFERENCE 6; "
                    "help.marinade.finance announces 9.5%)")),
        ("operators_share_bps", "validators take their commission before rewards reach the pool"),
        ("exit_delay_seconds", ("delayed unstake: a ticket claimable after the epoch ends "
                               "(docs.marinade.finance; one epoch here)")),
        ("report_epochs", "msol_price moves when the epoch's rewards are cranked in (update_active)"),
        ("unstake", "docs.marinade.finance Unstake Liquidity Pool: 0.1%-9%, 50% to the treasury"),
    ),
)

STATOM = ProviderPreset(
    key="statom",
    label="Stride stATOM",
    chain=COSMOS,
    symbol="stATOM",
    rebasing=False,
    fee_bps=1000,
    operators_share_bps=0,
    exit_delay_seconds=COSMOS.unbonding_seconds,
    report_epochs=1,
    sources=(
        ("fee_bps", "Stride charges 10% of staking rewards (stride.zone/faq)"),
        ("operators_share_bps", "the fee goes to STRD stakers, not to validators (stride.zone/faq)"),
        ("exit_delay_seconds", ("Cosmos Hub unbonding_time 21 days; Stride's unbonding batches can "
                               "add a few days, not modelled")),
        ("report_epochs", "the redemption rate is updated every Stride day epoch"),
    ),
)

PROVIDERS = {p.key: p for p in (STETH, RETH, CBETH, MSOL, STATOM)}
"""Every provider preset by key."""
