"""The fast paths of the lending market against the general path they stand for.

- ``supply``, ``borrow`` (and a flash loan that opens debt) run on one world, and the same
  actions run on a twin world whose market takes the general path: accrue, the validators,
  the full rate strategy (``calculate_interest_rates``), the textbook account and price read
  (:func:`reference_account`, :func:`reference_price`), ``_put_rstate`` / ``_put_position``.
  After every action both states have the same digest (records, balances, events in order,
  the positions stamp) and both raised the same error, message included;
- ``account_data`` against the textbook account on random positions, prices and times;
- the per-reserve views: a new feed, a reverted change of feed and a fork are seen at once;
- ``health_factors`` against the formula it had before its arrays were cached, bit for bit.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from chain import InvalidAmount, ManualFeed, check_amount, external
from chain.fixedpoint import UINT256_MAX, WAD, percent_div, percent_mul, ray_div, ray_mul, wad_div
from lending import InvalidAssetPrice, Market, RateStrategy, account_data, calculate_interest_rates
from lending.errors import (
    BorrowingNotEnabled,
    CollateralBalanceZero,
    CollateralCannotCoverNewBorrow,
    HealthFactorTooLow,
    InconsistentEModeCategory,
    InvalidMintAmount,
    LtvValidationFailed,
)
from lending.events import Borrow, CollateralSet, FlashLoan, Supply
from lending.logic.flashloan import _repay_flash
from lending.reserve import accrue, normalized_debt, normalized_income
from lending.risk import _row_sums, health_factors
from lending.sentinel import validate_borrow_allowed
from lending.types import EMPTY_POSITION, AccountData, ReserveState
from lending.validation import validate_flags, validate_flash_loan, validate_prices_fresh, validate_supply
from tests.lending.conftest import USERS, make_world
from tests.lending.test_prices import RawFeed

E18, U6, P8 = 10**18, 10**6, 10**8


# --- the general path ---------------------------------------------------------------------


def reference_price(m: Market, i: int) -> int:
    """A reserve's price as the market read it before its views: resolve the feed, rescale."""
    cfg = m._rcfg(i)
    feed: Any = m.state.contract(cfg.feed)
    try:
        price = feed.latest().rescaled(m.price_decimals)
    except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise InvalidAssetPrice(f"feed {feed.address!r} gave no usable price ({exc}): fix the feed "
                                "or set another one with set_feed") from None
    if type(price) is not int or not 0 < price <= UINT256_MAX:
        raise InvalidAssetPrice(
            f"feed {feed.address!r} prices {cfg.asset.key} at {price!r} base units: the market "
            "uses only positive int prices; fix the feed or set another one with set_feed"
        )
    return price


def reference_account(m: Market, pos, prices: dict[int, int] | None = None,
                      read: dict[int, int] | None = None) -> AccountData:
    """``GenericLogic.calculateUserAccountData`` written plainly (v3.0.2)."""
    now = m.state.now
    emode = m._emode(pos.emode) if pos.emode else None
    collateral = debt = avg_ltv = avg_lt = 0
    zero_ltv = False
    for i in range(max(len(pos.supplied), len(pos.borrowed))):
        as_collateral = pos.uses_as_collateral(i) and pos.supplied_of(i)
        owes = pos.borrowed_of(i)
        if not (as_collateral or owes):
            continue
        cfg = m._rcfg(i)
        rs = m._rstate(i)
        if prices is not None and i in prices:
            price = prices[i]
        else:
            price = reference_price(m, i)
            if read is not None:
                read[i] = price
        if as_collateral and cfg.liquidation_threshold:
            value = ray_mul(pos.supplied_of(i), normalized_income(rs, now)) * price // cfg.unit
            collateral += value
            own = emode is not None and cfg.emode_category == emode.id
            ltv = emode.ltv if own else cfg.ltv
            lt = emode.liquidation_threshold if own else cfg.liquidation_threshold
            if cfg.ltv:
                avg_ltv += value * ltv
            else:
                zero_ltv = True
            avg_lt += value * lt
        if owes:
            debt += ray_mul(owes, normalized_debt(rs, now)) * price // cfg.unit
    if collateral:
        avg_ltv //= collateral
        avg_lt //= collateral
    else:
        avg_ltv = avg_lt = 0
    hf = UINT256_MAX if debt == 0 else wad_div(percent_mul(collateral, avg_lt), debt)
    return AccountData(collateral, debt, max(percent_mul(collateral, avg_ltv) - debt, 0), avg_ltv, avg_lt, hf,
                       zero_ltv)


def reference_validate_borrow(m: Market, cfg, rs, pos, amount: int) -> None:
    """Aave's ``validateBorrow``, in its order, on the textbook account."""
    if amount == 0:
        raise InvalidAmount("amount must be positive, got 0")
    validate_flags(cfg, frozen=True)
    if not cfg.borrowing_enabled:
        raise BorrowingNotEnabled(f"{cfg.asset.key} cannot be borrowed in this market")
    mc = m.config()
    if mc.sequencer_feed is not None:
        validate_borrow_allowed(m)
    if cfg.borrow_cap and ray_mul(rs.scaled_debt, rs.variable_borrow_index) + amount > cfg.borrow_cap * cfg.unit:
        raise AssertionError("no borrow cap in these scenarios")
    if pos.emode and cfg.emode_category != pos.emode:
        raise InconsistentEModeCategory(
            f"{cfg.asset.key} is not in the user's efficiency-mode category {pos.emode}: leave it first"
        )
    if mc.max_age is not None:
        validate_prices_fresh(m, pos, cfg)
    prices: dict[int, int] = {}
    acct = reference_account(m, pos, read=prices)
    if acct.total_collateral_base == 0:
        raise CollateralBalanceZero("the user has no enabled collateral: supply collateral first")
    if acct.ltv == 0:
        raise LtvValidationFailed("the user's collateral has zero LTV: it gives no borrowing power")
    if acct.health_factor <= WAD:
        raise HealthFactorTooLow(f"health factor {acct.health_factor} (WAD) is not above 1: repay or add collateral")
    price = prices[cfg.id] if cfg.id in prices else reference_price(m, cfg.id)
    needed = percent_div(acct.total_debt_base + price * amount // cfg.unit, acct.ltv)
    if needed > acct.total_collateral_base:
        raise CollateralCannotCoverNewBorrow(
            f"debt + new borrow need {needed} base of collateral at LTV {acct.ltv} bps; "
            f"the user has {acct.total_collateral_base}: borrow less "
            f"(at most {acct.available_borrows_base} base)"
        )


def reference_borrow(m: Market, user: str, i: int, amount: int, release: bool = True) -> None:
    state = m.state
    cfg = m._rcfg(i)
    rs = accrue(m._rstate(i), cfg.reserve_factor, state.now)
    pos = m._position(user)
    reference_validate_borrow(m, cfg, rs, pos, amount)
    scaled = ray_div(amount, rs.variable_borrow_index)
    if scaled == 0:
        raise InvalidMintAmount(f"{amount} wei is worth 0 scaled debt at index {rs.variable_borrow_index}")
    rs = rs.replace(scaled_debt=rs.scaled_debt + scaled)
    rates = calculate_interest_rates(
        cfg.strategy, available_liquidity=state.balance_of(cfg.asset, m.address) - (amount if release else 0),
        variable_debt=ray_mul(rs.scaled_debt, rs.variable_borrow_index), reserve_factor=cfg.reserve_factor,
    )
    m._put_rstate(i, rs.replace(liquidity_rate=rates.liquidity_rate, variable_borrow_rate=rates.variable_borrow_rate))
    m._put_position(user, pos.with_borrowed(i, pos.borrowed_of(i) + scaled), pos)
    if release:
        state.transfer(cfg.asset, m.address, user, amount)
    state.emit(Borrow(m.address, cfg.asset, user, amount, rates.variable_borrow_rate))


class ReferenceMarket(Market):
    """The market with supply, borrow and flash loans on the general path."""

    @external
    def supply(self, user: str, asset, amount: int, on_behalf_of: str | None = None) -> None:
        user = self.authorize(user, "user")
        check_amount(amount)
        i = self.reserve_id(asset)
        beneficiary = user if on_behalf_of is None else self._beneficiary(on_behalf_of, "on_behalf_of")
        state = self.state
        cfg = self._rcfg(i)
        rs = accrue(self._rstate(i), cfg.reserve_factor, state.now)
        validate_supply(cfg, rs, amount)
        rates = calculate_interest_rates(
            cfg.strategy, available_liquidity=state.balance_of(cfg.asset, self.address) + amount,
            variable_debt=ray_mul(rs.scaled_debt, rs.variable_borrow_index), reserve_factor=cfg.reserve_factor,
        )
        scaled = ray_div(amount, rs.liquidity_index)
        if scaled == 0:
            raise InvalidMintAmount(f"{amount} wei is worth 0 scaled units at index {rs.liquidity_index}")
        state.transfer(cfg.asset, user, self.address, amount)
        old = self._position(beneficiary)
        held = old.supplied_of(i)
        pos = old.with_supplied(i, held + scaled)
        enable = held == 0 and not pos.uses_as_collateral(i) and cfg.ltv != 0
        if enable:
            pos = pos.with_collateral(i, True)
        self._put_rstate(i, rs.replace(liquidity_rate=rates.liquidity_rate,
                                       variable_borrow_rate=rates.variable_borrow_rate,
                                       scaled_supply=rs.scaled_supply + scaled))
        self._put_position(beneficiary, pos, old)
        if enable:
            state.emit(CollateralSet(self.address, cfg.asset, beneficiary, True))
        state.emit(Supply(self.address, cfg.asset, user, beneficiary, amount))

    @external
    def borrow(self, user: str, asset, amount: int) -> None:
        user = self.authorize(user, "user")
        check_amount(amount)
        i = self.reserve_id(asset)
        with self.state.atomic():
            reference_borrow(self, user, i, amount)

    @external
    def flash_loan(self, receiver: str, asset, amount: int, callback, mode: int = 0) -> int:
        receiver = self.authorize(receiver, "receiver")
        check_amount(amount)
        i = self.reserve_id(asset)
        state = self.state
        with state.atomic():
            cfg = self._rcfg(i)
            validate_flash_loan(cfg, amount, state.balance_of(cfg.asset, self.address))
            premium = percent_mul(amount, self.config().flash_premium_total) if mode == 0 else 0
            state.transfer(cfg.asset, self.address, receiver, amount)
            self.call_back(receiver, callback, state, cfg.asset, amount, premium)
            if mode == 2:
                reference_borrow(self, receiver, i, amount, release=False)
            else:
                _repay_flash(self, receiver, i, amount, premium)
            state.emit(FlashLoan(self.address, receiver, cfg.asset, amount, premium, mode))
            return premium


# --- fast path and general path, action by action ----------------------------------------------


def twin_worlds():
    """Two equal worlds, the second with a ReferenceMarket facade; extra feeds to switch to."""
    worlds = []
    for reference in (False, True):
        world = make_world()
        state = world.state
        ManualFeed.deploy(state, "weth-usd-18", "ethereum", base="WETH", quote="USD", decimals=18,
                          answer=2000 * E18)
        ManualFeed.deploy(state, "usdc-usd-6", "ethereum", base="USDC", quote="USD", decimals=6, answer=U6)
        RawFeed.deploy(state, "raw", 0)
        world.market.supply("dave", world.usdc, 5_000_000 * U6)
        world.market.supply("dave", world.weth, 100 * E18)
        if reference:
            world.market.__class__ = ReferenceMarket
        worlds.append(world)
    return worlds


def _amount(rng: random.Random, unit: int) -> int:
    return rng.choice([0, 1, rng.randint(1, 100) * unit, rng.randint(1, 10**6) * unit // 1000,
                       rng.randint(1, 10**4) * unit, 10**40, -1])


def random_action(rng: random.Random):
    """One action as ``do(world)``, the same for both worlds."""
    user = rng.choice(USERS[:3])
    kind = rng.choice(["supply"] * 4 + ["borrow"] * 5 + ["flash2", "advance", "price", "feed", "param", "emode",
                                                         "repay", "withdraw", "reverted", "caught"])
    asset_name = rng.choice(["weth", "wsteth", "usdc"])
    unit = U6 if asset_name == "usdc" else E18
    amount = _amount(rng, unit)
    seconds = rng.choice([0, 1, 12, 3600, 86_400 * 30])
    price = rng.randint(500, 4000)
    feed = rng.choice(["weth-usd", "weth-usd-18", "usdc-usd", "usdc-usd-6", "raw", "wsteth-usd"])
    param = rng.choice([("WETH.ltv", rng.choice([0, 7000, 8050])), ("USDC.frozen", rng.randint(0, 1)),
                        ("USDC.borrowing_enabled", rng.randint(0, 1)), ("WETH.supply_cap", rng.choice([0, 2000])),
                        ("USDC.reserve_factor", rng.choice([0, 1000, 10_000])), ("USDC.paused", rng.randint(0, 1)),
                        ("WETH.liquidation_threshold", rng.choice([8300, 8600]))])
    category = rng.choice([0, 1])
    behalf = rng.choice([None, None, "carol"])

    def do(world) -> None:
        m, state = world.market, world.state
        asset = getattr(world, asset_name)
        if kind == "supply":
            with state.tx(user):
                m.supply(user, asset, amount, on_behalf_of=behalf)
        elif kind == "borrow":
            if rng_flag:
                with state.tx(user):
                    m.borrow(user, asset, amount)
            else:
                m.borrow(user, asset, amount)
        elif kind == "flash2":
            m.flash_loan(user, asset, amount, lambda *_: None, mode=2)
        elif kind == "advance":
            state.advance(seconds)
        elif kind == "price":
            world.feed("WETH").set(price * P8)
        elif kind == "feed":
            target = world.usdc if feed.startswith("usdc") else world.weth
            m.set_feed(target, feed)
        elif kind == "param":
            m.set_param(*param)
        elif kind == "emode":
            m.set_emode(user, category)
        elif kind == "repay":
            m.repay(user, asset, None)
        elif kind == "withdraw":
            m.withdraw(user, asset, amount if amount > 0 else None)
        elif kind == "reverted":  # a feed change and a supply undone by the transaction's revert
            with state.tx(user):
                m.supply(user, asset, unit)
                m.set_feed(world.usdc, feed)
                raise _Undo
        else:  # an error caught inside the transaction: the borrow alone reverts
            with state.tx(user):
                try:
                    m.borrow(user, asset, amount)
                except Exception:  # noqa: BLE001, S110 - either way the transaction goes on
                    pass
                m.supply(user, world.weth, E18 // 7)

    rng_flag = rng.random() < 0.7
    return f"{kind} {user} {asset_name} {amount}", do


class _Undo(Exception):
    pass


def outcome(do, world) -> tuple[str, str]:
    try:
        do(world)
    except _Undo:
        return "undone", ""
    except Exception as exc:  # noqa: BLE001 - compared, not swallowed
        return type(exc).__name__, str(exc)
    return "ok", ""


@pytest.mark.parametrize("seed", range(8))
def test_supply_and_borrow_as_the_general_path(seed: int) -> None:
    """Random actions (supplies, borrows of every size, flash loans opening debt, time, prices,
    feeds switched to other decimals or to an unusable feed, risk parameters, eMode, repays,
    withdrawals, reverted and partly caught transactions): both markets raise the same errors
    and end in the same state after every action."""
    fast, general = twin_worlds()
    rng = random.Random(seed)
    seen = set()
    for step in range(150):
        name, do = random_action(rng)
        got, want = outcome(do, fast), outcome(do, general)
        assert got == want, (step, name)
        assert fast.state.digest() == general.state.digest(), (step, name)
        seen.add(got[0])
    assert {"ok", "undone"} <= seen and len(seen) >= 5  # successes, a revert and several errors


def test_flash_loan_mode_2_as_the_general_path() -> None:
    """A flash loan opening debt (execute_borrow without the transfer) writes what the
    general path writes."""
    fast, general = twin_worlds()
    for world in (fast, general):
        world.market.supply("alice", world.weth, 10 * E18)
        world.market.flash_loan("alice", world.usdc, 1_000 * U6, lambda *_: None, mode=2)
    assert fast.state.digest() == general.state.digest()
    assert fast.market.debt("alice", fast.usdc) == 1_000 * U6


# --- the account -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_account_data_is_the_textbook_account(seed: int) -> None:
    """Imported positions of every shape (collateral on or off, eMode, zero-LTV collateral,
    debt only), at stale and fresh indexes, with and without price overrides."""
    world = make_world()
    m, state = world.market, world.state
    m.supply("dave", world.usdc, 1_000_000 * U6)
    m.supply("dave", world.weth, 100 * E18)
    m.borrow("dave", world.usdc, 100_000 * U6)
    rng = random.Random(seed)
    assets = (world.weth, world.wsteth, world.usdc)
    for k in range(40):
        user = state.add_account(f"p{k}")
        supplied = {a: rng.choice([0, rng.randint(1, 10**24)]) for a in assets[: rng.randint(0, 3)]}
        emode = rng.choice([0, 1])
        borrowed = {a: rng.randint(0, 10**22) for a in assets if rng.random() < 0.5
                    and (not emode or a is not world.usdc)}
        flags = {a: rng.random() < 0.8 for a, v in supplied.items() if v}
        m.import_position(user, supplied, borrowed, emode=emode, collateral=flags)
    if seed % 2:
        m.set_param("wstETH.ltv", 0)  # zero-LTV collateral
    for _ in range(3):
        state.advance(rng.randint(0, 86_400 * 90))
        world.feed("WETH").set(rng.randint(1, 5000) * P8)
        for k in range(40):
            pos = m.position(f"p{k}")
            assert account_data(m, pos) == reference_account(m, pos)
            read: dict[int, int] = {}
            fast_read: dict[int, int] = {}
            assert account_data(m, pos, read=fast_read) == reference_account(m, pos, read=read)
            assert fast_read == read
            overrides = {rng.randint(0, 2): rng.randint(1, 10**12)}
            assert account_data(m, pos, overrides) == reference_account(m, pos, overrides)
        m.supply("dave", world.usdc, U6)  # fresh indexes for USDC only


# --- the views ---------------------------------------------------------------------------------


class TestViews:
    def test_a_new_feed_is_read_at_once(self) -> None:
        """set_feed (here to a feed with other decimals) changes the price the next read uses;
        a feed's new answer is read at once too."""
        world = make_world()
        m = world.market
        assert m.price(world.weth) == 2000 * P8
        ManualFeed.deploy(world.state, "weth-18", "ethereum", base="WETH", quote="USD", decimals=18,
                          answer=1234 * E18 + 5)
        m.set_feed(world.weth, "weth-18")
        assert m.price(world.weth) == 1234 * P8
        world.state.contract("weth-18").set(999 * E18)
        assert m.price(world.weth) == 999 * P8

    def test_a_reverted_feed_change_is_undone(self) -> None:
        """A change of feed reverted with its transaction leaves the old feed pricing."""
        world = make_world()
        m = world.market
        RawFeed.deploy(world.state, "raw", 0)
        with pytest.raises(_Undo), world.state.tx("alice"):
            m.set_feed(world.weth, "raw")
            with pytest.raises(InvalidAssetPrice):
                m.price(world.weth)
            raise _Undo
        assert m.price(world.weth) == 2000 * P8

    def test_a_fork_reads_its_own_feeds_and_books(self) -> None:
        """A fork's market reads the fork's feed and cash; the parent's stay as they were."""
        world = make_world()
        m = world.market
        m.supply("bob", world.usdc, 1_000_000 * U6)
        m.supply("alice", world.weth, E18)
        m.borrow("alice", world.usdc, 100 * U6)  # the parent's views exist now
        fork = world.state.fork()
        fork.contract("weth-usd").set(1000 * P8)
        forked = fork.contract("aave")
        assert forked.price(world.weth) == 1000 * P8
        forked.borrow("alice", world.usdc, 100 * U6)
        assert fork.balance_of(world.usdc, "aave") == 1_000_000 * U6 - 200 * U6
        assert forked.reserve_state(world.usdc).variable_borrow_rate != m.reserve_state(world.usdc).variable_borrow_rate
        assert m.price(world.weth) == 2000 * P8
        assert world.state.balance_of(world.usdc, "aave") == 1_000_000 * U6 - 100 * U6

    def test_the_price_checks_stay(self) -> None:
        """A bool answer counts as an int (True * 1), a price past uint256 does not."""
        world = make_world()
        m = world.market
        feed = RawFeed.deploy(world.state, "raw", True)
        m.set_feed(world.usdc, "raw")
        assert m.price(world.usdc) == 1 and type(m.price(world.usdc)) is int
        feed._store("answer", (2**256, 8))
        with pytest.raises(InvalidAssetPrice, match="at 115792"):
            m.price(world.usdc)


# --- the risk view -----------------------------------------------------------------------------


def reference_health_factors(m: Market) -> tuple[tuple[str, ...], np.ndarray]:
    """health_factors as it was before the arrays kept categories and sums took columns."""
    n = m.config().reserve_count
    users, rows_s, rows_b, modes = [], [], [], []
    pad = (0,) * n
    for key, pos in m._records().items():
        if key[0] != "pos" or not any(pos.borrowed):
            continue
        users.append(key[1])
        mask = pos.collateral_mask
        rows_s.append([s if mask >> i & 1 else 0 for i, s in enumerate((pos.supplied + pad)[:n])])
        rows_b.append((pos.borrowed + pad)[:n])
        modes.append(pos.emode)
    shape = (len(users), n)
    supplied = np.array(rows_s, dtype=np.float64).reshape(shape)
    borrowed = np.array(rows_b, dtype=np.float64).reshape(shape)
    emode = np.array(modes, dtype=np.int64)
    now = m.state.now
    cfgs = [m._rcfg(i) for i in range(n)]
    states = [m._rstate(i) for i in range(n)]
    value = np.array([reference_price(m, i) / c.unit for i, c in enumerate(cfgs)], dtype=np.float64)
    income = np.array([normalized_income(s, now) / 10**27 for s in states]) * value
    debt_value = np.array([normalized_debt(s, now) / 10**27 for s in states]) * value
    lt = np.array([c.liquidation_threshold for c in cfgs], dtype=np.float64)
    category = np.array([c.emode_category for c in cfgs], dtype=np.int64)
    table = np.zeros(256)
    for cid in np.unique(emode).tolist():
        cat = m._emode(cid) if cid else None
        if cat is not None:
            table[cid] = cat.liquidation_threshold
    in_emode = (emode[:, None] == category[None, :]) & (emode[:, None] != 0)
    weights = np.where(in_emode, table[emode][:, None], lt[None, :])
    collateral = supplied * income
    total = collateral.sum(axis=1)
    safe_total = np.where(total > 0, total, 1.0)
    avg_lt = np.floor((collateral * weights).sum(axis=1) / safe_total + 1e-9)
    debt = borrowed @ debt_value
    hf = np.where(debt > 0, total * avg_lt / 1e4 / np.where(debt > 0, debt, 1.0), np.inf)
    return tuple(users), hf


def risk_market(extra_reserves: int, seed: int, users: int):
    """A market with 3 + ``extra_reserves`` reserves and ``users`` random imported positions
    (eMode users among them, collateral flags on and off, supply-only positions)."""
    world = make_world()
    m, state = world.market, world.state
    strategy = RateStrategy.from_percent("80", "0", "4", "75")
    assets = [world.weth, world.wsteth, world.usdc]
    for k in range(extra_reserves):
        token = state.add_token("ethereum", f"T{k}", 6 + k % 13)
        ManualFeed.deploy(state, f"t{k}-usd", "ethereum", base=f"T{k}", quote="USD", decimals=8, answer=(k + 1) * P8)
        m.list_reserve(token, f"t{k}-usd", strategy, ltv=5000, liquidation_threshold=6000 + 100 * k,
                       liquidation_bonus=10500, emode_category=1 if k % 3 == 0 else 0)
        assets.append(token)
    rng = random.Random(seed)
    for k in range(users):
        user = state.add_account(f"r{k}")
        emode = 1 if rng.random() < 0.3 else 0
        held = rng.sample(assets, rng.randint(1, min(4, len(assets))))
        supplied = {a: rng.randint(1, 10**6) * 10**a.decimals for a in held}
        debts = [a for a in assets if (not emode or m.reserve_config(a).emode_category == 1) and rng.random() < 0.4]
        borrowed = {a: rng.randint(1, 10**5) * 10**a.decimals // 7 for a in debts}
        flags = {a: rng.random() < 0.85 for a in held}
        m.import_position(user, supplied, borrowed, emode=emode, collateral=flags)
    return world


@pytest.mark.parametrize("extra_reserves, seed, users", [(0, 1, 300), (2, 2, 50), (4, 3, 9), (5, 4, 1),
                                                         (6, 5, 120), (9, 6, 80), (0, 7, 0)])
def test_health_factors_are_the_former_formula_bit_for_bit(extra_reserves: int, seed: int, users: int) -> None:
    """The same users and the same float64 health factors, value for value, across price moves,
    a change of eMode figures and a new position (4 to 12 reserves: the column sums below 8
    reserves, numpy's sum from 8)."""
    world = risk_market(extra_reserves, seed, users)
    m = world.market
    for step in range(3):
        got_users, got = health_factors(m)
        want_users, want = reference_health_factors(m)
        assert got_users == want_users
        assert got.dtype == want.dtype and np.array_equal(got, want), step
        world.feed("WETH").set((2000 - 300 * (step + 1)) * P8)
        m.set_emode_category(1, "ETH correlated", 9000 - 100 * step, 9300 - 100 * step, 10100)
        world.state.advance(86_400)
    if users:
        assert np.isfinite(got).any()


@pytest.mark.parametrize("rows", [0, 1, 7, 8, 9, 100, 10_001])
@pytest.mark.parametrize("columns", range(11))
def test_row_sums_are_numpy_sums(rows: int, columns: int) -> None:
    """_row_sums gives x.sum(axis=1) value for value, on magnitudes that round differently
    in another order."""
    rng = np.random.default_rng(rows * 31 + columns)
    x = rng.random((rows, columns)) * 10.0 ** rng.integers(-8, 24, (rows, columns))
    assert np.array_equal(_row_sums(x), x.sum(axis=1))


def test_empty_position_account() -> None:
    """The empty position has no collateral, no debt and the maximal health factor."""
    world = make_world()
    assert account_data(world.market, EMPTY_POSITION) == AccountData(0, 0, 0, 0, 0, UINT256_MAX, False)
    assert ReserveState._make(tuple(ReserveState())) == ReserveState()
