"""A strategy: one token held for many stakers against strategy shares (EigenLayer v1.3.0
``StrategyBase``). The strategy's assets are its token balance, so a transfer into it (a
donation) raises the value of every share, as on EigenLayer. Only its strategy manager's code
deposits and withdraws (``onlyStrategyManager``, checked against ``msg_sender``); the books of
who owns which shares live in the strategy manager and the delegation manager."""

from __future__ import annotations

from chain import Contract, State, Token, Unauthorized, external
from restaking import sharemath
from restaking.errors import InsufficientShares, NewSharesZero, TotalSharesExceedsMax
from restaking.params import MAX_TOTAL_SHARES
from restaking.records import StrategyBook


class Strategy(Contract):
    """A strategy for ``token`` (deployed by :meth:`restaking.StrategyManager.add_strategy`)."""

    kind = "restaking.strategy"

    def __init__(self, state: State, address: str, network: str, *, token: Token, manager: str) -> None:
        super().__init__(state, address, network)
        self.token = token
        self.manager = manager

    def book(self) -> StrategyBook:
        """The share book (total shares)."""
        book: StrategyBook = self._load("book")
        return book

    def total_shares(self) -> int:
        """Strategy shares in existence."""
        book: StrategyBook = self._load("book")
        return book.total_shares

    def assets(self) -> int:
        """Token held, base units (``_tokenBalance``)."""
        return self.state.balance_of(self.token, self.address)

    def to_assets(self, shares: int) -> int:
        """Assets of ``shares`` at the current rate, floored (``sharesToUnderlyingView``)."""
        return sharemath.to_assets(shares, self.total_shares(), self.assets())

    def to_shares(self, assets: int) -> int:
        """Shares ``assets`` would buy at the current rate, floored (``underlyingToSharesView``)."""
        return sharemath.to_shares(assets, self.total_shares(), self.assets())

    def _only_manager(self, action: str) -> None:
        if self.msg_sender != self.manager:
            raise Unauthorized(f"{self.msg_sender!r} may not {action} {self.address!r}: only its strategy "
                               f"manager {self.manager!r} may, from its own code")

    @external
    def deposit(self, amount: int) -> int:
        """Mint shares for ``amount`` the manager already moved in (``StrategyBase.deposit``):
        ``amount * (total + 1e3) // (balance - amount + 1e3)``. Raises Unauthorized,
        NewSharesZero, TotalSharesExceedsMax; writes nothing on error."""
        self._only_manager("deposit into")
        total = self.total_shares()
        shares = sharemath.shares_on_deposit(amount, total, self.assets())
        if shares == 0:
            raise NewSharesZero(f"a deposit of {amount} into {self.address!r} would mint 0 shares: deposit more")
        if total + shares > MAX_TOTAL_SHARES:
            raise TotalSharesExceedsMax(f"{self.address!r} would hold {total + shares} shares, past 1e38 - 1")
        self._store("book", StrategyBook(total + shares))
        return shares

    @external
    def withdraw(self, recipient: str, shares: int) -> int:
        """Burn ``shares`` and send their assets (floored, at the pre-withdrawal rate) to
        ``recipient`` (``StrategyBase.withdraw``); returns the assets sent. Raises Unauthorized,
        InsufficientShares; writes nothing on error."""
        self._only_manager("withdraw from")
        total = self.total_shares()
        if shares > total:
            raise InsufficientShares(f"{shares} shares exceed the {total} of {self.address!r}")
        assets = sharemath.to_assets(shares, total, self.assets())
        with self.state.atomic():
            self._store("book", StrategyBook(total - shares))
            if assets:
                self.state.transfer(self.token, self.address, recipient, assets)
        return assets
