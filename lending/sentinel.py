"""An L2 sequencer uptime oracle and the price-oracle sentinel rules (Aave v3
``PriceOracleSentinel``, ``ISequencerOracle``).

On an L2 the sequencer can stop; prices then freeze and users cannot act. Aave's sentinel
refuses borrows while the sequencer is down and for ``grace_period`` seconds after it comes
back up (``block.timestamp - timestampGotUp > gracePeriod``), and lets liquidations through in
that time only below HF 0.95 (``ValidationLogic.validateBorrow`` / ``validateLiquidationCall``,
aave/aave-v3-core ``contracts/protocol/configuration/PriceOracleSentinel.sol``).

A market reads any contract with ``latest_answer() -> (is_down, since)`` (Aave's
``ISequencerOracle.latestAnswer``); :class:`SequencerOracle` is a settable one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from chain import Contract, InvalidArgument, State, WrongNetwork, external
from lending.errors import GracePeriod, SequencerDown

if TYPE_CHECKING:
    from lending.market import Market

MINIMUM_HEALTH_FACTOR_LIQUIDATION_THRESHOLD = 95 * 10**16
"""WAD: while the sentinel refuses, only positions below this HF may be liquidated (Aave
``ValidationLogic.MINIMUM_HEALTH_FACTOR_LIQUIDATION_THRESHOLD = 0.95e18``)."""


@attrs.frozen
class _Status:
    is_down: bool
    since: int  # s: when the current status began


class SequencerOracle(Contract):
    """A sequencer uptime oracle set by hand or by a scenario (the role of Chainlink's L2
    sequencer uptime feed: status and the time it last changed)."""

    kind = "lending.sequencer_oracle"

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, is_down: bool = False,
               since: int | None = None) -> SequencerOracle:
        """Register the oracle with its current status, begun at ``since`` (s; default now:
        a sentinel reading it refuses borrows for its grace period from then, as Aave's does
        after a deployment whose feed reports a recent change). Raises InvalidArgument."""
        since = state.now if since is None else since
        if type(since) is not int or not 0 <= since <= state.now:
            raise InvalidArgument(f"since must be an int time in [0, now={state.now}], got {since!r}")
        oracle = cls(state, address, network)
        state.register_contract(oracle)
        oracle._store(("status",), _Status(bool(is_down), since))
        return oracle

    @external
    def set_status(self, is_down: bool) -> None:
        """Report the sequencer down or up as of now; a report that does not change the status
        keeps the time it began (Chainlink's ``startedAt`` moves only on a change)."""
        old = self._load(("status",))
        if bool(is_down) != old.is_down:
            self._store(("status",), _Status(bool(is_down), self.state.now))

    def latest_answer(self) -> tuple[bool, int]:
        """(is_down, time the current status began in s)."""
        status = self._load(("status",))
        return status.is_down, status.since


def check_sequencer_oracle(m: Market, address: object) -> str:
    """``address`` if it is a contract of the market's network with ``latest_answer()``; raises
    InvalidArgument, UnknownContract or WrongNetwork."""
    if not isinstance(address, str):
        raise InvalidArgument(f"sequencer_feed must be a contract address (str), got {address!r}")
    oracle: Any = m.state.contract(address)
    if not callable(getattr(oracle, "latest_answer", None)):
        raise InvalidArgument(f"{address!r} is a {oracle.kind} contract, not a sequencer oracle: pass one "
                              "with latest_answer() -> (is_down, since), e.g. lending.SequencerOracle")
    if oracle.network != m.network:
        raise WrongNetwork(f"sequencer oracle {address!r} is on {oracle.network!r}, the market on "
                           f"{m.network!r}: use one of {m.network!r}")
    return address


def sentinel_refusal(m: Market) -> SequencerDown | GracePeriod | None:
    """The error the sentinel would raise now (None when no sentinel is set or it allows)."""
    mc = m.config()
    if mc.sequencer_feed is None:
        return None
    oracle: Any = m.state.contract(mc.sequencer_feed)
    is_down, since = oracle.latest_answer()
    if is_down:
        return SequencerDown(f"the sequencer reported by {mc.sequencer_feed!r} is down (since t={since}): "
                             "wait until it is up and the grace period has passed")
    elapsed = m.state.now - since
    if elapsed <= mc.grace_period:
        return GracePeriod(f"the sequencer came back up {elapsed} s ago, within the grace period of "
                           f"{mc.grace_period} s: wait {mc.grace_period - elapsed + 1} s more")
    return None


def validate_borrow_allowed(m: Market) -> None:
    """``isBorrowAllowed``: raises SequencerDown or GracePeriod when the sentinel refuses."""
    refusal = sentinel_refusal(m)
    if refusal is not None:
        raise refusal


def validate_liquidation_allowed(m: Market, health_factor: int) -> None:
    """A liquidation passes when HF < 0.95 or the sentinel allows (``isLiquidationAllowed``);
    otherwise raises SequencerDown or GracePeriod."""
    if health_factor < MINIMUM_HEALTH_FACTOR_LIQUIDATION_THRESHOLD:
        return
    refusal = sentinel_refusal(m)
    if refusal is not None:
        raise type(refusal)(f"{refusal} (a liquidation meanwhile needs HF below 0.95; this one is "
                            f"{health_factor} WAD)")
