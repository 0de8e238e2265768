"""Balances, allowances and supply of every token: the ERC-20 half of :class:`State`.

Conservation holds after every call: for each token, the sum of balances equals the total
supply. Every check runs before the first write, so a failed call writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from chain.errors import (
    InsufficientAllowance,
    InsufficientBalance,
    NotTheCaller,
    Overflow,
    UnknownAccount,
    UnknownToken,
    WrongNetwork,
)
from chain.events import Approval, Transfer
from chain.fixedpoint import UINT256_MAX
from chain.journal import MISSING
from chain.model import ZERO_ADDRESS, ContractInfo, Token
from chain.validation import check_amount

if TYPE_CHECKING:
    from chain.journal import Journal

_UNKNOWN = object()
_transfer = Transfer._make


class Ledger:
    """Mixin of :class:`chain.state.State` holding the token ledger."""

    _balances: dict[Token, dict[str, int]]
    _supply: dict[Token, int]
    _allowances: dict[tuple[Token, str, str], int]
    _frames: list[str]
    _contracts: dict[str, ContractInfo]
    _controllers: dict[Token, str]
    _home: dict[str, str | None]
    _journal: Journal
    events: list[Any]

    def _emit(self, event: object) -> None:
        raise NotImplementedError

    def _begin_tx(self) -> None:
        raise NotImplementedError

    if TYPE_CHECKING:

        def _write(self, container: dict[Any, Any], key: Any, value: Any) -> None: ...

    # --- checks ------------------------------------------------------------------------

    def _book(self, token: Token) -> dict[str, int]:
        book = self._balances.get(token) if isinstance(token, Token) else None
        if book is None:
            raise UnknownToken(f"token {token!r} is not in this state: add it with state.add_token")
        return book

    def _check_holder(self, address: str, token: Token) -> None:
        home = self._home.get(address, _UNKNOWN)
        if home is _UNKNOWN:
            raise UnknownAccount(
                f"{address!r} is not an account or contract of this state: add it with state.add_account"
            )
        if home is not None and home != token.network:
            raise WrongNetwork(
                f"contract {address!r} lives on {home!r} and cannot hold {token.key}: "
                f"use a token of {home!r}"
            )

    # --- reads -------------------------------------------------------------------------

    def balance_of(self, token: Token, address: str) -> int:
        """Balance of ``address`` in base units (0 if it never held the token)."""
        try:
            book = self._balances[token]  # only tokens key the books
        except (KeyError, TypeError):
            book = self._book(token)
        return book.get(address, 0)

    def book(self, token: Token) -> Mapping[str, int]:
        """The live balances of ``token`` by address (an absent address holds 0), read-only.

        A contract facade keeps the books of its tokens for its state, as it keeps its storage,
        and reads its own balances from them on hot paths; every change goes through the ledger
        (journaled). Raises UnknownToken."""
        return self._book(token)

    def total_supply(self, token: Token) -> int:
        """Total supply of ``token`` in base units."""
        self._book(token)
        return self._supply[token]

    def allowance(self, token: Token, owner: str, spender: str) -> int:
        """How much ``spender`` may move from ``owner`` with ``transfer_from``."""
        self._book(token)
        return self._allowances.get((token, owner, spender), 0)

    def holders(self, token: Token) -> dict[str, int]:
        """Every address with a non-zero balance of ``token``."""
        return {a: b for a, b in self._book(token).items() if b}

    # --- who may move what (chain.calls) -------------------------------------------------

    def _check_mover(self, token: Token, owner: str) -> None:
        """Raise NotTheCaller unless the innermost call frame may move ``owner``'s ``token``:
        the owner's own frame, a contract's code, or (outside every frame) an account owner;
        a controlled token only from its controller's code."""
        frames = self._frames
        top = frames[-1] if frames else None
        controller = self._controllers.get(token) if self._controllers else None
        if controller is not None and top != controller:
            raise NotTheCaller(f"{token.key} moves only through {controller!r}: call its transfer")
        if top is None:
            if owner in self._contracts:
                raise NotTheCaller(f"{owner!r} is a contract: its {token.key} moves only from its own code")
        elif top != owner and top not in self._contracts:
            raise NotTheCaller(f"{top!r} is sending and may not move {owner!r}'s {token.key}: act from "
                               f"{owner!r}'s own transaction, or approve and use transfer_from")

    # --- writes ------------------------------------------------------------------------

    def transfer(self, token: Token, src: str, dst: str, amount: int) -> None:
        """Move ``amount`` of ``token`` from ``src`` to ``dst``; emits ``Transfer``.

        Raises InvalidAmount, UnknownToken, UnknownAccount, WrongNetwork, InsufficientBalance, and
        NotTheCaller when the innermost call frame may not move ``src``'s tokens (:mod:`chain.calls`).
        Every check runs before the first write. The body is :meth:`_move` inlined (the hot path
        of every action), and both balances are journaled in one entry.
        """
        if type(amount) is not int or not 0 <= amount <= UINT256_MAX:
            check_amount(amount)
        try:
            book = self._balances[token]  # only tokens key the books
        except (KeyError, TypeError):
            book = self._book(token)
        frames = self._frames
        if self._controllers or not frames or (frames[-1] != src and frames[-1] not in self._contracts):
            self._check_mover(token, src)  # the common cases inline: an owner's or a contract's own frame
        home = self._home
        src_home: object
        dst_home: object
        try:
            src_home = home[src]
            dst_home = home[dst]
        except (KeyError, TypeError):  # an unknown address: named by the full checks
            src_home = dst_home = _UNKNOWN
        if src_home is not None or dst_home is not None:  # a contract (of the token's network?) or unknown
            network = token.network
            if (src_home is not None and src_home != network) or (dst_home is not None and dst_home != network):
                self._check_holder(src, token)
                self._check_holder(dst, token)
        try:
            src_balance = book[src]
        except KeyError:
            src_balance = 0
        if src_balance < amount:
            raise InsufficientBalance(f"{src} holds {src_balance} of {token.key} and cannot send {amount}")
        journal = self._journal
        if src != dst and amount:
            dst_balance = book.get(dst, MISSING)
            if journal.marks:
                journal.entries.append((book, src, src_balance, dst, dst_balance))  # Journal: a pair entry
            else:
                journal.base += 1
            book[src] = src_balance - amount
            book[dst] = amount if dst_balance is MISSING else dst_balance + amount
        if not frames and not journal.marks:
            self._begin_tx()
        self.events.append(_transfer((token, src, dst, amount)))

    def _move(self, token: Token, book: dict[str, int], src: str, dst: str, amount: int) -> None:
        """Move between two holders of ``token`` (checked here), journaled; emits ``Transfer``."""
        home = self._home
        src_home = home.get(src, _UNKNOWN)
        dst_home = home.get(dst, _UNKNOWN)
        if src_home is not None or dst_home is not None:
            network = token.network
            if (src_home is not None and src_home != network) or (dst_home is not None and dst_home != network):
                self._check_holder(src, token)
                self._check_holder(dst, token)
        src_balance = book.get(src, 0)
        if src_balance < amount:
            raise InsufficientBalance(f"{src} holds {src_balance} of {token.key} and cannot send {amount}")
        if src != dst and amount:
            dst_balance = book.get(dst, MISSING)
            journal = self._journal
            if journal.marks:
                journal.entries.append((book, src, src_balance, dst, dst_balance))
            else:
                journal.base += 1
            book[src] = src_balance - amount
            book[dst] = amount if dst_balance is MISSING else dst_balance + amount
        self._emit(Transfer(token, src, dst, amount))

    def approve(self, token: Token, owner: str, spender: str, amount: int) -> None:
        """Set ``spender``'s allowance over ``owner``'s tokens; ``2**256-1`` never decreases."""
        check_amount(amount)
        self._book(token)
        self._check_holder(owner, token)
        self._check_holder(spender, token)
        self._check_mover(token, owner)
        self._write(self._allowances, (token, owner, spender), amount)
        self._emit(Approval(token, owner, spender, amount))

    def transfer_from(self, token: Token, spender: str, src: str, dst: str, amount: int) -> None:
        """``spender`` moves ``amount`` from ``src`` to ``dst`` within its allowance.

        An infinite allowance (2**256-1) is not decreased, as OpenZeppelin's ERC-20.
        """
        check_amount(amount)
        self._book(token)
        self._check_mover(token, spender)
        key = (token, src, spender)
        allowed = self._allowances.get(key, 0)
        if spender != src and allowed < amount:
            raise InsufficientAllowance(
                f"{spender} may move {allowed} of {src}'s {token.key}, not {amount}: approve more"
            )
        snap = self._journal.snapshot()
        try:
            if spender != src and allowed != UINT256_MAX:
                self._write(self._allowances, key, allowed - amount)
            self._move(token, self._balances[token], src, dst, amount)
        except BaseException:
            self._journal.revert(snap)
            raise
        self._journal.commit(snap)

    def _check_supplier(self, token: Token) -> None:
        """Raise NotTheCaller when ``token`` has a controller whose code is not running."""
        controller = self._controllers.get(token) if self._controllers else None
        if controller is not None and (self._frames[-1] if self._frames else None) != controller:
            raise NotTheCaller(f"the supply of {token.key} changes only through {controller!r}: call its "
                               "deposit or withdrawal")

    def mint(self, token: Token, to: str, amount: int) -> None:
        """Create ``amount`` of ``token`` at ``to`` (for contracts); reverts past uint256.

        Unchecked (a setup faucet and contract code) except for a token with a controller
        (:meth:`chain.State.set_token_controller`): only its code mints it (NotTheCaller)."""
        check_amount(amount)
        book = self._book(token)
        self._check_supplier(token)
        self._check_holder(to, token)
        supply = self._supply[token] + amount
        if supply > UINT256_MAX:
            raise Overflow(f"minting {amount} {token.key} takes the supply past uint256")
        self._write(self._supply, token, supply)
        self._write(book, to, book.get(to, 0) + amount)
        self._emit(Transfer(token, ZERO_ADDRESS, to, amount))

    def mint_many(self, token: Token, amounts: Sequence[tuple[str, int]]) -> None:
        """:meth:`mint` of each ``(to, amount)`` in order, as one write: the same balances,
        supply and ``Transfer`` events as the calls one after another, with every check (each
        amount and holder, the controller, the supply past uint256) run before the first write,
        so an error writes nothing. For a contract paying many holders at once (a fee split)."""
        book = self._book(token)
        self._check_supplier(token)
        total = 0
        home, network = self._home, token.network
        for to, amount in amounts:  # the common case in one test; the checks name a failure
            if type(amount) is not int or not 0 <= amount <= UINT256_MAX:
                check_amount(amount)
            where = home.get(to, _UNKNOWN) if type(to) is str else _UNKNOWN
            if where is not None and where != network:
                self._check_holder(to, token)
            total += amount
        supply = self._supply[token] + total
        if supply > UINT256_MAX:
            raise Overflow(f"minting {total} {token.key} takes the supply past uint256")
        if not self._frames and not self._journal.marks:
            for to, amount in amounts:  # each a transaction of its own, as a faucet mint
                self.mint(token, to, amount)
            return
        self._write(self._supply, token, supply)
        journal, events = self._journal, self.events
        entries = journal.entries if journal.marks else None
        for to, amount in amounts:
            old = book.get(to, MISSING)
            if entries is not None:
                entries.append((book, to, old))
            else:
                journal.base += 1
            book[to] = amount if old is MISSING else old + amount
            events.append(_transfer((token, ZERO_ADDRESS, to, amount)))

    def burn(self, token: Token, frm: str, amount: int) -> None:
        """Destroy ``amount`` of ``token`` held by ``frm`` (for contracts; a controlled token
        only from its controller's code, as :meth:`mint`)."""
        check_amount(amount)
        book = self._book(token)
        self._check_supplier(token)
        self._check_holder(frm, token)
        balance = book.get(frm, 0)
        if balance < amount:
            raise InsufficientBalance(f"{frm} holds {balance} of {token.key} and cannot burn {amount}")
        self._write(self._supply, token, self._supply[token] - amount)
        self._write(book, frm, balance - amount)
        self._emit(Transfer(token, frm, ZERO_ADDRESS, amount))
