"""A liquid restaking token (LRT) issuer, weETH-like: deposit native ETH or an LST, mint a
value-accruing token whose rate is the restaked assets' value over its supply.

Model (ether.fi's eETH/weETH on EigenLayer, as far as this package's restaking contracts go):

- the issuer holds every deposit as shares of a restaking strategy
  (:class:`restaking.StrategyManager`), all delegated to one operator
  (:class:`restaking.DelegationManager`); native ETH goes into the strategy of the native token,
  which stands for EigenLayer's native restaking through EigenPods;
- **value** ``V`` (native wei) = sum over accepted assets of ``to_assets(strategy,
  shares_of(issuer, strategy))`` priced in native: 1:1 for the native token, else by the
  asset's feed (native per whole asset, e.g. ETH per wstETH by the LST's protocol rate), floored;
  so the LST's staking rewards, a service's rewards (``AllocationManager.reward``) and a
  service's slashing (``AllocationManager.slash``) all reach ``V`` through the strategy;
- **fees**: ``fee_bps`` of every gain of ``V`` over the last checkpoint is minted to the
  treasury as new LRT, Lido-style: ``fee_shares = fee * S // (V - fee)`` with ``fee = gain *
  fee_bps // 10000`` (ether.fi mints 10% of rewards to its treasury, 5% for node operators and 5%
  for itself: EFIP-4, etherfi-protocol/smart-contracts ``proposals/EFIP-4.md``, 2024-05). A loss
  (a slashing) pays no fee and moves the checkpoint down; the next gain is charged from there.
  Every action accrues first; :meth:`rate` already counts the pending fee, so it does not jump
  when fees are minted;
- **rate** = ``V * 1e18 // (S + pending fee shares)`` (floor), native wei per whole LRT;
- **deposit**: mints ``value * S // V`` (floor, favouring holders) after accruing; the first
  ``bootstrap`` LRT, minted at deploy to ``DEAD_ADDRESS``, stay there (Lido's bootstrap holder)
  so ``S`` is never 0 and a donation cannot inflate the rate against a small first depositor;
- **withdrawals** go through the restaking delay: :meth:`request_withdrawal` burns the LRT and
  queues ``held * value // V_asset`` strategy shares (floor: the holders who stay keep every
  rounding wei) with the delegation manager; :meth:`claim_withdrawal`, once the delay has passed,
  completes that withdrawal and pays its assets. As in EigenLayer's slashing release, queued
  shares stay slashable until completable, so the withdrawer bears slashing during the delay
  (ether.fi's ``WithdrawRequestNFT`` likewise pays at most the value at request).

Who may act (:mod:`chain.calls`): deposits and requests by the caller (``authorize``); claims
only by the request's owner; :meth:`add_asset`, :meth:`delegate` and parameters only by the
parameter admin. The issuer calls the restaking contracts from its own code, so they see it as
the staker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from chain import (
    DEAD_ADDRESS,
    WAD,
    Contract,
    Event,
    Governable,
    InputError,
    InsufficientBalance,
    InvalidArgument,
    ParamSpec,
    PriceReading,
    Revert,
    State,
    Token,
    Unauthorized,
    UnknownParameter,
    atomic,
    check_amount,
    check_bps,
    check_decimals,
    external,
    token_node,
)
from restaking.errors import NewSharesZero, RestakingError

if TYPE_CHECKING:
    from restaking.delegation import DelegationManager
    from restaking.manager import StrategyManager

BPS = 10_000
DEFAULT_FEE_BPS = 1000
"""10% of rewards: ether.fi's protocol fee (EFIP-4, 5% treasury + 5% node operators)."""


# --- errors -----------------------------------------------------------------------------------


class LrtError(RestakingError):
    """Base of every error the LRT issuer raises on purpose."""

    code = "LRT"


class UnsupportedAsset(LrtError, InputError):
    """The issuer does not accept that token: deposit one of ``assets()`` (or add it first)."""

    code = "LRT_UNSUPPORTED_ASSET"


class ZeroMint(LrtError, InputError):
    """A deposit or request worth 0 LRT (or 0 strategy shares): pass a larger amount."""

    code = "LRT_ZERO"


class NotEnoughRestaked(LrtError, Revert):
    """The issuer holds less of that asset than the withdrawal is worth: withdraw less, or in
    another asset."""

    code = "LRT_NOT_ENOUGH_RESTAKED"


class UnknownRequest(LrtError, InputError):
    """No withdrawal request has that id: pass an id returned by ``request_withdrawal``."""

    code = "LRT_UNKNOWN_REQUEST"


class RequestNotReady(LrtError, Revert):
    """The restaking delay of the request has not passed: wait until ``claimable_at``."""

    code = "LRT_NOT_READY"


class RequestClaimed(LrtError, Revert):
    """The request was already claimed: each request pays once."""

    code = "LRT_CLAIMED"


class NotRequestOwner(LrtError, Unauthorized):
    """Only the account that requested a withdrawal may claim it."""

    code = "LRT_NOT_OWNER"


# --- events -----------------------------------------------------------------------------------


class LrtDeposited(Event):
    """``user`` deposited ``amount`` of ``asset`` worth ``value`` native wei and got ``minted`` LRT."""

    lrt: str
    user: str
    asset: Token
    amount: int
    value: int
    minted: int


class LrtFeesAccrued(Event):
    """The restaked value moved from ``before`` to ``after`` (wei); ``fee_shares`` LRT minted to
    the treasury (0 on a loss)."""

    lrt: str
    before: int
    after: int
    fee_shares: int


class LrtWithdrawalRequested(Event):
    """``user`` burned ``amount`` LRT worth ``value`` wei; ``shares`` of ``strategy`` queued."""

    lrt: str
    request_id: int
    user: str
    amount: int
    value: int
    strategy: str
    shares: int


class LrtWithdrawalClaimed(Event):
    """Request ``request_id`` paid ``paid`` of ``asset`` to ``user``."""

    lrt: str
    request_id: int
    user: str
    asset: Token
    paid: int


# --- records ----------------------------------------------------------------------------------


@attrs.frozen
class Asset:
    """An accepted deposit token, the strategy its deposits go into, and how it is priced:
    ``feed`` gives native per whole token (None: the native token itself, 1:1)."""

    token: Token
    strategy: str
    feed: str | None


@attrs.frozen
class Book:
    """The issuer's accounting: restaked value at the last accrual (native wei), the fee (bps),
    the operator its stake is delegated to, and the next request id."""

    checkpoint: int
    fee_bps: int
    operator: str | None = None
    next_request: int = 0


@attrs.frozen
class Request:
    """A withdrawal in the restaking delay: ``shares`` of the asset's strategy queued under the
    delegation manager's ``withdrawal`` id."""

    user: str
    asset: Token
    strategy: str
    amount: int  # LRT burned
    value: int  # native wei the LRT was worth at request
    shares: int
    withdrawal: Any
    requested_at: int
    claimable_at: int
    claimed: bool = False


_PARAMS = {"fee_bps": ParamSpec("fee_bps", 0, BPS, "bps", "share of restaking gains minted to the treasury")}


class LiquidRestakingToken(Contract, Governable):
    """The LRT issuer (see the module docstring). Deploy with :meth:`deploy`."""

    kind = "restaking.lrt"

    def __init__(self, state: State, address: str, network: str, *, native: Token, token: Token,
                 strategy_manager: str, delegation: str, treasury: str) -> None:
        super().__init__(state, address, network)
        self.native = native
        self.token = token
        self.strategy_manager_address = strategy_manager
        self.delegation_address = delegation
        self.treasury = treasury
        self.unit: int = 10**token.decimals

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, native: Token, native_strategy: str,
               strategy_manager: str, delegation: str, funder: str, bootstrap: int, treasury: str,
               symbol: str = "weETH", fee_bps: int = DEFAULT_FEE_BPS) -> LiquidRestakingToken:
        """Deploy an issuer of ``symbol`` accepting ``native`` (restaked in ``native_strategy``).
        ``bootstrap`` native wei of ``funder`` are restaked and mint as many LRT to
        ``DEAD_ADDRESS``, where they stay. ``fee_bps`` default: :data:`DEFAULT_FEE_BPS`.

        Raises InvalidArgument (symbol taken, bad fee), UnknownToken, UnknownAccount,
        InvalidAmount, ZeroMint (no bootstrap), InsufficientBalance."""
        state.require_token(native, network)
        state.require_address(funder)
        state.require_address(treasury)
        check_bps(fee_bps, "fee_bps")
        if check_amount(bootstrap, "bootstrap") == 0:
            raise ZeroMint("a bootstrap of 0 leaves the supply empty: bootstrap with a positive amount")
        if any(t.network == network and t.symbol == symbol for t in state.tokens):
            raise InvalidArgument(f"token {symbol!r} already exists on {network!r}: choose another symbol")
        with state.atomic():
            token = state.add_token(network, symbol, native.decimals)
            lrt = cls(state, address, network, native=native, token=token, strategy_manager=strategy_manager,
                      delegation=delegation, treasury=treasury)
            state.register_contract(lrt)
            lrt._store("book", Book(checkpoint=0, fee_bps=fee_bps))
            lrt._store("assets", ())
            lrt._add_asset(native, native_strategy, None)
            lrt._bootstrap(funder, bootstrap)
            state.depend(address, strategy_manager, "restakes-in")
        return lrt

    @external
    def _bootstrap(self, funder: str, amount: int) -> None:
        """At deploy, from the issuer's own code: restake ``amount`` native of ``funder`` and
        mint as many LRT to ``DEAD_ADDRESS``. Refused once the issuer has a supply."""
        if self.total_supply():
            raise InvalidArgument(f"{self.address!r} is bootstrapped already: deposit instead")
        self.state.transfer(self.native, funder, self.address, amount)
        self._restake(self._asset(self.native), amount)
        self.state.mint(self.token, DEAD_ADDRESS, amount)
        self._store("book", attrs.evolve(self.book(), checkpoint=self.total_value()))

    # --- contracts and records ----------------------------------------------------------------

    @property
    def strategy_manager(self) -> StrategyManager:
        return self.state.contract(self.strategy_manager_address)  # type: ignore[return-value]

    @property
    def delegation(self) -> DelegationManager:
        return self.state.contract(self.delegation_address)  # type: ignore[return-value]

    def book(self) -> Book:
        """The accounting record."""
        book: Book = self._load("book")
        return book

    def assets(self) -> tuple[Asset, ...]:
        """Every accepted deposit token, in the order added (the native token first)."""
        assets: tuple[Asset, ...] = self._load("assets")
        return assets

    def _asset(self, token: Any) -> Asset:
        for a in self.assets():
            if a.token == token:
                return a
        raise UnsupportedAsset(f"{self.address!r} does not accept {token!r}: deposit one of "
                               f"{[a.token.symbol for a in self.assets()]}")

    def request(self, request_id: int) -> Request:
        """One withdrawal request (UnknownRequest if there is none with that id)."""
        if type(request_id) is not int or not 0 <= request_id < self.book().next_request:
            raise UnknownRequest(f"no withdrawal request {request_id!r} at {self.address!r}")
        request: Request = self._load(("request", request_id))
        return request

    # --- views --------------------------------------------------------------------------------

    def total_supply(self) -> int:
        """LRT in existence (wei), the bootstrap included."""
        return self.state.total_supply(self.token)

    def balance_of(self, account: str) -> int:
        """LRT held by ``account`` (wei)."""
        return self.state.balance_of(self.token, account)

    def price_of(self, asset: Asset) -> int:
        """Native wei per whole ``asset`` token (wad for 18 decimals): 1:1 for the native token,
        else its feed's answer rescaled to 18 decimals (floor)."""
        if asset.feed is None:
            return WAD
        reading: PriceReading = self.state.contract(asset.feed).latest()  # type: ignore[attr-defined]
        return reading.rescaled(18)

    def value_of(self, token: Token, amount: int) -> int:
        """Native wei that ``amount`` of accepted ``token`` is worth (floor)."""
        asset = self._asset(token)
        unit: int = 10**token.decimals
        return amount * self.price_of(asset) // unit

    def restaked_assets(self, token: Token) -> int:
        """Underlying tokens behind the issuer's shares of ``token``'s strategy (the strategy's
        ``to_assets``, floor)."""
        a = self._asset(token)
        sm = self.strategy_manager
        return sm.to_assets(a.strategy, sm.shares_of(self.address, a.strategy))

    def total_value(self) -> int:
        """``V``: the restaked assets' value in native wei (module docstring), plus any accepted
        token the issuer holds idle (none in normal operation)."""
        total = 0
        for a in self.assets():
            held = self.restaked_assets(a.token) + self.state.balance_of(a.token, self.address)
            total += held * self.price_of(a) // 10**a.token.decimals
        return total

    def pending_fee_shares(self) -> int:
        """LRT the next accrual mints to the treasury: Lido's ``fee * S // (V - fee)`` on the
        gain since the checkpoint (0 without a gain)."""
        value, book = self.total_value(), self.book()
        gain = value - book.checkpoint
        fee = gain * book.fee_bps // BPS if gain > 0 else 0
        if fee == 0:
            return 0
        return fee * self.total_supply() // (value - fee)

    def rate(self) -> int:
        """Native wei per whole LRT, pending fees counted: ``V * 10**decimals // (S + pending)``
        (floor)."""
        return self.total_value() * self.unit // (self.total_supply() + self.pending_fee_shares())

    def to_value(self, amount: int) -> int:
        """Native wei that ``amount`` LRT is worth now (pending fees counted, floor)."""
        return amount * self.total_value() // (self.total_supply() + self.pending_fee_shares())

    # --- governance ---------------------------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return _PARAMS

    def get_param(self, name: str) -> int:
        if name not in _PARAMS:
            raise UnknownParameter(f"{self.address!r} has no parameter {name!r}: use one of {sorted(_PARAMS)}")
        return self.book().fee_bps

    def _apply_param(self, name: str, value: int) -> None:
        self._accrue()  # gains so far pay the old fee
        self._store("book", attrs.evolve(self.book(), fee_bps=value))

    @external
    def add_asset(self, token: Token, strategy: str, feed: str, *, caller: str | None = None) -> None:
        """Accept deposits of ``token`` into ``strategy``, priced by ``feed`` (native per whole
        token). Only the parameter admin. Raises Unauthorized, UnknownToken, UnknownContract,
        InvalidArgument (token already accepted)."""
        self._require_admin(caller)
        self.state.require_token(token, self.network)
        self.state.contract(feed)
        if any(a.token == token for a in self.assets()):
            raise InvalidArgument(f"{token!r} is already accepted by {self.address!r}")
        self._add_asset(token, strategy, feed)
        self.state.depend(self.address, feed, "reads-price")

    def _add_asset(self, token: Token, strategy: str, feed: str | None) -> None:
        self.state.contract(strategy)
        self._store("assets", (*self.assets(), Asset(token, strategy, feed)))

    @external
    def delegate(self, operator: str, *, caller: str | None = None) -> None:
        """Delegate the issuer's restaked shares to ``operator`` (DelegationManager.delegate).
        Only the parameter admin; once delegated, the operator stays (undelegating would queue
        every share for withdrawal, which this issuer does not model)."""
        self._require_admin(caller)
        book = self.book()
        if book.operator is not None:
            raise InvalidArgument(f"{self.address!r} is already delegated to {book.operator!r}")
        self.delegation.delegate(self.address, operator)
        self._store("book", attrs.evolve(book, operator=operator))

    # --- actions ------------------------------------------------------------------------------

    @external
    @atomic
    def accrue(self) -> int:
        """Mint the pending fee to the treasury and move the checkpoint to ``V``; returns the
        LRT minted. Anyone may call it (it only applies what the restaked value says).
        Emits LrtFeesAccrued."""
        return self._accrue()

    def _accrue(self) -> int:
        book = self.book()
        value = self.total_value()
        shares = self.pending_fee_shares()
        if shares:
            self.state.mint(self.token, self.treasury, shares)
        if value != book.checkpoint or shares:
            self._store("book", attrs.evolve(book, checkpoint=value))
            self.state.emit(LrtFeesAccrued(self.address, book.checkpoint, value, shares))
        return shares

    @external
    @atomic
    def deposit(self, user: str, asset: Token, amount: int, min_minted: int = 0) -> int:
        """Restake ``amount`` of ``asset`` from ``user`` (the caller); mints ``added * S // V``
        LRT (floor) after accruing, ``added`` the value the restaked amount adds after the
        strategy's share rounding (so a deposit never lowers the rate). All or nothing. Emits LrtDeposited. Raises NotTheCaller, UnsupportedAsset,
        InvalidAmount, ZeroMint, InsufficientBalance, and InvalidArgument when
        fewer than ``min_minted`` LRT would be minted."""
        user = self.authorize(user, "user")
        a = self._asset(asset)
        check_amount(amount, "amount")
        check_amount(min_minted, "min_minted")
        if user == self.address:
            raise InvalidArgument("the issuer cannot deposit into itself")
        self._accrue()
        if amount == 0:
            raise ZeroMint(f"a deposit of 0 {asset.symbol} mints no {self.token.symbol}")
        total, supply = self.total_value(), self.total_supply()
        self.state.transfer(asset, user, self.address, amount)
        try:
            self._restake(a, amount)
        except NewSharesZero:
            raise ZeroMint(f"{amount} wei of {asset.symbol} buys no restaked share: deposit more") from None
        value = self.total_value() - total  # what the deposit added, after the strategy's rounding
        minted = value * supply // total
        if minted == 0:
            raise ZeroMint(f"{amount} wei of {asset.symbol} is worth {value} wei: it mints no {self.token.symbol}")
        if minted < min_minted:
            raise InvalidArgument(f"the deposit mints {minted} wei of {self.token.symbol}, under the {min_minted} "
                                  "asked for: lower min_minted or deposit more")
        self.state.mint(self.token, user, minted)
        self._store("book", attrs.evolve(self.book(), checkpoint=self.total_value()))
        self.state.emit(LrtDeposited(self.address, user, asset, amount, value, minted))
        return minted

    def _restake(self, a: Asset, amount: int) -> None:
        """Deposit ``amount`` of the issuer's ``a.token`` into its strategy (from its own code)."""
        self.strategy_manager.deposit(self.address, a.strategy, amount)

    @external
    @atomic
    def request_withdrawal(self, user: str, amount: int, asset: Token | None = None) -> int:
        """Burn ``amount`` LRT of ``user`` (the caller) and queue the strategy shares of
        ``asset`` (default: the native token) worth as much, ``held * value // V_asset`` (floor),
        with the delegation manager; returns the request id. Claimable when that withdrawal
        is (``DelegationManager.withdrawable_at``: after the withdrawal delay). Emits LrtWithdrawalRequested. Raises NotTheCaller,
        InvalidAmount, UnsupportedAsset, ZeroMint, InsufficientBalance, NotEnoughRestaked."""
        user = self.authorize(user, "user")
        check_amount(amount, "amount", positive=True)
        a = self._asset(self.native if asset is None else asset)
        have = self.balance_of(user)
        if amount > have:
            raise InsufficientBalance(f"{user!r} holds {have} wei of {self.token.symbol}, less than {amount}")
        self._accrue()
        total, supply = self.total_value(), self.total_supply()
        value = amount * total // supply
        sm = self.strategy_manager
        held = sm.shares_of(self.address, a.strategy)
        price, unit = self.price_of(a), 10**a.token.decimals
        held_value = sm.to_assets(a.strategy, held) * price // unit
        if value > held_value:
            raise NotEnoughRestaked(f"{amount} {self.token.symbol} is worth {value} wei but {self.address!r} "
                                    f"holds {held_value} wei of {a.token.symbol}: withdraw less or in another asset")
        shares = held * value // held_value if held_value else 0
        if shares == 0:
            raise ZeroMint(f"{amount} wei of {self.token.symbol} is worth no share of {a.strategy!r}: request more")
        self.state.burn(self.token, user, amount)
        shares, withdrawal = self._queue_at_most(a, shares, amount * total, supply, total)
        book = self.book()
        now = self.state.now
        req = Request(user, a.token, a.strategy, amount, value, shares, withdrawal, now,
                      self.delegation.withdrawable_at(withdrawal))
        self._store(("request", book.next_request), req)
        self._store("book", attrs.evolve(book, next_request=book.next_request + 1, checkpoint=self.total_value()))
        self.state.emit(LrtWithdrawalRequested(self.address, book.next_request, user, amount, value,
                                               a.strategy, shares))
        return book.next_request

    def _queue_at_most(self, a: Asset, shares: int, worth: int, supply: int, total: int) -> tuple[int, int]:
        """Queue the most shares, from ``shares`` down, whose leaving takes at most ``worth /
        supply`` of value (what the LRT burned is worth): the strategy's and the operator pool's
        rounding may take a wei more from what stays, and the rate must never fall. Returns the
        shares queued and the withdrawal id."""
        state = self.state
        for q in range(shares, max(shares - 8, 0), -1):
            snap = state.snapshot()
            try:
                withdrawal = self.delegation.queue_withdrawal(self.address, a.strategy, q)
            except BaseException:
                state.revert(snap)
                raise
            if (total - self.total_value()) * supply <= worth:
                state.commit(snap)
                return q, withdrawal
            state.revert(snap)
        raise ZeroMint(f"no share count of {a.strategy!r} near {shares} leaves the rate whole: request more")

    @external
    @atomic
    def claim_withdrawal(self, user: str, request_id: int) -> int:
        """Complete request ``request_id`` of ``user`` (the caller) and pay its assets; returns
        the amount paid. Emits LrtWithdrawalClaimed. Raises NotTheCaller, UnknownRequest,
        NotRequestOwner, RequestClaimed, RequestNotReady."""
        user = self.authorize(user, "user")
        req = self.request(request_id)
        if req.user != user:
            raise NotRequestOwner(f"request {request_id} belongs to {req.user!r}, not {user!r}")
        if req.claimed:
            raise RequestClaimed(f"request {request_id} was already claimed")
        if self.state.now < req.claimable_at:
            raise RequestNotReady(f"request {request_id} is claimable at {req.claimable_at}, "
                                     f"{req.claimable_at - self.state.now} s from now: wait")
        self._accrue()
        before = self.state.balance_of(req.asset, self.address)
        self.delegation.complete_withdrawal(self.address, req.withdrawal)
        paid = self.state.balance_of(req.asset, self.address) - before
        self.state.transfer(req.asset, self.address, user, paid)
        self._store(("request", request_id), attrs.evolve(req, claimed=True))
        self._store("book", attrs.evolve(self.book(), checkpoint=self.total_value()))
        self.state.emit(LrtWithdrawalClaimed(self.address, request_id, user, req.asset, paid))
        return paid

    # --- graph --------------------------------------------------------------------------------

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``issuer -> token``: the LRT supply. Its restaked positions and delegation are the
        restaking contracts' edges; its feeds and strategy manager are ``state.depend`` edges."""
        yield self.address, token_node(self.token), "issues", {"supply": self.total_supply()}


class LrtRateFeed(Contract):
    """The LRT's rate as a ``chain`` feed: native per whole LRT (:meth:`LiquidRestakingToken.rate`),
    read live, so ``updated_at`` is the state's clock."""

    kind = "restaking.lrt_rate_feed"

    def __init__(self, state: State, address: str, network: str, *, lrt: str, base: str, quote: str,
                 decimals: int) -> None:
        super().__init__(state, address, network)
        self.lrt = lrt
        self.base = base
        self.quote = quote
        self.decimals = decimals

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, lrt: str, quote: str | None = None,
               decimals: int = 18) -> LrtRateFeed:
        """A feed of ``lrt``'s rate with ``decimals`` decimals (default 18, as the rate itself).
        ``quote`` names the unit of the answer (default: the native token's symbol; e.g. "eETH",
        ETH at par, to chain it with a market peg feed in a ``CompositeFeed``)."""
        target = state.contract(lrt)
        if not isinstance(target, LiquidRestakingToken):
            raise InvalidArgument(f"{lrt!r} is not an LRT issuer")
        check_decimals(decimals)
        feed = cls(state, address, network, lrt=lrt, base=target.token.symbol,
                   quote=quote or target.native.symbol, decimals=decimals)
        with state.atomic():
            state.register_contract(feed)
            state.depend(address, lrt, "reads-rate")
        return feed

    def latest(self) -> PriceReading:
        """The rate with ``decimals`` decimals (floor), as of now."""
        issuer: LiquidRestakingToken = self.state.contract(self.lrt)  # type: ignore[assignment]
        one = 10**self.decimals
        answer = issuer.to_value(issuer.unit) * one // 10**issuer.native.decimals
        return PriceReading(answer, self.decimals, self.state.now)


__all__ = [
    "DEFAULT_FEE_BPS", "Asset", "Book", "LiquidRestakingToken", "LrtDeposited", "LrtError", "LrtFeesAccrued",
    "LrtRateFeed", "LrtWithdrawalClaimed", "LrtWithdrawalRequested", "NotEnoughRestaked", "NotRequestOwner",
    "Request", "RequestClaimed", "RequestNotReady", "UnknownRequest", "UnsupportedAsset", "ZeroMint",
]
