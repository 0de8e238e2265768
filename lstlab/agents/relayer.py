"""The L1->L2 relayer: delivers due bridge deposits and pushes the L1 wstETH rate to the L2.

Each step, in this order:

1. every pending L1->L2 message (direction ``deposit``: token deposits and rate pushes) whose
   latency has passed is delivered, as an OP-stack rollup executes deposits on its own; L2->L1
   withdrawals are left to their recipients, who prove and finalise them on L1. A message the
   bridge refuses stays pending and is counted by reason: ``relayer_blocked_paused`` (token
   deposits of a paused bridge), ``_order`` (behind a stuck message under ordered delivery),
   ``_revert`` (any other refusal);
2. when ``cadence`` seconds have passed since the relayer's last push (or it never pushed in
   this world), ``bridge.push_rate(feed)`` posts the L1 rate; it arrives one latency later.
   A rate message is not a token transfer, so a deposit pause does not hold it (as on chain:
   Lido's ``OpStackTokenRatePusher`` sends the rate over the rollup's messenger straight to the
   L2 ``TokenRateOracle``, not through the token bridge).

The time of the last push lives in the world (:class:`LastPush`, in the bridge's records under
``("relayer", feed)``); the agent keeps no Python state.

Metrics: ``relayer_pushes`` and ``relayer_delivered`` (counts this step),
``relayer_l2_rate_lag_s`` (now minus the L1 time at which the rate the L2 feed holds was read),
``relayer_l2_rate_gap_bps`` (how far the L2 rate is below the L1 rate now, in bps of it) and the
blocked counts above.
"""

from __future__ import annotations

import attrs

from bridge import DEPOSIT, BridgePaused, L1TokenBridge, NotYetDeliverable, OutOfOrder, RelayedRateFeed
from chain import LstlabError
from chain.errors import InvalidArgument
from lstlab.agents.base import Funded, Step
from lstlab.world.build import World

LIDO_REPORT_CADENCE = 86_400
"""One day: Lido pushes the wstETH rate to each L2 on every AccountingOracle report (the
report's post-rebase hook calls ``TokenRateNotifier``, whose observers, such as
``OpStackTokenRatePusher``, send the rate and the report's time over the rollup's messenger;
lidofinance/lido-l2-with-steth ``contracts/lido/TokenRateNotifier.sol``,
``contracts/optimism/OpStackTokenRatePusher.sol``), and the AccountingOracle reports once per
225-epoch frame, 24 hours, starting about 12:00 UTC
(https://docs.lido.fi/contracts/accounting-oracle/). The backtest reports daily too."""
REASONS = ("paused", "order", "revert")


@attrs.frozen
class LastPush:
    """The relayer's record: when it last pushed the rate, and the message it posted."""

    time: int  # s
    message_id: int


def _check_cadence(_instance: object, attribute: attrs.Attribute, value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidArgument(f"{attribute.name} must be a positive int (seconds), got {value!r}")


@attrs.frozen
class Relayer(Funded):
    """Delivers L1->L2 messages and pushes the rate (module docstring); an
    :class:`lstlab.agents.base.Agent` named ``relayer``."""

    feed: str = "l2:wsteth-steth"
    """Address of the relayed rate feed on the L2 (the default world's wstETH/stETH feed)."""
    cadence: int = attrs.field(default=LIDO_REPORT_CADENCE, validator=_check_cadence)
    """Seconds between pushes: :data:`LIDO_REPORT_CADENCE`."""
    name: str = "relayer"
    """Prefix of the metrics."""

    def fund(self, world: World) -> None:
        """Nothing to fund (pushing and delivering cost nothing in the model); checks that
        ``feed`` is a relayed feed of the world."""
        self.relayed(world)

    def relayed(self, world: World) -> RelayedRateFeed:
        """The relayed feed; InvalidArgument if ``feed`` is not one."""
        contract = world.state.contract(self.feed) if world.state.has_address(self.feed) else None
        if not isinstance(contract, RelayedRateFeed):
            raise InvalidArgument(f"{self.feed!r} is not a relayed rate feed: pass the address of one")
        return contract

    def bridge(self, world: World) -> L1TokenBridge:
        """The bridge that relays the feed."""
        return world.state.contract(self.relayed(world).bridge)  # type: ignore[return-value]

    def last_push(self, world: World) -> LastPush | None:
        """The relayer's last push in this world (None before its first)."""
        return world.state.load(self.bridge(world).address, ("relayer", self.feed), None)

    def deliver(self, world: World) -> dict[str, int]:
        """Step 1 of the module docstring: ``{"delivered": n, reason: n, ...}`` counts."""
        return self._deliver(self.bridge(world))

    def _deliver(self, bridge: L1TokenBridge) -> dict[str, int]:
        counts = dict.fromkeys(("delivered", *REASONS), 0)
        for message_id in bridge.pending():
            if bridge.message(message_id).direction != DEPOSIT:
                continue
            try:
                bridge.deliver(message_id)
            except NotYetDeliverable:
                continue
            except BridgePaused:
                counts["paused"] += 1
            except OutOfOrder:
                counts["order"] += 1
            except LstlabError:
                counts["revert"] += 1
            else:
                counts["delivered"] += 1
        return counts

    def push(self, world: World) -> int:
        """Step 2: push when due; returns 1 if it pushed, 0 if not due, -1 if the bridge
        refused (nothing written)."""
        return self._push(world, self.bridge(world))

    def _push(self, world: World, bridge: L1TokenBridge) -> int:
        state = world.state
        now, key = state.now, ("relayer", self.feed)
        last = state.load(bridge.address, key, None)
        if last is not None and now - last.time < self.cadence:
            return 0
        try:
            message_id = bridge.push_rate(self.feed)
        except LstlabError:
            return -1
        state.store(bridge.address, key, LastPush(now, message_id))
        return 1

    def act(self, world: World, step: Step) -> dict[str, float]:
        """Deliver, then push (module docstring)."""
        relayed = self.relayed(world)
        bridge: L1TokenBridge = world.state.contract(relayed.bridge)  # type: ignore[assignment]
        counts = self._deliver(bridge)
        pushed = self._push(world, bridge)
        if pushed < 0:
            counts["revert"] += 1
        reading = relayed.latest()
        source = world.state.contract(relayed.source).latest()  # type: ignore[attr-defined]
        l1 = source.rescaled(reading.decimals)
        out = {
            f"{self.name}_pushes": float(max(pushed, 0)),
            f"{self.name}_delivered": float(counts["delivered"]),
            f"{self.name}_l2_rate_lag_s": float(world.state.now - reading.updated_at),
            f"{self.name}_l2_rate_gap_bps": (l1 - reading.answer) * 10_000 / l1 if l1 else 0.0,
        }
        for reason in REASONS:
            out[f"{self.name}_blocked_{reason}"] = float(counts[reason])
        return out


__all__ = ["LIDO_REPORT_CADENCE", "REASONS", "LastPush", "Relayer"]
