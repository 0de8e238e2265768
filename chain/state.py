"""The shared, journaled, in-memory chain state that every protocol package writes to.

One :class:`State` holds every network, token, account and contract, one clock, the token
ledger, every contract's records, the declared dependencies and the event log. Every write
goes through :meth:`State._write`, which logs the old value in the journal, so

- ``with state.tx(sender):`` is atomic: an exception inside undoes every write (balances,
  allowances, records, events, the clock, registrations) and propagates unchanged;
- ``snapshot()`` / ``revert(snap)`` / ``commit(snap)`` nest;
- ``fork()`` copies only the top-level dicts, because every stored value is immutable.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType, TracebackType
from typing import Any, Literal, TypeVar

from chain.contract import Contract
from chain.errors import (
    DuplicateName,
    InvalidArgument,
    NotTheCaller,
    UnknownAccount,
    UnknownContract,
    UnknownNetwork,
    UnknownToken,
    WrongNetwork,
)
from chain.immutable import SCALAR_TYPES, check_record
from chain.journal import MISSING, Journal, Snapshot
from chain.ledger import Ledger
from chain.model import DEAD_ADDRESS, ZERO_ADDRESS, ContractInfo, Network, Token
from chain.record import TupleRecord
from chain.validation import check_amount, check_name

_RESERVED_PREFIXES = ("token:", "network:")
_NOT_AN_ACCOUNT = object()
F = TypeVar("F", bound=Callable[..., Any])


class _Atomic:
    """Context manager of :meth:`State.atomic`: a snapshot kept on success, reverted on error.

    A class, not a generator, built without an ``__init__`` call, with the journal's open and
    close inlined: every transaction pays for it. It keeps the event log's length at opening,
    which an undo truncates back to (:class:`chain.journal.Journal`)."""

    __slots__ = ("_depth", "_log_at", "_state")

    _state: State
    _depth: int
    _log_at: int

    def __enter__(self) -> State:
        state = self._state
        journal = state._journal
        marks = journal.marks
        self._log_at = log_at = len(state.events)
        if not marks and not state._frames:
            state._tx_count += 1  # an outermost block: a new transaction (State._begin_tx)
            state._tx_marks.append(log_at)
        self._depth = len(marks)
        marks.append(len(journal.entries))
        return state

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        state = self._state
        journal = state._journal
        depth = self._depth
        if exc_type is not None:
            journal.close(depth, False, self._log_at)
        elif depth:
            del journal.marks[depth:]
        else:  # the outermost snapshot kept: the undo log is no longer needed (Journal.close)
            journal.marks.clear()
            journal.base += len(journal.entries)
            journal.entries.clear()
        return False


class _Tx(_Atomic):
    """Context manager of :meth:`State.tx`: :class:`_Atomic` with ``sender`` as the sender."""

    __slots__ = ("_outer", "_sender")

    _sender: str | None
    _outer: str | None

    def __enter__(self) -> State:
        state = self._state
        journal = state._journal
        marks = journal.marks
        frames = state._frames
        self._log_at = log_at = len(state.events)
        if not marks and not frames:
            state._tx_count += 1
            state._tx_marks.append(log_at)
        self._depth = len(marks)
        marks.append(len(journal.entries))
        sender = self._sender
        self._outer = state._sender  # the enclosing transaction's sender, restored on exit
        state._sender = sender
        if sender is not None:
            frames.append(sender)
        return state

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        state = self._state
        state._sender = self._outer
        if self._sender is not None:
            state._frames.pop()
        journal = state._journal
        depth = self._depth
        if exc_type is not None:
            journal.close(depth, False, self._log_at)
        elif depth:
            del journal.marks[depth:]
        else:
            journal.marks.clear()
            journal.base += len(journal.entries)
            journal.entries.clear()
        return False


def atomic(method: F) -> F:
    """Decorate a contract method so that it writes all or nothing (``self.state.atomic()``)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.state.atomic():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class State(Ledger):
    """Every network, token, account and contract, with one journal and one clock."""

    def __init__(self, *, start_time: int = 1_600_000_000) -> None:
        check_amount(start_time, "start_time")
        self.events: list[Any] = []
        self._journal = Journal(self.events)
        self._sender: str | None = None  # of the innermost open transaction
        self._frames: list[str] = []
        self._controllers: dict[Token, str] = {}
        self._networks: dict[str, Network] = {}
        self._tokens: dict[str, Token] = {}
        self._home: dict[str, str | None] = {}
        self._contracts: dict[str, ContractInfo] = {}
        self._facades: dict[str, Contract] = {}
        self._balances: dict[Token, dict[str, int]] = {}
        self._supply: dict[Token, int] = {}
        self._allowances: dict[tuple[Token, str, str], int] = {}
        self._records: dict[str, dict[Any, Any]] = {}
        self._deps: dict[tuple[str, str, str], Mapping[str, Any]] = {}
        self._clock: dict[str, int] = {"now": start_time, "genesis": start_time}
        self._tx_count = 0
        # where each transaction begun since the last drain starts in the log: they are numbered
        # consecutively, the last one _tx_count
        self._tx_marks: list[int] = []
        self._graph_cache: tuple[int, Any] | None = None
        for address in (ZERO_ADDRESS, DEAD_ADDRESS):
            self._home[address] = None

    # --- the journal -------------------------------------------------------------------

    def _write(self, container: dict[Any, Any], key: Any, value: Any) -> None:
        journal = self._journal
        if journal.marks:
            journal.entries.append((container, key, container.get(key, MISSING)))
        else:
            journal.base += 1
        container[key] = value

    def _emit(self, event: object) -> None:
        if not self._frames and not self._journal.marks:
            self._begin_tx()  # an event outside every transaction and frame is a transaction of its own
        self.events.append(event)  # a snapshot truncates the log back on revert: no entry per event

    def _begin_tx(self) -> None:
        """Number a new outermost transaction; its events start at the log's current end."""
        self._tx_count += 1
        self._tx_marks.append(len(self.events))

    @property
    def tx_count(self) -> int:
        """Outermost transactions begun so far: ``with state.tx``/``state.atomic`` blocks and
        :func:`chain.external` calls made outside every frame, and lone events emitted
        outside all of them (a faucet mint). Reverted transactions are counted too."""
        return self._tx_count

    def emit(self, *events: object) -> None:
        """Append typed event records to the log, in order; they revert with their transaction.

        Outside every transaction and frame they are one transaction of their own."""
        if not self._frames and not self._journal.marks:
            self._begin_tx()
        self.events.extend(events)

    def drain_events(self) -> list[Any]:
        """Return the event log and empty it (outside transactions only; bounds memory)."""
        if self._journal.marks:
            raise InvalidArgument("drain_events() inside an open transaction or snapshot: call it after")
        events = self.events
        self.events = self._journal.log = []
        self._tx_marks = []
        return events

    def drain_log(self) -> tuple[list[Any], list[int]]:
        """As :meth:`drain_events`, with each event's transaction number (:attr:`tx_count` when
        it began): two lists of equal length."""
        marks = self._tx_marks
        first = self._tx_count - len(marks) + 1  # every transaction begun appends one mark
        events = self.drain_events()
        txs = [0] * (marks[0] if marks else len(events))  # emitted before the first mark: unknown
        for number, (start, end) in enumerate(zip(marks, [*marks[1:], len(events)]), first):
            txs.extend([number] * (end - start))  # starts never decrease: a revert pops only its own events
        return events, txs

    def tx(self, sender: str | None = None) -> _Tx:
        """An atomic transaction: ``with state.tx("alice"): ...`` commits or reverts all.

        ``sender`` (an externally owned account) is the caller of everything called directly
        inside (:mod:`chain.calls`); without one the transaction opens no call frame.
        """
        if sender is not None and self._home.get(sender, _NOT_AN_ACCOUNT) is not None:
            if sender not in self._home:
                raise UnknownAccount(f"sender {sender!r} is not an account of this state: add it first")
            raise NotTheCaller(f"{sender!r} is a contract: a contract never sends a transaction, it acts only "
                               "from its own code; send from an account")
        block = _Tx()
        block._state = self
        block._sender = sender
        return block

    def atomic(self) -> _Atomic:
        """All or nothing without a sender: ``with state.atomic(): ...`` reverts on any error.

        Contract methods with several writes use it (or the :func:`atomic` decorator) so that
        a failure never leaves a partial write, even outside a transaction.
        """
        block = _Atomic()
        block._state = self
        return block

    @property
    def sender(self) -> str | None:
        """The sender of the innermost open transaction (None outside transactions)."""
        return self._sender

    @property
    def caller(self) -> str | None:
        """The innermost call frame: the account whose transaction, or the contract whose code,
        is running (None outside every frame; :mod:`chain.calls`)."""
        return self._frames[-1] if self._frames else None

    def is_contract(self, address: str) -> bool:
        """True for a registered contract's address."""
        return address in self._contracts

    def set_token_controller(self, token: Token, controller: str) -> None:
        """Let ``token`` move only from ``controller``'s code (a token whose balances another
        contract's books must follow, such as a votes token): plain transfers elsewhere revert.

        Its supply too changes only from that code (``mint``/``burn``). A token has at most one
        controller, set once: raises UnknownToken, UnknownContract, WrongNetwork (a controller
        of another network) and InvalidArgument (a token that already has one).
        """
        self.require_token(token)
        if not isinstance(controller, str) or controller not in self._contracts:
            raise UnknownContract(f"no contract at {controller!r} to control {token.key}")
        home = self._contracts[controller].network
        if home != token.network:
            raise WrongNetwork(f"{controller!r} lives on {home!r} and cannot control {token.key}")
        current = self._controllers.get(token)
        if current is not None:
            raise InvalidArgument(f"{token.key} is already controlled by {current!r}")
        self._write(self._controllers, token, controller)

    def token_controller(self, token: Token) -> str | None:
        """The contract whose code alone moves ``token`` (None: the usual ledger rules)."""
        self.require_token(token)
        return self._controllers.get(token)

    @property
    def in_transaction(self) -> bool:
        """True while a transaction or snapshot is open."""
        return bool(self._journal.marks)

    def snapshot(self) -> Snapshot:
        """Open a snapshot; undo to it with ``revert`` or keep its writes with ``commit``."""
        return self._journal.snapshot()

    def revert(self, snap: Snapshot) -> None:
        """Undo every write since ``snap`` (snapshots nest; later ones close too).

        Raises InvalidSnapshot for anything but an open snapshot of this state."""
        self._journal.revert(snap)

    def commit(self, snap: Snapshot) -> None:
        """Close ``snap`` keeping its writes; raises InvalidSnapshot as :meth:`revert`."""
        self._journal.commit(snap)

    @property
    def version(self) -> int:
        """A counter that changes whenever the state changes (for caches): the journal's count
        of writes (:attr:`chain.journal.Journal.version`), so a write in a transaction costs no
        counter of its own."""
        journal = self._journal
        return journal.base + len(journal.entries)

    # --- registries --------------------------------------------------------------------

    def _claim_address(self, address: str, home: str | None) -> None:
        check_name(address, "address")
        if address.startswith(_RESERVED_PREFIXES):
            raise InvalidArgument(f"address {address!r} must not start with 'token:' or 'network:'")
        if address in self._home:
            raise DuplicateName(f"{address!r} is already an account or contract: pick another name")
        self._write(self._home, address, home)

    def add_network(self, name: str, block_time: int = 12, genesis_block: int = 0) -> Network:
        """Add a network with its block time in seconds."""
        check_name(name, "network name")
        check_amount(block_time, "block_time", positive=True)
        check_amount(genesis_block, "genesis_block")
        if name in self._networks:
            raise DuplicateName(f"network {name!r} already exists")
        network = Network(name, block_time, genesis_block)
        self._write(self._networks, name, network)
        return network

    def network(self, name: str) -> Network:
        """The network called ``name``."""
        try:
            return self._networks[name]
        except (KeyError, TypeError):
            raise UnknownNetwork(f"no network {name!r}: add it with state.add_network") from None

    @property
    def networks(self) -> tuple[Network, ...]:
        return tuple(self._networks.values())

    def add_token(self, network: str, symbol: str, decimals: int = 18) -> Token:
        """Add a token to ``network`` with zero supply; returns its frozen value."""
        self.network(network)
        check_name(symbol, "symbol")
        if type(decimals) is not int or not 0 <= decimals <= 77:
            raise InvalidArgument(f"decimals must be an int in [0, 77], got {decimals!r}")
        token = Token(network, symbol, decimals)
        if token.key in self._tokens:
            raise DuplicateName(f"token {token.key} already exists")
        self._write(self._tokens, token.key, token)
        self._write(self._balances, token, {})
        self._write(self._supply, token, 0)
        return token

    def token(self, network: str, symbol: str) -> Token:
        """The token ``symbol`` of ``network``."""
        token = self._tokens.get(f"{network}:{symbol}")
        if token is None:
            raise UnknownToken(f"no token {symbol!r} on {network!r}: add it with state.add_token")
        return token

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(self._tokens.values())

    def require_token(self, token: Any, network: str | None = None) -> Token:
        """Return ``token`` if it belongs to this state (and to ``network`` when given)."""
        if not isinstance(token, Token) or self._tokens.get(token.key) != token:
            raise UnknownToken(f"token {token!r} is not in this state: add it with state.add_token")
        if network is not None and token.network != network:
            raise WrongNetwork(
                f"{token.key} is a token of {token.network!r}, not of {network!r}: use a token of {network!r}"
            )
        return token

    def add_account(self, name: str) -> str:
        """Add an externally owned account, usable on every network; returns its address."""
        self._claim_address(name, None)
        return name

    def has_address(self, address: str) -> bool:
        """True if ``address`` is an account or contract of this state."""
        return address in self._home

    def is_account(self, address: str) -> bool:
        """True for an account (not a contract) of this state."""
        return address in self._home and self._home[address] is None

    def require_address(self, address: Any) -> str:
        """Return ``address`` if it is an account or contract of this state."""
        if not isinstance(address, str) or address not in self._home:
            raise UnknownAccount(f"{address!r} is not an account or contract of this state")
        return address

    def register_contract(self, facade: Contract) -> Contract:
        """Register a contract facade at its address on its network."""
        self.network(facade.network)
        self._claim_address(facade.address, facade.network)
        self._write(self._contracts, facade.address, ContractInfo(facade.address, facade.kind, facade.network))
        self._write(self._facades, facade.address, facade)
        self._write(self._records, facade.address, {})
        facade._storage = self._records[facade.address]
        return facade

    def contract(self, address: str) -> Contract:
        """The contract at ``address``, bound to this state."""
        facade = self._facades.get(address)
        if facade is None:
            raise UnknownContract(f"no contract at {address!r}")
        if facade.state is not self:
            facade = facade.bind(self)
            self._facades[address] = facade
        return facade

    def contracts(self, kind: str | None = None) -> list[ContractInfo]:
        """Registered contracts, optionally only those of one kind."""
        return [c for c in self._contracts.values() if kind is None or c.kind == kind]

    # --- contract storage --------------------------------------------------------------

    def _records_of(self, address: Any) -> dict[Any, Any]:
        try:
            return self._records[address]
        except (KeyError, TypeError):
            raise UnknownContract(f"no contract at {address!r} holds records: register it first") from None

    def load(self, address: str, key: Any, default: Any = MISSING) -> Any:
        """A contract's record at ``key`` (``default`` when absent, else KeyError).

        Raises UnknownContract for an address that is not a registered contract."""
        try:
            records = self._records[address]
        except (KeyError, TypeError):
            raise UnknownContract(f"no contract at {address!r} holds records: register it first") from None
        if default is MISSING:
            return records[key]
        return records.get(key, default)

    def store(self, address: str, key: Any, record: Any) -> None:
        """Replace a contract's record at ``key`` (journaled).

        Raises UnknownContract for an unknown address and InvalidArgument for a record that can
        change in place (a fork would share it with its parent: :mod:`chain.immutable`), or an
        unhashable key; writes nothing on error."""
        try:
            records = self._records[address]
        except (KeyError, TypeError):
            raise UnknownContract(f"no contract at {address!r} holds records: register it first") from None
        if type(record) not in SCALAR_TYPES and not (
            isinstance(record, TupleRecord) and SCALAR_TYPES.issuperset(map(type, record))
        ):  # the common records checked inline: scalars, and named-tuple records of scalars
            check_record(record)
        journal = self._journal
        try:
            old = records.get(key, MISSING)
        except TypeError:  # an unhashable key fails in the dict before anything is written
            raise InvalidArgument(f"record key {key!r:.80} is unhashable: use a str or a tuple") from None
        if journal.marks:
            journal.entries.append((records, key, old))
        else:
            journal.base += 1
        records[key] = record

    def put(self, address: str, key: Any, record: Any) -> None:
        """Replace a record that contract code built itself from immutable values (ints, strs,
        tuples of them, :class:`chain.Record` records of them): :meth:`store` without the
        immutability check, for the records every action writes (a pair's reserves, a reserve's
        state, a position). Raises UnknownContract for an unknown address; journaled."""
        try:
            records = self._records[address]
        except (KeyError, TypeError):
            raise UnknownContract(f"no contract at {address!r} holds records: register it first") from None
        journal = self._journal
        if journal.marks:
            journal.entries.append((records, key, records.get(key, MISSING)))
        else:
            journal.base += 1
        records[key] = record

    def records(self, address: str) -> Mapping[Any, Any]:
        """A read-only view of every record of one contract (UnknownContract if none there)."""
        return MappingProxyType(self._records_of(address))

    # --- dependencies ------------------------------------------------------------------

    def depend(self, src: str, dst: str, kind: str, **data: Any) -> None:
        """Declare that ``src`` depends on ``dst`` (e.g. market -> feed "prices-with")."""
        for node in (src, dst):
            if node not in self._home and not node.startswith(_RESERVED_PREFIXES):
                raise UnknownAccount(f"{node!r} is neither an address nor a token/network node")
        self._write(self._deps, (src, dst, kind), MappingProxyType(dict(data)))

    def dependencies(self) -> dict[tuple[str, str, str], Mapping[str, Any]]:
        """Every declared dependency ``(src, dst, kind) -> data``."""
        return dict(self._deps)

    # --- the clock ---------------------------------------------------------------------

    @property
    def now(self) -> int:
        """Current Unix time in seconds."""
        return self._clock["now"]

    def advance(self, seconds: int) -> int:
        """Move the clock forward by ``seconds`` (>= 0); returns the new time."""
        check_amount(seconds, "seconds")
        self._write(self._clock, "now", self._clock["now"] + seconds)
        return self._clock["now"]

    def block_number(self, network: str) -> int:
        """The block of ``network`` at the current time (genesis block at state creation)."""
        net = self.network(network)
        return net.genesis_block + (self._clock["now"] - self._clock["genesis"]) // net.block_time

    # --- forks and digests -------------------------------------------------------------

    def fork(self) -> State:
        """An independent copy sharing no mutable container with this state.

        Cost is one copy of each top-level dict; records and tokens are immutable and shared.
        Open snapshots are not carried over: the fork starts with an empty journal.
        """
        new = object.__new__(State)
        new.events = list(self.events)
        new._journal = Journal(new.events)
        new._journal.base = self.version  # records that stamp the version stay valid, and equal, on both
        new._sender = None
        new._frames = []
        new._controllers = dict(self._controllers)
        new._networks = dict(self._networks)
        new._tokens = dict(self._tokens)
        new._home = dict(self._home)
        new._contracts = dict(self._contracts)
        new._facades = dict(self._facades)
        new._balances = {t: dict(book) for t, book in self._balances.items()}
        new._supply = dict(self._supply)
        new._allowances = dict(self._allowances)
        new._records = {a: dict(r) for a, r in self._records.items()}
        new._deps = dict(self._deps)
        new._clock = dict(self._clock)
        new._tx_count = self._tx_count
        new._tx_marks = list(self._tx_marks)
        new._graph_cache = None
        return new

    def _digest_items(self) -> Iterator[tuple[str, Any]]:
        yield "networks", sorted(self._networks.items())
        yield "tokens", sorted(self._tokens.items())
        yield "home", sorted(self._home.items(), key=repr)
        yield "contracts", sorted(self._contracts.items())
        yield "balances", sorted(((t.key, sorted(b.items())) for t, b in self._balances.items()))
        yield "supply", sorted((t.key, s) for t, s in self._supply.items())
        yield "allowances", sorted(((t.key, o, s), v) for (t, o, s), v in self._allowances.items())
        yield "controllers", sorted((t.key, c) for t, c in self._controllers.items())
        yield "records", sorted((a, sorted(map(repr, r.items()))) for a, r in self._records.items())
        yield "deps", sorted((k, sorted(v.items())) for k, v in self._deps.items())
        yield "clock", sorted(self._clock.items())
        yield "events", [repr(e) for e in self.events]

    def digest(self) -> str:
        """A SHA-256 over the whole state (zero balances count as present); equal states, equal digests."""
        h = hashlib.sha256()
        for name, items in self._digest_items():
            h.update(name.encode())
            h.update(repr(items).encode())
        return h.hexdigest()

    # --- the graph ---------------------------------------------------------------------

    def graph(self) -> Any:
        """The state as a ``networkx.MultiDiGraph`` (see :mod:`chain.graph`), cached per version."""
        from chain.graph import build_graph

        cache = self._graph_cache
        version = self.version
        if cache is not None and cache[0] == version:
            return cache[1]
        graph = build_graph(self)
        self._graph_cache = (version, graph)
        return graph

