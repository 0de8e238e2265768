"""The market facade (Aave ``Pool``): input checks, one snapshot per action, then the logic.

Reserves are chain ledger tokens of the market's network; the market's address holds the
cash. aTokens and debt are scaled balances in :class:`lending.types.UserPosition` records.
Prices come from any chain ``Feed`` stored by address and read at every use; the facade of
each reserve's feed is resolved once per configuration record of the reserve (:class:`ReserveView`),
so forks and swapped feeds work; values are in the market's base currency with ``price_decimals``.
Every action checks everything before its first write or wraps itself in a snapshot: a
failure leaves no partial write, in or out of a transaction.

Who acts (:mod:`chain.calls`): every public action runs in the market's own call frame and
checks its acting party (the user, the payer, the liquidator, the flash-loan receiver, the
admin) against the caller the chain vouches for, as Aave's ``msg.sender``: inside a frame it
must be the caller; from outside every frame it must be an externally owned account (its own
implicit transaction). A contract's address acts only from that contract's code. Beneficiaries
(``on_behalf_of``, the user whose debt is repaid or liquidated) may be any address of the
market's network except the market itself. Flash-loan callbacks run in the receiver's frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Self, TypeVar

import attrs

from chain import (
    Contract,
    Governable,
    InvalidArgument,
    ParamSpec,
    PriceReading,
    State,
    Token,
    Unauthorized,
    WrongNetwork,
    check_amount,
    check_bps,
    check_decimals,
    external,
)
from chain.fixedpoint import PERCENTAGE_FACTOR, UINT256_MAX, WAD, ray_mul
from lending import params as _params
from lending.account import account_data as _account_data
from lending.errors import InvalidAssetPrice, ReserveAlreadyListed, ReserveNotListed, UnknownEModeCategory
from lending.events import FeedSet, OraclePolicySet, ReserveListed, ScaledBalanceChanged
from lending.logic.borrow import execute_borrow, execute_repay
from lending.logic.emode import execute_set_emode
from lending.logic.flashloan import FlashCallback, execute_flash_loan
from lending.logic.liquidation import (
    CLOSE_FACTOR_HF_THRESHOLD,
    DEFAULT_CLOSE_FACTOR,
    Seizure,
    execute_liquidation,
)
from lending.logic.snapshot import execute_import
from lending.logic.supply import (
    execute_mint_to_treasury,
    execute_set_collateral,
    execute_supply,
    execute_withdraw,
)
from lending.rates import RateStrategy
from lending.reserve import normalized_debt, normalized_income
from lending.sentinel import check_sequencer_oracle
from lending.types import (
    EMPTY_POSITION,
    LIQUIDATION_RULES,
    AccountData,
    EModeCategory,
    MarketConfig,
    ReserveConfig,
    ReserveState,
    UserPosition,
)

_EMPTY = EMPTY_POSITION
R = TypeVar("R")

LiquidationRule = Literal["v2", "v3.0.2", "v3.3"]


def _rule(rule: object, v33: object) -> str:
    """The liquidation rule from ``liquidation_rule`` and its alias ``liquidation_v33``."""
    if rule is None:
        return "v3.3" if v33 else "v3.0.2"
    if rule not in LIQUIDATION_RULES:
        raise InvalidArgument(f"liquidation_rule must be one of {LIQUIDATION_RULES}, got {rule!r}")
    if v33 and rule != "v3.3":
        raise InvalidArgument(f"liquidation_v33=True contradicts liquidation_rule={rule!r}: pass one of them")
    return str(rule)


class ReserveView:
    """What the hot paths derive from one reserve configuration record ``cfg``, computed once:
    its unit (``cfg.unit``), the facade of its feed (``state.contract(cfg.feed)``), the market's
    price decimals and the live book of its asset (``state.book(cfg.asset)``). Derived data of
    one market facade bound to one state, never state (:meth:`Market._view`)."""

    __slots__ = ("book", "cfg", "decimals", "feed", "unit")

    def __init__(self, market: Market, cfg: ReserveConfig) -> None:
        state = market.state
        self.cfg = cfg
        self.unit = cfg.unit
        self.feed: Any = state.contract(cfg.feed)
        self.decimals = market.price_decimals
        self.book: Mapping[str, int] = state.book(cfg.asset)

    def price(self) -> int:
        """The reserve's price in base units, read from its feed now (an answer can change at
        any time); raises InvalidAssetPrice unless it is a positive int within uint256 (a feed
        returning 0 must not value collateral or debt)."""
        feed = self.feed
        decimals = self.decimals
        try:
            reading = feed.latest()
            if type(reading) is PriceReading:  # PriceReading.rescaled with its first case inline
                answer, places, _ = reading
                price = answer * 1 if decimals == places else reading.rescaled(decimals)
            else:
                price = reading.rescaled(decimals)
        except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            raise InvalidAssetPrice(f"feed {feed.address!r} gave no usable price ({exc}): fix the feed "
                                    "or set another one with set_feed") from None
        if type(price) is not int or not 0 < price <= UINT256_MAX:
            raise InvalidAssetPrice(
                f"feed {feed.address!r} prices {self.cfg.asset.key} at {price!r} base units: the market "
                "uses only positive int prices; fix the feed or set another one with set_feed"
            )
        return price


class Market(Contract, Governable):
    """An Aave V3-style lending market on one network (see module docstring)."""

    kind = "lending.market"

    def __init__(self, state: State, address: str, network: str, base_currency: str = "USD",
                 price_decimals: int = 8) -> None:
        super().__init__(state, address, network)
        self.base_currency = base_currency
        self.price_decimals = price_decimals
        # Derived arrays of lending.risk, never state: rebuilt from the records whenever the
        # state object or the positions stamp differs from the one they were built for.
        self._risk_cache: Any = None
        # The borrowers of lending.risk's exact path, kept the same way: (state, stamp, users).
        self._borrowers_cache: Any = None
        # Accounts read at one state version (account_data without overrides): (version, by user).
        self._accounts: tuple[int, dict[str, AccountData]] = (-1, {})
        # Derived per-reserve data (:class:`ReserveView`), never state: see :meth:`_view`.
        self._views: dict[int, ReserveView] = {}

    def bind(self, state: State) -> Self:
        """The market bound to ``state`` (a fork), with no derived data of the original (its
        views hold the original state's feed facades and books)."""
        clone = super().bind(state)
        clone._views = {}
        clone._risk_cache = None
        clone._borrowers_cache = None
        clone._accounts = (-1, {})
        return clone

    @classmethod
    def deploy(
        cls, state: State, address: str, network: str, *, treasury: str, base_currency: str = "USD",
        price_decimals: int = 8, flash_premium_total: int = 5, flash_premium_to_protocol: int = 0,
        liquidation_rule: LiquidationRule | None = None, liquidation_v33: bool = False,
        close_factor_bps: int = DEFAULT_CLOSE_FACTOR, close_factor_hf_threshold: int = CLOSE_FACTOR_HF_THRESHOLD,
        close_factor_threshold_base: int | None = None, min_leftover_base: int | None = None,
    ) -> Market:
        """Register a market. ``liquidation_rule`` is "v2", "v3.0.2" (the default, Aave v3's
        deployed logic up to v3.2) or "v3.3"; ``liquidation_v33=True`` is an alias of "v3.3".
        ``close_factor_bps`` defaults to Aave's 50% and ``close_factor_hf_threshold`` to its
        0.95 (WAD); the v3.3 thresholds default to 2000 and 1000 units of the base currency
        (Aave's ``MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000e8`` / ``MIN_LEFTOVER_BASE = 1000e8``
        USD); pass them for a non-USD base. ``flash_premium_total`` defaults to Aave V3
        Ethereum's 5 bps (REFERENCE 2.7). The treasury is an account or a contract of
        ``network`` (raises UnknownAccount, WrongNetwork); bad figures raise InvalidArgument."""
        check_decimals(price_decimals, "price_decimals")
        _require_on(state, treasury, network, "treasury")
        rule = _rule(liquidation_rule, liquidation_v33)
        threshold = close_factor_threshold_base
        if threshold is None:
            threshold = 2000 * 10**price_decimals
        leftover = threshold // 2 if min_leftover_base is None else min_leftover_base
        if type(close_factor_bps) is not int or not 1 <= close_factor_bps <= PERCENTAGE_FACTOR:
            raise InvalidArgument(f"close_factor_bps must be an int in [1, 10000], got {close_factor_bps!r}")
        if type(close_factor_hf_threshold) is not int or not 0 <= close_factor_hf_threshold <= WAD:
            raise InvalidArgument("close_factor_hf_threshold must be an int WAD in [0, 1e18], got "
                                  f"{close_factor_hf_threshold!r}")
        config = MarketConfig(
            treasury, check_bps(flash_premium_total, "flash_premium_total"),
            check_bps(flash_premium_to_protocol, "flash_premium_to_protocol"),
            liquidation_rule=rule, close_factor_bps=close_factor_bps,
            close_factor_hf_threshold=close_factor_hf_threshold,
            close_factor_threshold_base=check_amount(threshold, "close_factor_threshold_base"),
            min_leftover_base=check_amount(leftover, "min_leftover_base"),
        )
        market = cls(state, address, network, base_currency, price_decimals)
        state.register_contract(market)
        market._store(("config",), config)
        return market

    # --- records -------------------------------------------------------------------------

    def config(self) -> MarketConfig:
        """Market-wide settings."""
        config: MarketConfig = self._load(("config",))
        return config

    def _rcfg(self, i: int) -> ReserveConfig:
        cfg: ReserveConfig = self._load(("rcfg", i))
        return cfg

    def _rstate(self, i: int) -> ReserveState:
        rs: ReserveState = self._load(("rs", i))
        return rs

    def _put_rstate(self, i: int, rs: ReserveState) -> None:
        self.state.put(self.address, ("rs", i), rs)  # a record of ints this package built

    def _position(self, user: str) -> UserPosition:
        pos: UserPosition = self._load(("pos", user), _EMPTY)
        return pos

    def _put_position(self, user: str, pos: UserPosition, old: UserPosition | None = None) -> None:
        """Store ``pos``; emits ScaledBalanceChanged for each scaled balance it changes from
        ``old`` (the stored position; read here when not given)."""
        state, address = self.state, self.address
        if old is None:
            old = self._position(user)
        state.put(address, ("pos", user), pos)  # tuples of ints and ints, built by UserPosition's methods
        state.put(address, ("stamp",), state.version)
        if old.supplied != pos.supplied:
            self._emit_scaled(user, "supplied", old.supplied, pos.supplied)
        if old.borrowed != pos.borrowed:
            self._emit_scaled(user, "borrowed", old.borrowed, pos.borrowed)

    def _put_change(self, i: int, rs: ReserveState, user: str, pos: UserPosition, side: str, delta: int,
                    index: int, asset: Token, then: tuple[object, ...] = ()) -> None:
        """Store reserve ``i``'s state ``rs`` and ``user``'s position ``pos``, which differs from
        the stored position by ``delta`` (non-zero) scaled units of reserve ``i`` (``asset``) on
        ``side`` only, then emit its ScaledBalanceChanged at ``index`` (the reserve's index on
        that side now) and the events ``then``: :meth:`_put_rstate` and :meth:`_put_position`
        (the same writes in the same order) for the one change of a supply or a borrow, without
        comparing the positions."""
        state, address = self.state, self.address
        put = state.put
        put(address, ("rs", i), rs)  # records of ints (and tuples of ints) this package built
        put(address, ("pos", user), pos)
        put(address, ("stamp",), state.version)
        state.emit(ScaledBalanceChanged._make((address, asset, user, side, delta, index)), *then)

    def _emit_scaled(self, user: str, side: str, old: tuple[int, ...], new: tuple[int, ...]) -> None:
        state = self.state
        index_of = normalized_income if side == "supplied" else normalized_debt
        now = state.now
        storage = self._storage
        n_old, n_new = len(old), len(new)
        for i in range(max(n_old, n_new)):
            delta = (new[i] if i < n_new else 0) - (old[i] if i < n_old else 0)
            if delta:
                index = index_of(storage[("rs", i)], now)  # as stored or stale: the same value now
                state.emit(ScaledBalanceChanged(self.address, storage[("rcfg", i)].asset, user, side, delta, index))

    def _emode(self, category: int) -> EModeCategory | None:
        cat: EModeCategory | None = self._load(("emode", category), None)
        return cat

    def _emode_for(self, pos: UserPosition, cfg: ReserveConfig) -> EModeCategory | None:
        """The user's category when ``cfg``'s asset belongs to it (its figures then apply)."""
        return self._emode(pos.emode) if pos.emode and cfg.emode_category == pos.emode else None

    def _view(self, i: int, cfg: ReserveConfig) -> ReserveView:
        """The :class:`ReserveView` of reserve ``i`` for its current configuration ``cfg``, built
        once per configuration record: every change of a reserve's settings (``set_feed``,
        ``set_reserve_config``, ``set_param``, a revert) stores another record, so a view is
        valid exactly while its ``cfg`` is the stored record."""
        view = self._views.get(i)
        if view is None or view.cfg is not cfg:
            view = self._views[i] = ReserveView(self, cfg)
        return view

    def _price(self, i: int, cfg: ReserveConfig | None = None) -> int:
        """Reserve ``i``'s price in base units (``cfg`` is its configuration, read when not
        given), read from its feed now: :meth:`ReserveView.price`."""
        if cfg is None:
            cfg = self._rcfg(i)
        return self._view(i, cfg).price()

    def reserve_id(self, asset: Token) -> int:
        """The reserve id of ``asset``; raises UnknownToken, WrongNetwork or ReserveNotListed."""
        i: int | None = self._load(("id", asset), None) if isinstance(asset, Token) else None
        if i is None:
            self.state.require_token(asset, self.network)
            raise ReserveNotListed(f"{asset.key} has no reserve in market {self.address!r}: list it first")
        return i

    # --- administration ----------------------------------------------------------------

    def _admin(self, caller: str | None) -> None:
        """Only the parameter admin (:meth:`chain.Governable.param_admin`; anyone while none is
        set) may call: the caller is ``caller`` when named, vouched for by the chain
        (:meth:`chain.Contract.authorize`: claiming to be a timelock from outside its code
        raises NotTheCaller), else the caller the chain sees (``msg_sender``)."""
        who = self.msg_sender if caller is None else self.authorize(caller, "admin")
        admin = self.param_admin()
        if admin is not None and who != admin:
            raise Unauthorized(f"{who!r} may not configure {self.address!r}: only its admin {admin!r} may "
                               "(from its own code or transaction)")

    @external
    def list_reserve(self, asset: Token, feed: str, strategy: RateStrategy, *, caller: str | None = None,
                     **settings: Any) -> int:
        """List ``asset`` priced by the feed at ``feed`` (a feed of the market's network);
        ``settings`` are ReserveConfig fields (ltv, liquidation_threshold, ... in bps; caps in
        whole tokens; flags as bools). Returns the reserve id."""
        self._admin(caller)
        self.state.require_token(asset, self.network)
        if self._load(("id", asset), None) is not None:
            raise ReserveAlreadyListed(f"{asset.key} is already listed in {self.address!r}")
        _params.check_feed(self, feed)
        if not isinstance(strategy, RateStrategy):
            raise InvalidArgument("strategy must be a lending.RateStrategy")
        mc = self.config()
        try:
            cfg = ReserveConfig(asset=asset, id=mc.reserve_count, feed=feed, strategy=strategy, **settings)
        except TypeError as exc:
            raise InvalidArgument(f"unknown reserve setting: {exc}") from None
        _params.check_reserve(cfg)
        self._store(("config",), attrs.evolve(mc, reserve_count=mc.reserve_count + 1))
        self._store(("id", asset), cfg.id)
        self._store(("sym", asset.symbol), cfg.id)
        self._store(("rcfg", cfg.id), cfg)
        self._store(("rs", cfg.id), ReserveState(last_update=self.state.now))
        self.state.emit(ReserveListed(self.address, asset, cfg.id, feed))
        return cfg.id

    @external
    def set_emode_category(self, category: int, label: str, ltv: int, liquidation_threshold: int,
                           liquidation_bonus: int, *, caller: str | None = None) -> None:
        """Create or replace an efficiency-mode category (id 1..255; figures in bps)."""
        self._admin(caller)
        if type(category) is not int or not 1 <= category <= 255:
            raise UnknownEModeCategory(f"category ids are ints in [1, 255], got {category!r}")
        cat = EModeCategory(category, label, ltv, liquidation_threshold, liquidation_bonus)
        _params.check_emode(cat)
        self._store(("emode", category), cat)

    @external
    def set_feed(self, asset: Token, feed: str, *, caller: str | None = None) -> None:
        """Price ``asset`` with another feed of the market's network (e.g. exchange rate
        instead of market price). Emits FeedSet."""
        self._admin(caller)
        i = self.reserve_id(asset)
        _params.check_feed(self, feed)
        old = self._rcfg(i)
        self._store(("rcfg", i), attrs.evolve(old, feed=feed))
        self.state.emit(FeedSet(self.address, asset, old.feed, feed))

    @external
    def set_reserve_config(self, asset: Token, caller: str | None = None, **changes: Any) -> None:
        """Replace reserve settings directly (admin), accruing first; prefer ``set_param``.
        The new settings pass the checks of a listing (and a new feed those of ``set_feed``,
        emitting FeedSet). Raises InvalidReserveParams, UnknownContract, WrongNetwork..."""
        self._admin(caller)
        i = self.reserve_id(asset)
        with self.state.atomic():
            old = _params.apply_reserve_changes(self, i, changes)
            new = self._rcfg(i).feed
            if new != old.feed:
                self.state.emit(FeedSet(self.address, asset, old.feed, new))

    @external
    def set_oracle_policy(self, max_age: int | None = None, sequencer_feed: str | None = None,
                          grace_period: int = 3600, *, caller: str | None = None) -> None:
        """Set how fresh prices must be for a borrow and the L2 sequencer sentinel (admin).
        ``max_age`` (s, None = any age): a borrow using a price older than that reverts
        chain.StaleFeed. ``sequencer_feed``: a contract with ``latest_answer() -> (is_down,
        since)`` (:class:`lending.SequencerOracle`; None = no sentinel); while it reports down,
        and for ``grace_period`` s after it came up, borrows revert SequencerDown / GracePeriod
        and only positions below HF 0.95 can be liquidated (Aave ``PriceOracleSentinel``). The
        default grace period, 3600 s, is the one of Chainlink's L2 sequencer uptime feed example
        (docs.chain.link, "L2 Sequencer Uptime Feeds", ``GRACE_PERIOD_TIME = 3600``); Aave sets
        its own per deployment. Only borrows check ``max_age`` (liquidations, as Aave's, read the
        latest price). Emits OraclePolicySet."""
        self._admin(caller)
        if max_age is not None and (type(max_age) is not int or max_age < 0):
            raise InvalidArgument(f"max_age must be None or an int number of seconds >= 0, got {max_age!r}")
        if type(grace_period) is not int or grace_period < 0:
            raise InvalidArgument(f"grace_period must be an int number of seconds >= 0, got {grace_period!r}")
        if sequencer_feed is not None:
            check_sequencer_oracle(self, sequencer_feed)
        self._store(("config",), attrs.evolve(self.config(), max_age=max_age, sequencer_feed=sequencer_feed,
                                              grace_period=grace_period))
        self.state.emit(OraclePolicySet(self.address, max_age, sequencer_feed, grace_period))

    # --- governable parameters ------------------------------------------------------------

    def param_specs(self) -> dict[str, ParamSpec]:
        return _params.specs(self)

    def get_param(self, name: str) -> int:
        return _params.get(self, name)

    def _apply_param(self, name: str, value: int) -> None:
        self._atomic(_params.apply, name, value)

    # --- actions -------------------------------------------------------------------------

    def _atomic(self, fn: Callable[..., R], *args: Any) -> R:
        with self.state.atomic():
            return fn(self, *args)

    def _beneficiary(self, who: str, role: str) -> str:
        """``who`` as an address credited or relieved by an action: an account, or a contract
        of the market's network other than the market (whose own aTokens or debt would sit
        outside its books)."""
        state = self.state
        if state.is_account(who):
            return who
        if who == self.address:
            raise InvalidArgument(f"{role} may not be the market {self.address!r} itself: name an account "
                                  "or another contract")
        return _require_on(state, who, self.network, role)

    @external
    def import_position(self, user: str, supplied: Mapping[Token, int], borrowed: Mapping[Token, int], *,
                        emode: int = 0, collateral: Mapping[Token, bool] | None = None) -> None:
        """Write a snapshot position for ``user`` (an account or contract with no position here):
        ``supplied`` and ``borrowed`` wei per asset become scaled balances at each reserve's
        current indexes; the supplied underlying is minted to the market (the snapshot's cash)
        and the borrowed to the user (it left the market before the snapshot), so conservation
        and solvency hold. ``collateral`` flags override, per asset, the default (a supplied
        asset with a non-zero liquidation threshold counts as collateral). Checks listed and
        active reserves, ints >= 0, the category (and every borrowed asset in it), flags only on
        supplied assets usable as collateral, an empty account; not LTV or HF (a snapshot is not
        a borrow: it may be above LTV or liquidatable at once). Caps and frozen flags do not
        apply. Set-up, like a faucet: from a script (outside every transaction) or from the
        market's admin (anyone while no admin is set). Typed errors name the asset; nothing is
        written on error. Emits PositionImported."""
        if self.msg_sender is not None:
            self._admin(None)
        who = self._beneficiary(user, "user")
        self._atomic(execute_import, who, supplied, borrowed, emode, collateral)

    @external
    def supply(self, user: str, asset: Token, amount: int, on_behalf_of: str | None = None) -> None:
        """Supply ``amount`` wei of ``asset`` from ``user`` (the caller) for ``on_behalf_of``
        (default user). Raises NotTheCaller when ``user`` is not the caller. Checks everything
        before its first write, so it takes no snapshot."""
        user = self.authorize(user, "user")
        if type(amount) is not int or not 0 <= amount <= UINT256_MAX:
            check_amount(amount)
        i = self.reserve_id(asset)
        beneficiary = user if on_behalf_of is None else self._beneficiary(on_behalf_of, "on_behalf_of")
        execute_supply(self, user, i, amount, beneficiary)

    @external
    def withdraw(self, user: str, asset: Token, amount: int | None = None) -> int:
        """Withdraw ``amount`` wei (None or 2**256-1: all) of ``user``'s (the caller's) supply;
        returns the amount withdrawn."""
        user = self.authorize(user, "user")
        if amount is not None:
            check_amount(amount)
            amount = None if amount == UINT256_MAX else amount
        i = self.reserve_id(asset)
        return self._atomic(execute_withdraw, user, i, amount)

    @external
    def borrow(self, user: str, asset: Token, amount: int) -> None:
        """Borrow ``amount`` wei of ``asset`` at the variable rate for ``user`` (the caller)."""
        user = self.authorize(user, "user")
        if type(amount) is not int or not 0 <= amount <= UINT256_MAX:
            check_amount(amount)
        i = self.reserve_id(asset)
        with self.state.atomic():
            execute_borrow(self, user, i, amount)

    @external
    def repay(self, user: str, asset: Token, amount: int | None = None, with_a_tokens: bool = False,
              payer: str | None = None) -> int:
        """Repay ``amount`` wei (None or 2**256-1: all) of ``user``'s debt, paid by ``payer``
        (default user), who must be the caller (Aave's ``msg.sender`` pays), in cash or, with
        ``with_a_tokens``, from the payer's supply. Returns wei repaid."""
        payer = self.authorize(user if payer is None else payer, "payer")
        if amount is not None:
            check_amount(amount)
        i = self.reserve_id(asset)
        debtor = payer if user == payer else self._beneficiary(user, "user")
        return self._atomic(execute_repay, payer, debtor, i, amount, bool(with_a_tokens))

    @external
    def set_collateral(self, user: str, asset: Token, enabled: bool) -> None:
        """Use (or stop using) ``user``'s (the caller's) supply of ``asset`` as collateral."""
        user = self.authorize(user, "user")
        i = self.reserve_id(asset)
        self._atomic(execute_set_collateral, user, i, bool(enabled))

    @external
    def set_emode(self, user: str, category: int) -> None:
        """Enter efficiency-mode ``category`` (0 leaves) for ``user`` (the caller)."""
        user = self.authorize(user, "user")
        if type(category) is not int or not 0 <= category <= 255:
            raise UnknownEModeCategory(f"category must be an int in [0, 255], got {category!r}")
        self._atomic(execute_set_emode, user, category)

    @external
    def liquidate(self, liquidator: str, user: str, collateral: Token, debt: Token, debt_to_cover: int,
                  receive_a_token: bool = False) -> Seizure:
        """Cover up to ``debt_to_cover`` wei (2**256-1: the maximum) of ``user``'s ``debt`` from
        ``liquidator`` (the caller, who pays) and seize ``collateral`` with the bonus; returns
        the :class:`Seizure`."""
        liquidator = self.authorize(liquidator, "liquidator")
        check_amount(debt_to_cover)
        cr, dr = self.reserve_id(collateral), self.reserve_id(debt)
        victim = self._beneficiary(user, "user")
        return self._atomic(execute_liquidation, liquidator, victim, cr, dr, debt_to_cover,
                            bool(receive_a_token))

    @external
    def flash_loan(self, receiver: str, asset: Token, amount: int, callback: FlashCallback,
                   mode: int = 0) -> int:
        """Lend ``amount`` wei to ``receiver`` (the caller, who pays back or owes the debt) for
        the duration of ``callback``, which runs in the receiver's call frame (see
        :func:`lending.logic.flashloan.execute_flash_loan`); returns the premium."""
        receiver = self.authorize(receiver, "receiver")
        check_amount(amount)
        i = self.reserve_id(asset)
        if mode not in (0, 2) or type(mode) is not int:
            raise InvalidArgument(f"mode must be 0 (repay) or 2 (open variable debt), got {mode!r}")
        if not callable(callback):
            raise InvalidArgument("callback must be callable(state, asset, amount, premium)")
        return self._atomic(execute_flash_loan, receiver, i, amount, callback, mode)

    @external
    def mint_to_treasury(self, asset: Token) -> int:
        """Mint the reserve's accrued treasury share as aTokens (anyone may: Aave's
        ``mintToTreasury`` is public); returns wei minted."""
        return self._atomic(execute_mint_to_treasury, self.reserve_id(asset))

    # --- views ---------------------------------------------------------------------------

    def reserves(self) -> list[Token]:
        """Listed assets in id order."""
        return [self._rcfg(i).asset for i in range(self.config().reserve_count)]

    def reserve_config(self, asset: Token) -> ReserveConfig:
        return self._rcfg(self.reserve_id(asset))

    def reserve_state(self, asset: Token) -> ReserveState:
        """The stored record (indexes as of its ``last_update``)."""
        return self._rstate(self.reserve_id(asset))

    def emode_category(self, category: int) -> EModeCategory | None:
        return self._emode(category)

    def price(self, asset: Token) -> int:
        """Price of one whole ``asset`` in base units (``price_decimals``)."""
        return self._price(self.reserve_id(asset))

    def position(self, user: str) -> UserPosition:
        return self._position(user)

    def users(self) -> list[str]:
        """Every address with a position record."""
        return [key[1] for key in self._records() if key[0] == "pos"]

    def supplied(self, user: str, asset: Token) -> int:
        """aToken balance in wei: ``rayMul(scaled, normalized income)``."""
        i = self.reserve_id(asset)
        income = normalized_income(self._rstate(i), self.state.now)
        return ray_mul(self._position(user).supplied_of(i), income)

    def debt(self, user: str, asset: Token) -> int:
        """Variable debt in wei: ``rayMul(scaled, normalized debt)``."""
        i = self.reserve_id(asset)
        return ray_mul(self._position(user).borrowed_of(i), normalized_debt(self._rstate(i), self.state.now))

    def account_data(self, user: str, prices: dict[Token, int] | None = None) -> AccountData:
        """The user's account in base units; ``prices`` (base units per whole token) override
        feed prices for what-if questions. Without overrides, computed once per state version
        (it reads only the state: the position, reserves, feeds and the clock)."""
        if prices is not None:
            overrides = {self.reserve_id(t): p for t, p in prices.items()}
            return _account_data(self, self._position(user), overrides)
        version = self.state.version
        kept = self._accounts
        if kept[0] != version:
            kept = self._accounts = (version, {})
        account = kept[1].get(user)
        if account is None:
            account = kept[1][user] = _account_data(self, self._position(user))
        return account

    def health_factor(self, user: str) -> int:
        """Health factor in WAD (2**256-1 without debt)."""
        return self.account_data(user).health_factor

    def liquidity_index(self, asset: Token) -> int:
        """Current liquidity index (RAY)."""
        return normalized_income(self.reserve_state(asset), self.state.now)

    def borrow_index(self, asset: Token) -> int:
        """Current variable borrow index (RAY)."""
        return normalized_debt(self.reserve_state(asset), self.state.now)

    # --- graph ---------------------------------------------------------------------------

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """user -> market "supplied", market -> user "lent-to", market -> feed "prices-with"."""
        now = self.state.now
        cfgs = [self._rcfg(i) for i in range(self.config().reserve_count)]
        incomes = [normalized_income(self._rstate(c.id), now) for c in cfgs]
        debts = [normalized_debt(self._rstate(c.id), now) for c in cfgs]
        for cfg in cfgs:
            yield self.address, cfg.feed, "prices-with", {"asset": cfg.asset.key}
        for key, pos in self._records().items():
            if key[0] != "pos":
                continue
            for i, scaled in enumerate(pos.supplied):
                if scaled:
                    data = {"asset": cfgs[i].asset.key, "amount": ray_mul(scaled, incomes[i])}
                    yield key[1], self.address, "supplied", data
            for i, scaled in enumerate(pos.borrowed):
                if scaled:
                    data = {"asset": cfgs[i].asset.key, "amount": ray_mul(scaled, debts[i])}
                    yield self.address, key[1], "lent-to", data



def _require_on(state: State, address: str, network: str, role: str) -> str:
    """``address`` if it is an account (usable on every network) or a contract of ``network``;
    raises UnknownAccount or WrongNetwork."""
    state.require_address(address)
    if state.is_contract(address):
        home = state.contract(address).network
        if home != network:
            raise WrongNetwork(f"{role} {address!r} is a contract of {home!r}, not of {network!r}: "
                               f"name an account or a contract of {network!r}")
    return address
