"""The lock-and-mint bridge: a source-side contract with the escrow and every message, and a
destination-side contract that owns the wrapped token.

Modelled on Lido's L1/L2 ERC-20 token bridges (lidofinance/lido-l2,
``contracts/optimism/L1ERC20TokenBridge.sol``, ``L2ERC20TokenBridge.sol``,
``contracts/BridgingManager.sol``): a deposit locks the canonical token in the source
bridge and posts a message; its delivery mints the wrapped token on the destination. A
withdrawal burns the wrapped token and, after the withdrawal delay (a rollup's challenge
period), releases the canonical token. As in ``BridgingManager``, pausing deposits also stops
their delivery, and pausing withdrawals stops their release. Added to the model: fees, rate
limits per window, latency in seconds or blocks, and faults (drop, delay, reorder, unbacked
mint, escrow drain) for scenarios and audits.

Invariant (exact, in wei; fees never enter the escrow nor the flight totals)::

    wrapped_supply + in_flight_deposits - unbacked_minted
        == escrow - in_flight_withdrawals + drained

where ``escrow`` is the canonical balance of the source bridge (a direct transfer into it
adds to the right side) and in-flight counts pending and dropped messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

import attrs

from bridge.faults import BridgeFaults
from bridge.logic import due_time, receiving_network
from bridge.rate import RelayedRateFeed
from bridge.records import (
    DELIVERED,
    DEPOSIT,
    PENDING,
    RATE,
    TOKENS,
    WITHDRAWAL,
    Backing,
    Config,
    DirectionPaused,
    DirectionUnpaused,
    Message,
    MessageDelivered,
    MessageSent,
    Totals,
)
from bridge.validation import (
    validate_deliver,
    validate_message,
    validate_pause,
    validate_send,
)
from chain import (
    UINT256_MAX,
    Contract,
    Governable,
    InvalidArgument,
    LstlabError,
    ParamSpec,
    State,
    Token,
    Unauthorized,
    atomic,
    external,
    token_node,
)

_MAX_SECONDS = 10 * 365 * 86_400

PARAM_SPECS: Mapping[str, ParamSpec] = {
    spec.name: spec
    for spec in (
        ParamSpec("fee_fixed", 0, UINT256_MAX, "wei", "flat fee per transfer, in the sent token"),
        ParamSpec("fee_bps", 0, 10_000, "bps", "proportional fee, rounded up"),
        ParamSpec("deposit_limit_per_window", 0, UINT256_MAX, "wei", "deposit volume allowed per window"),
        ParamSpec(
            "withdrawal_limit_per_window", 0, UINT256_MAX, "wei", "withdrawal volume allowed per window"
        ),
        ParamSpec("rate_limit_window", 1, _MAX_SECONDS, "s", "length of a rate-limit window"),
        ParamSpec("deposit_latency", 0, _MAX_SECONDS, "s", "wait before a deposit can be delivered"),
        ParamSpec("deposit_latency_blocks", 0, 10**9, "blocks", "same in destination blocks (wins when > 0)"),
        ParamSpec(
            "withdrawal_delay", 0, _MAX_SECONDS, "s", "challenge period before a withdrawal is released"
        ),
        ParamSpec("withdrawal_delay_blocks", 0, 10**9, "blocks", "same in source blocks (wins when > 0)"),
        ParamSpec("paused_deposits", 0, 1, "bool", "1: no deposit is sent nor delivered"),
        ParamSpec("paused_withdrawals", 0, 1, "bool", "1: no withdrawal is sent nor released"),
        ParamSpec("ordered_delivery", 0, 1, "bool", "1: messages of a direction arrive in sending order"),
    )
}


class L2TokenBridge(Contract):
    """The destination side: owns the wrapped token (mints on deposits, burns on withdrawals).

    It keeps no records; the source-side :class:`L1TokenBridge` at ``l1_address`` holds the
    messages, and this facade forwards to it. Deliveries arrive through its ``finalize_*``
    methods, which only the source side's code may call (Lido's ``L2ERC20TokenBridge``
    ``onlyFromCrossDomainAccount(l1TokenBridge)``), so what they mint or relay runs in this
    contract's frame.
    """

    kind = "bridge.l2"

    def __init__(self, state: State, address: str, network: str, *, l1_address: str, wrapped: Token) -> None:
        super().__init__(state, address, network)
        self.l1_address = l1_address
        self.wrapped = wrapped

    @property
    def l1(self) -> L1TokenBridge:
        return self.state.contract(self.l1_address)  # type: ignore[return-value]

    @external
    def withdraw(
        self, sender: str, amount: int, recipient: str | None = None, *, token: Token | None = None
    ) -> int:
        """See :meth:`L1TokenBridge.withdraw`: ``sender`` must be the caller (NotTheCaller)."""
        self.authorize(sender, "sender")
        return self.l1._withdraw(sender, amount, recipient, token)

    def _require_l1(self) -> None:
        if self.msg_sender != self.l1_address:
            raise Unauthorized(
                f"only the source bridge {self.l1_address!r} finalizes on {self.address!r}, "
                f"not {self.msg_sender!r}: deliver the message through it"
            )

    @external
    def finalize_deposit(self, recipient: str, amount: int) -> None:
        """Mint ``amount`` wrapped wei to ``recipient`` for a delivered deposit; only the source
        bridge's code may call (Unauthorized)."""
        self._require_l1()
        self.state.mint(self.wrapped, recipient, amount)

    @external
    def finalize_rate(self, feed: str, answer: int, read_at: int) -> bool:
        """Hand a relayed rate to the feed at ``feed`` (this contract is its caller); only the
        source bridge's code may call (Unauthorized). Returns what the feed's ``receive`` does."""
        self._require_l1()
        stored: bool = self.state.contract(feed).receive(answer, read_at)  # type: ignore[attr-defined]
        return stored

    def backing(self) -> Backing:
        """See :meth:`L1TokenBridge.backing`."""
        return self.l1.backing()


class L1TokenBridge(BridgeFaults, Contract, Governable):
    """The source side: the escrow, every message, the parameters; the bridge's public API."""

    kind = "bridge.l1"

    def __init__(
        self,
        state: State,
        address: str,
        network: str,
        *,
        canonical: Token,
        wrapped: Token,
        l2_address: str,
        fee_recipient: str,
        guardian: str | None,
    ) -> None:
        super().__init__(state, address, network)
        self.canonical = canonical
        self.wrapped = wrapped
        self.destination = wrapped.network
        self.l2_address = l2_address
        self.fee_recipient = fee_recipient
        self.guardian = guardian

    # --- deployment ----------------------------------------------------------------------

    @classmethod
    def deploy(
        cls,
        state: State,
        address: str,
        network: str,
        *,
        canonical: Token,
        destination: str,
        l2_address: str,
        fee_recipient: str,
        wrapped_symbol: str | None = None,
        guardian: str | None = None,
        admin: str | None = None,
        **params: int,
    ) -> L1TokenBridge:
        """Deploy both sides: this contract on ``network`` (escrow of ``canonical``) and an
        :class:`L2TokenBridge` at ``l2_address`` on ``destination`` with a new wrapped token
        (``wrapped_symbol``, default the canonical symbol; same decimals).

        ``params`` override the defaults of :class:`Config` (see ``PARAM_SPECS``); ``admin``
        becomes the parameter admin, ``guardian`` may pause and unpause. Writes nothing on
        error (UnknownNetwork, UnknownToken, WrongNetwork, InvalidArgument, UnknownAccount,
        DuplicateName, UnknownParameter, ParameterOutOfBounds).
        """
        state.network(network)
        state.network(destination)
        if destination == network:
            raise InvalidArgument(f"a bridge joins two networks: destination must differ from {network!r}")
        state.require_token(canonical, network)
        if not state.is_account(state.require_address(fee_recipient)):
            raise InvalidArgument(
                f"fee_recipient {fee_recipient!r} must be an account: it is paid on both networks"
            )
        for who in (guardian, admin):
            if who is not None:
                state.require_address(who)
        wrapped = Token(
            destination, canonical.symbol if wrapped_symbol is None else wrapped_symbol, canonical.decimals
        )
        bridge = cls(
            state,
            address,
            network,
            canonical=canonical,
            wrapped=wrapped,
            l2_address=l2_address,
            fee_recipient=fee_recipient,
            guardian=guardian,
        )
        for name, value in params.items():
            bridge.check_param(name, value)
        with state.atomic():
            bridge._install(Config(**params), admin)
        return bridge

    def _install(self, config: Config, admin: str | None) -> None:
        state = self.state
        state.register_contract(self)
        state.register_contract(
            L2TokenBridge(
                state, self.l2_address, self.destination, l1_address=self.address, wrapped=self.wrapped
            )
        )
        state.add_token(self.destination, self.wrapped.symbol, self.wrapped.decimals)
        self._store("config", config)
        self._store("totals", Totals())
        if admin is not None:
            self.set_param_admin(admin)
        state.depend(token_node(self.wrapped), self.l2_address, "backed-by")
        state.depend(self.l2_address, self.address, "bridged-from")
        state.depend(self.address, token_node(self.canonical), "escrows")

    def deploy_rate_feed(self, address: str, source: str) -> RelayedRateFeed:
        """A :class:`RelayedRateFeed` at ``address`` on the destination, relaying the feed at
        ``source`` (on this bridge's network); update it with :meth:`push_rate`."""
        return RelayedRateFeed.deploy(self.state, address, bridge=self.address, source=source)

    # --- governable parameters ---------------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return PARAM_SPECS

    def get_param(self, name: str) -> int:
        value: int = getattr(self.config(), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        self._store("config", attrs.evolve(self.config(), **{name: value}))

    # --- reads ------------------------------------------------------------------------------

    def config(self) -> Config:
        config: Config = self._load("config")
        return config

    def totals(self) -> Totals:
        totals: Totals = self._load("totals")
        return totals

    def message(self, message_id: int) -> Message:
        """The message with that id (UnknownMessage if none)."""
        return validate_message(self, message_id)

    def pending(self) -> tuple[int, ...]:
        """Ids of the pending messages, ascending (dropped ones are not pending)."""
        totals, load = self.totals(), self._load
        return tuple(
            i for i in range(totals.first_open, totals.next_id) if load(("msg", i)).status == PENDING
        )

    def messages(self, status: str | None = None, direction: str | None = None) -> list[Message]:
        """Every message, by id, optionally only one status and/or direction."""
        found = [
            record
            for key, record in self._records().items()
            if type(key) is tuple
            and key[0] == "msg"
            and (status is None or record.status == status)
            and (direction is None or record.direction == direction)
        ]
        return sorted(found, key=lambda m: m.id)

    def receiving(self, direction: str) -> str:
        """The network that messages of ``direction`` arrive on."""
        return receiving_network(direction, self.network, self.destination)

    def escrow(self) -> int:
        """The canonical token locked in this contract (wei)."""
        return self.state.balance_of(self.canonical, self.address)

    def backing(self) -> Backing:
        """Escrow, wrapped supply and value in flight (see :class:`Backing`)."""
        totals = self.totals()
        return Backing(
            self.escrow(),
            self.state.total_supply(self.wrapped),
            totals.in_flight_deposits,
            totals.in_flight_withdrawals,
        )

    def backing_ratio(self) -> Fraction:
        """``(escrow - in-flight withdrawals) / (wrapped supply + in-flight deposits)``, exact."""
        return self.backing().ratio

    # --- sending ------------------------------------------------------------------------------

    @external
    @atomic
    def deposit(
        self, sender: str, amount: int, recipient: str | None = None, *, token: Token | None = None
    ) -> int:
        """Lock ``amount`` wei of the canonical token from ``sender`` and post a message that
        mints ``amount - fee`` wrapped wei to ``recipient`` (default ``sender``) after the
        deposit latency. The fee goes to the fee recipient. Returns the message id.

        ``sender`` pays and must be the caller (:meth:`chain.Contract.authorize`): a contract,
        this bridge included, deposits only from its own code. Raises (writing nothing)
        NotTheCaller, InvalidAmount, UnknownToken, WrongNetwork, UnsupportedToken,
        UnknownAccount, InvalidRecipient (a side of this bridge), BridgePaused, AmountBelowFee,
        RateLimited, InsufficientBalance. Emits Transfer(s) and MessageSent.
        """
        self.authorize(sender, "sender")
        recipient = sender if recipient is None else recipient
        fee, window = validate_send(self, DEPOSIT, sender, amount, recipient, token)
        state = self.state
        if fee:
            state.transfer(self.canonical, sender, self.fee_recipient, fee)
        state.transfer(self.canonical, sender, self.address, amount - fee)
        return self._post(TOKENS, DEPOSIT, sender, recipient, amount - fee, fee, window)

    @external
    def withdraw(
        self, sender: str, amount: int, recipient: str | None = None, *, token: Token | None = None
    ) -> int:
        """Burn ``amount - fee`` wrapped wei of ``sender`` (the fee goes to the fee recipient)
        and post a message that releases as much canonical wei to ``recipient`` (default
        ``sender``) after the withdrawal delay. Returns the message id.

        The same as :meth:`L2TokenBridge.withdraw`. ``sender`` must be the caller. Raises as
        :meth:`deposit` (with the wrapped token). Emits Transfer(s) and MessageSent.
        """
        self.authorize(sender, "sender")
        return self._withdraw(sender, amount, recipient, token)

    @atomic
    def _withdraw(self, sender: str, amount: int, recipient: str | None, token: Token | None) -> int:
        """The withdrawal once a side of the bridge has vouched for ``sender``."""
        recipient = sender if recipient is None else recipient
        fee, window = validate_send(self, WITHDRAWAL, sender, amount, recipient, token)
        state = self.state
        if fee:
            state.transfer(self.wrapped, sender, self.fee_recipient, fee)
        state.burn(self.wrapped, sender, amount - fee)
        return self._post(TOKENS, WITHDRAWAL, sender, recipient, amount - fee, fee, window)

    @external
    @atomic
    def push_rate(self, feed: str) -> int:
        """Read the source feed behind the relayed feed at ``feed`` and post its answer.

        The message is due after the deposit latency; on delivery ``feed.latest()`` returns
        the answer with ``updated_at`` = now (the read time). Returns the message id.
        Raises UnknownContract, InvalidArgument (not a feed of this bridge).
        """
        relayed = self.state.contract(feed)
        if not isinstance(relayed, RelayedRateFeed) or relayed.bridge != self.address:
            raise InvalidArgument(
                f"{feed!r} is not a relayed feed of bridge {self.address}: deploy_rate_feed first"
            )
        reading = self.state.contract(relayed.source).latest()  # type: ignore[attr-defined]
        return self._post(RATE, DEPOSIT, self.address, feed, reading.answer, 0, None)

    def _post(
        self, kind: str, direction: str, sender: str, recipient: str, amount: int, fee: int, window: Any
    ) -> int:
        state = self.state
        totals = self.totals()
        at, block = due_time(state, self.config(), direction, self.receiving(direction))
        message = Message(
            totals.next_id, kind, direction, sender, recipient, amount, fee, state.now, at, block
        )
        self._store(("msg", message.id), message)
        if kind == TOKENS:
            self._store(("window", direction), window)
        self._store(
            "totals",
            totals.moved(direction, amount if kind == TOKENS else 0, message.id + 1, totals.first_open),
        )
        state.emit(MessageSent(self.address, message.id, kind, direction, sender, recipient, amount, fee, at))
        return message.id

    # --- delivery -----------------------------------------------------------------------------

    @external
    @atomic
    def deliver(self, message_id: int) -> Message:
        """Deliver one pending, due message (in any order unless ``ordered_delivery``): mint
        on the destination, release from the escrow, or set the relayed rate.

        Raises UnknownMessage, AlreadyDelivered, MessageNotPending, BridgePaused,
        NotYetDeliverable, OutOfOrder, InsufficientBalance. Emits MessageDelivered.
        """
        return self._execute(validate_deliver(self, message_id))

    @external
    @atomic
    def relay(self) -> list[int]:
        """Deliver every pending message that is due now, by id; returns the ids delivered.

        Skips messages not yet due or of a paused direction (with ``ordered_delivery``, also
        every later message of that direction), and any whose delivery reverts (an escrow
        drained below a release): they stay pending.
        """
        state = self.state
        ordered = self.config().ordered_delivery
        blocked: set[str] = set()
        done: list[int] = []
        for message_id in self.pending():
            message = self.message(message_id)
            if message.direction in blocked:
                continue
            snap = state.snapshot()
            try:
                message = validate_deliver(self, message_id)
                self._execute(message)
            except LstlabError:
                state.revert(snap)
                if ordered:
                    blocked.add(message.direction)
                continue
            state.commit(snap)
            done.append(message_id)
        return done

    def _execute(self, message: Message) -> Message:
        """Deliver ``message`` from this bridge's code: the L2 side mints or relays the rate
        (its ``finalize_*`` see this bridge as caller), the escrow releases withdrawals."""
        state = self.state
        l2: L2TokenBridge = state.contract(self.l2_address)  # type: ignore[assignment]
        if message.kind == RATE:
            l2.finalize_rate(message.recipient, message.amount, message.sent_at)
        else:
            if message.direction == DEPOSIT:
                l2.finalize_deposit(message.recipient, message.amount)
            else:
                state.transfer(self.canonical, self.address, message.recipient, message.amount)
        message = message.with_status(DELIVERED)
        self._store(("msg", message.id), message)
        totals, load = self.totals(), self._load
        first_open = totals.first_open
        while first_open < totals.next_id and load(("msg", first_open)).status == DELIVERED:
            first_open += 1
        moved = message.amount if message.kind == TOKENS else 0
        self._store("totals", totals.moved(message.direction, -moved, totals.next_id, first_open))
        state.emit(
            MessageDelivered(
                self.address, message.id, message.kind, message.direction, message.recipient, message.amount
            )
        )
        return message

    # --- pause --------------------------------------------------------------------------------

    @external
    def pause(self, direction: str, caller: str | None = None) -> None:
        """Pause ``direction`` (no send, no delivery) as the guardian or the parameter admin.

        The acting party is the caller the chain vouches for: ``caller`` when named (it must be
        the caller, NotTheCaller), else the msg_sender. Raises UnknownDirection, NotTheCaller,
        Unauthorized, AlreadyPaused. Emits DirectionPaused.
        """
        who = self.acting(caller)
        self._set_paused(validate_pause(self, direction, who, True), 1)
        self.state.emit(DirectionPaused(self.address, direction, who))

    @external
    def unpause(self, direction: str, caller: str | None = None) -> None:
        """Unpause ``direction`` (the caller as :meth:`pause`); emits DirectionUnpaused. Raises
        UnknownDirection, NotTheCaller, Unauthorized, NotPaused."""
        who = self.acting(caller)
        self._set_paused(validate_pause(self, direction, who, False), 0)
        self.state.emit(DirectionUnpaused(self.address, direction, who))

    def _set_paused(self, direction: str, value: int) -> None:
        name = "paused_deposits" if direction == DEPOSIT else "paused_withdrawals"
        self._apply_param(name, value)

    # --- graph --------------------------------------------------------------------------------

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``recipient -> bridge side`` edges ``bridging`` for value still in flight (wei):
        a deposit waits on the destination side, a withdrawal on the escrow."""
        owed: dict[tuple[str, str], int] = {}
        for message in self.messages():
            if message.kind == TOKENS and message.status != DELIVERED:
                key = (message.recipient, message.direction)
                owed[key] = owed.get(key, 0) + message.amount
        for (recipient, direction), amount in sorted(owed.items()):
            side = self.l2_address if direction == DEPOSIT else self.address
            yield recipient, side, "bridging", {"amount": amount, "direction": direction}
