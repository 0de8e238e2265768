"""An instant unstake venue (Marinade ``LiqPool``): a pool of native that buys the LST at its
protocol value minus a fee, the fee falling linearly with the liquidity left after the trade.

From marinade-finance/liquid-staking-program
``programs/marinade-finance/src/instructions/liq_pool/liquid_unstake.rs`` and
``state/liq_pool.rs``:

- ``linear_fee(left) = min_fee`` if ``left >= target``, else
  ``max_fee - (max_fee - min_fee) * left // target`` (bps; the floor makes the fee round up);
  a trade that takes all the liquidity pays ``max_fee``;
- the fee is charged in the LST, ``fee = amount * bps // 10_000`` (``Fee::apply``, floor), and
  the seller receives the native value of ``amount - fee``;
- the treasury takes ``treasury_cut_bps`` of the LST fee (Marinade 25%), the rest stays for LPs.

LP shares are records of this contract; ``add_liquidity`` mints ``native * supply // value``
(1:1 at first) where value = native held + protocol value of the LST held.

Every action is its caller's (:mod:`chain.calls`): the seller or provider must be the caller,
and the pool moves their tokens from its own code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from attrs import evolve

from chain import InsufficientBalance, InvalidArgument, State, atomic, check_amount, check_bps, external
from chain.fixedpoint import percent_mul_floor
from lst.client import IssuerClient, require_issuer
from lst.errors import InsufficientLiquidity, SlippageExceeded, ZeroDeposit
from lst.events import LiquidityChanged, LiquidUnstaked
from lst.records import LpBalance, LpSupply, UnstakeParams
from lst.validation import validate_on_network, validate_party


def linear_fee(left: int, min_fee_bps: int, max_fee_bps: int, target: int) -> int:
    """Fee in bps with ``left`` native remaining after the trade (see module docstring)."""
    if left >= target:
        return min_fee_bps
    return max_fee_bps - (max_fee_bps - min_fee_bps) * left // target


class UnstakePool(IssuerClient):
    """The liquid unstake pool of one issuer. Deploy with :meth:`deploy`."""

    kind = "lst.unstake_pool"

    def __init__(
        self,
        state: State,
        address: str,
        network: str,
        *,
        issuer: str,
        treasury: str | None,
        treasury_cut_bps: int,
    ) -> None:
        super().__init__(state, address, network)
        self.issuer_address = issuer
        self.treasury = treasury
        self.treasury_cut_bps = treasury_cut_bps

    @classmethod
    def deploy(
        cls,
        state: State,
        address: str,
        network: str,
        *,
        issuer: str,
        liquidity_target: int,
        min_fee_bps: int = 30,
        max_fee_bps: int = 300,
        treasury: str | None = None,
        treasury_cut_bps: int = 2500,
    ) -> UnstakePool:
        """Deploy a pool for ``issuer``'s token; Marinade's defaults are 0.3% to 3% and a 25%
        treasury cut. Raises InvalidArgument (min fee above max, zero target, the issuer as
        treasury), InvalidAmount, WrongNetwork (the issuer or treasury on another network)."""
        require_issuer(state, issuer, network)
        check_bps(min_fee_bps, "min_fee_bps")
        check_bps(max_fee_bps, "max_fee_bps")
        check_bps(treasury_cut_bps, "treasury_cut_bps")
        if min_fee_bps > max_fee_bps:
            raise InvalidArgument(f"min_fee_bps {min_fee_bps} exceeds max_fee_bps {max_fee_bps}")
        check_amount(liquidity_target, "liquidity_target", positive=True)
        if treasury is not None:
            validate_on_network(state, treasury, network, "treasury")
            if treasury == issuer:
                raise InvalidArgument(
                    f"the issuer {issuer!r} cannot take the treasury cut: it refuses its own token"
                )
        with state.atomic():
            pool = cls(
                state, address, network, issuer=issuer, treasury=treasury, treasury_cut_bps=treasury_cut_bps
            )
            state.register_contract(pool)
            pool._store("params", UnstakeParams(min_fee_bps, max_fee_bps, liquidity_target))
            pool._store("lp", LpSupply())
            state.depend(address, issuer, "prices-at")
        return pool

    def liquidity(self) -> int:
        """Native wei available to buyers."""
        return self.state.balance_of(self.issuer.native, self.address)

    def value(self) -> int:
        """Native held plus the protocol value of the shares held, wei (floor)."""
        issuer = self.issuer
        return self.liquidity() + issuer.get_pooled_by_shares(issuer.shares_of(self.address))

    def lp_of(self, provider: str) -> int:
        """Pool shares of ``provider``."""
        balance: LpBalance = self._load(("lp", provider), LpBalance())
        return balance.lp

    def fee_bps(self, amount: int) -> int:
        """The fee in bps a sale of ``amount`` token units would pay now."""
        params: UnstakeParams = self._load("params")
        value, available = self.issuer.to_native(amount), self.liquidity()
        if value >= available:
            return params.max_fee_bps
        return linear_fee(available - value, params.min_fee_bps, params.max_fee_bps, params.liquidity_target)

    @external
    @atomic
    def liquid_unstake(self, user: str, amount: int, min_out: int = 0) -> int:
        """Sell ``amount`` token units of ``user`` (the caller) for native now; returns the wei paid.

        Emits LiquidUnstaked. Raises NotTheCaller, ZeroDeposit, InvalidAmount,
        InsufficientLiquidity, SlippageExceeded, InsufficientBalance, StakingPaused, UnknownAccount.
        """
        validate_party(self, user, "user")
        if check_amount(amount, "amount") == 0:
            raise ZeroDeposit("cannot unstake 0")
        check_amount(min_out, "min_out")
        issuer = self.issuer
        bps = self.fee_bps(amount)
        fee = percent_mul_floor(amount, bps)
        paid = issuer.to_native(amount - fee)
        if paid > self.liquidity():
            raise InsufficientLiquidity(f"the pool holds {self.liquidity()} wei and cannot pay {paid}")
        if paid < min_out:
            raise SlippageExceeded(f"the sale pays {paid} wei, below min_out {min_out}")
        if issuer.balance_of(user) < amount:
            raise InsufficientBalance(f"{user} holds {issuer.balance_of(user)} and cannot sell {amount}")
        cut = percent_mul_floor(fee, self.treasury_cut_bps) if self.treasury is not None else 0
        issuer.transfer_from(user, self.address, amount - cut)
        if cut:
            issuer.transfer_from(user, self.treasury, cut)  # type: ignore[arg-type]
        self.state.transfer(issuer.native, self.address, user, paid)
        self.state.emit(LiquidUnstaked(self.address, user, amount, paid, bps))
        return paid

    @external
    @atomic
    def add_liquidity(self, provider: str, amount: int) -> int:
        """Add ``amount`` native wei of ``provider`` (the caller); returns the pool shares minted
        (floor). Emits LiquidityChanged. Raises NotTheCaller, ZeroDeposit, InvalidAmount,
        InsufficientBalance, UnknownAccount."""
        validate_party(self, provider, "provider")
        if check_amount(amount, "amount") == 0:
            raise ZeroDeposit("cannot add 0 liquidity")
        supply: LpSupply = self._load("lp")
        value = self.value()
        lp = amount if supply.lp == 0 or value == 0 else amount * supply.lp // value
        if lp == 0:
            raise ZeroDeposit(f"{amount} wei buys 0 pool shares: add more")
        self.state.transfer(self.issuer.native, provider, self.address, amount)
        self._store(("lp", provider), LpBalance(self.lp_of(provider) + lp))
        self._store("lp", LpSupply(supply.lp + lp))
        self.state.emit(LiquidityChanged(self.address, provider, lp, amount, 0))
        return lp

    @external
    @atomic
    def remove_liquidity(self, provider: str, lp: int) -> tuple[int, int]:
        """Burn ``lp`` pool shares of ``provider`` (the caller); pay it its part of the native
        and of the shares held (both floored). Returns ``(native wei, shares)``. Emits
        LiquidityChanged. Raises NotTheCaller, ZeroDeposit, InvalidAmount, InsufficientBalance."""
        validate_party(self, provider, "provider")
        if check_amount(lp, "lp") == 0:
            raise ZeroDeposit("cannot remove 0 pool shares")
        held = self.lp_of(provider)
        if held < lp:
            raise InsufficientBalance(f"{provider} holds {held} pool shares, not {lp}")
        issuer, supply = self.issuer, self._load("lp")
        native = self.liquidity() * lp // supply.lp
        shares = issuer.shares_of(self.address) * lp // supply.lp
        self._store(("lp", provider), LpBalance(held - lp))
        self._store("lp", evolve(supply, lp=supply.lp - lp))
        self.state.transfer(issuer.native, self.address, provider, native)
        if shares:
            issuer.transfer_shares(self.address, provider, shares)
        self.state.emit(LiquidityChanged(self.address, provider, -lp, native, shares))
        return native, shares

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``provider -> pool`` for each liquidity provider."""
        for key, record in self._records().items():
            if isinstance(key, tuple) and key[0] == "lp" and record.lp:
                yield key[1], self.address, "supplied", {"lp": record.lp}
