"""The strategy manager: strategies, deposits and every staker's deposit shares (EigenLayer
v1.3.0 ``StrategyManager``), and the one entry point that deploys the restaking core.

A staker's **deposit shares** in a strategy are what EigenLayer's ``stakerDepositShares``
stores: plain strategy shares while the staker is undelegated, and units of its operator's
pool while delegated (:mod:`restaking.sharemath`); its **withdrawable shares**
(:meth:`shares_of`) are strategy shares either way, and their value is :meth:`to_assets`.

Who may act (:mod:`chain.calls`): a depositor is the caller the chain vouches for; strategies
are added by the owner when one is set (EigenLayer's strategy whitelister), by anyone
otherwise; the share hooks run only from the delegation manager's code
(``onlyDelegationManager``) and the reward deposit only from the allocation manager's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chain import Contract, State, Token, Unauthorized, atomic, external, token_node
from restaking.errors import StrategyExists
from restaking.events import Deposit, StrategyAdded
from restaking.params import BURN_ADDRESS, DEALLOCATION_DELAY, OPERATOR_SPLIT_BPS, WITHDRAWAL_DELAY
from restaking.records import AllocationParams, Counter, DelegationParams, StrategyBook
from restaking.strategy import Strategy
from restaking.validation import (
    validate_beneficiary,
    validate_only,
    validate_party,
    validate_positive,
    validate_strategy,
    validate_token,
)

if TYPE_CHECKING:
    from restaking.allocation import AllocationManager
    from restaking.delegation import DelegationManager


class StrategyManager(Contract):
    """Strategies and deposit shares (see the module docstring). Deploy with :meth:`deploy`."""

    kind = "restaking.strategy_manager"

    def __init__(self, state: State, address: str, network: str, *, owner: str | None,
                 delegation: str, allocation: str) -> None:
        super().__init__(state, address, network)
        self.owner = owner
        self.delegation_address = delegation
        self.allocation_address = allocation

    @classmethod
    def deploy(cls, state: State, address: str, network: str, *, owner: str | None = None,
               withdrawal_delay: int = WITHDRAWAL_DELAY, deallocation_delay: int = DEALLOCATION_DELAY,
               operator_split_bps: int = OPERATOR_SPLIT_BPS) -> StrategyManager:
        """Deploy the restaking core on ``network``: this manager at ``address``, its delegation
        manager at ``address + ".delegation"`` and its allocation manager at
        ``address + ".allocation"``; registers EigenLayer's burn address as an account.

        ``owner`` (default None: anyone adds strategies, as a scenario's permissionless
        ``StrategyFactory``) whitelists strategies. The delays (seconds) and the operators'
        reward split default to the v1.3.0 mainnet deployment (:mod:`restaking.params`: 14
        days, 14 days, 1000 bps). Raises UnknownNetwork, DuplicateName, UnknownAccount,
        ParameterOutOfBounds."""
        from restaking.allocation import AllocationManager
        from restaking.delegation import DelegationManager

        state.network(network)
        if owner is not None:
            state.require_address(owner)
        delegation, allocation = f"{address}.delegation", f"{address}.allocation"
        with state.atomic():
            manager = cls(state, address, network, owner=owner, delegation=delegation, allocation=allocation)
            state.register_contract(manager)
            dm = DelegationManager(state, delegation, network, manager=address, allocation=allocation)
            am = AllocationManager(state, allocation, network, manager=address, delegation=delegation)
            state.register_contract(dm)
            state.register_contract(am)
            manager._store("strategies", ())
            dm._store("params", DelegationParams())
            dm._store("withdrawals", Counter())
            am._store("params", AllocationParams())
            am._store("services", Counter())
            dm.check_param("withdrawal_delay", withdrawal_delay)
            am.check_param("deallocation_delay", deallocation_delay)
            am.check_param("operator_split_bps", operator_split_bps)
            dm._store("params", DelegationParams(withdrawal_delay))
            am._store("params", AllocationParams(deallocation_delay, operator_split_bps))
            if not state.has_address(BURN_ADDRESS):
                state.add_account(BURN_ADDRESS)
            state.depend(delegation, address, "shares-in")
            state.depend(allocation, delegation, "slashes-through")
        return manager

    # --- the other core contracts ------------------------------------------------------

    @property
    def delegation(self) -> DelegationManager:
        """The delegation manager deployed with this manager, bound to this state."""
        return self.state.contract(self.delegation_address)  # type: ignore[return-value]

    @property
    def allocation(self) -> AllocationManager:
        """The allocation manager deployed with this manager, bound to this state."""
        return self.state.contract(self.allocation_address)  # type: ignore[return-value]

    def _core(self) -> tuple[str, ...]:
        return (self.address, self.delegation_address, self.allocation_address, *self.strategies())

    # --- strategies --------------------------------------------------------------------

    def strategies(self) -> tuple[str, ...]:
        """Every strategy address, in the order added."""
        strategies: tuple[str, ...] = self._load("strategies")
        return strategies

    def strategy(self, strategy: str) -> Strategy:
        """The strategy contract at ``strategy`` (UnknownStrategy if it is none of ours)."""
        return self.state.contract(validate_strategy(self.strategies(), strategy))  # type: ignore[return-value]

    def strategy_for(self, token: Token) -> str | None:
        """The strategy of ``token``, None if it has none."""
        strategy: str | None = self._load(("token", token.key), None)
        return strategy

    @external
    @atomic
    def add_strategy(self, token: Token, caller: str | None = None) -> str:
        """Deploy a strategy for ``token`` at ``<manager>.strategy.<symbol>`` and whitelist it;
        returns its address. One strategy per token (``StrategyFactory.deployNewStrategy``).
        Only the owner may, when one is set (``caller``, when given, is checked against the
        chain's caller). Emits StrategyAdded. Raises Unauthorized, UnknownToken, WrongToken,
        StrategyExists."""
        who = self.msg_sender if caller is None else validate_party(self, caller, "caller")
        if self.owner is not None and who != self.owner:
            raise Unauthorized(f"{who!r} may not add strategies to {self.address!r}: only the owner "
                               f"{self.owner!r} may")
        validate_token(self.state, token, self.network)
        existing = self.strategy_for(token)
        if existing is not None:
            raise StrategyExists(f"{token.key} has the strategy {existing!r} already: deposit into it")
        address = f"{self.address}.strategy.{token.symbol}"
        strategy = Strategy(self.state, address, self.network, token=token, manager=self.address)
        self.state.register_contract(strategy)
        strategy._store("book", StrategyBook())
        self._store("strategies", (*self.strategies(), address))
        self._store(("token", token.key), address)
        self.state.depend(address, token_node(token), "holds-underlying")
        self.state.emit(StrategyAdded(self.address, address, token))
        return address

    # --- views -------------------------------------------------------------------------

    def strategy_assets(self, strategy: str) -> int:
        """Token the strategy holds, base units (every staker's, queued withdrawals' included)."""
        return self.strategy(strategy).assets()

    def total_shares(self, strategy: str) -> int:
        """Strategy shares in existence."""
        return self.strategy(strategy).total_shares()

    def to_assets(self, strategy: str, shares: int) -> int:
        """Assets of ``shares`` strategy shares, floored: ``(assets + 1e3) * shares // (total + 1e3)``."""
        return self.strategy(strategy).to_assets(shares)

    def to_shares(self, strategy: str, assets: int) -> int:
        """Strategy shares ``assets`` would buy, floored."""
        return self.strategy(strategy).to_shares(assets)

    def deposit_shares(self, staker: str, strategy: str) -> int:
        """The staker's stored deposit shares (strategy shares, or pool units when delegated)."""
        shares: int = self._load(("deposit", staker, strategy), 0)
        return shares

    def staker_strategies(self, staker: str) -> tuple[str, ...]:
        """Strategies in which ``staker`` has deposit shares (``stakerStrategyList``)."""
        strategies: tuple[str, ...] = self._load(("list", staker), ())
        return strategies

    def shares_of(self, staker: str, strategy: str) -> int:
        """The staker's withdrawable strategy shares (after every slash of its operator), floored."""
        validate_strategy(self.strategies(), strategy)
        return self.delegation.withdrawable_shares(staker, strategy)

    def assets_of(self, staker: str, strategy: str) -> int:
        """What the staker's withdrawable shares are worth now, floored (queued withdrawals excluded)."""
        return self.to_assets(strategy, self.shares_of(staker, strategy))

    # --- deposits ----------------------------------------------------------------------

    @external
    @atomic
    def deposit(self, staker: str, strategy: str, amount: int) -> int:
        """Deposit ``amount`` of the strategy's token from ``staker`` (the caller); returns the
        new strategy shares (``depositIntoStrategy``). A delegated staker's shares join its
        operator's pool (as units) and its operator's delegated stake. Emits Deposit. Raises
        NotTheCaller, UnknownAccount, InvalidArgument (a restaking contract), UnknownStrategy,
        InvalidAmount, InsufficientBalance, NewSharesZero, TotalSharesExceedsMax, FullySlashed."""
        validate_party(self, staker, "staker")
        validate_beneficiary(self.state, staker, self._core(), "staker")
        target = self.strategy(strategy)
        validate_positive(amount, "amount")
        self.state.transfer(target.token, staker, strategy, amount)
        shares = target.deposit(amount)
        credited = self.delegation.increase_delegated_shares(staker, strategy, shares)
        self._write_deposit(staker, strategy, self.deposit_shares(staker, strategy) + credited)
        self.state.emit(Deposit(strategy, staker, amount, shares))
        return shares

    def _write_deposit(self, staker: str, strategy: str, value: int) -> None:
        self._store(("deposit", staker, strategy), value)
        listed = self.staker_strategies(staker)
        if value and strategy not in listed:
            self._store(("list", staker), (*listed, strategy))
        elif not value and strategy in listed:
            self._store(("list", staker), tuple(s for s in listed if s != strategy))

    # --- hooks of the delegation and allocation managers --------------------------------

    @external
    def set_deposit_shares(self, staker: str, strategy: str, value: int) -> None:
        """Rewrite a staker's deposit shares (delegation, undelegation, withdrawals, operator
        rewards: EigenLayer's ``addShares``/``removeDepositShares``). Only the delegation
        manager's code may. Raises Unauthorized, UnknownStrategy."""
        validate_only(self, self.delegation_address, "delegation manager", "set deposit shares")
        validate_strategy(self.strategies(), strategy)
        self._write_deposit(staker, strategy, value)

    @external
    def withdraw_shares_as_tokens(self, recipient: str, strategy: str, shares: int) -> int:
        """Burn ``shares`` of a completed withdrawal and pay their assets to ``recipient``
        (``withdrawSharesAsTokens``); returns the assets. Only the delegation manager's code may."""
        validate_only(self, self.delegation_address, "delegation manager", "withdraw shares")
        return self.strategy(strategy).withdraw(recipient, shares)

    @external
    def burn_shares(self, strategy: str, shares: int) -> int:
        """Burn slashed ``shares``, sending their assets to EigenLayer's burn address at once (v1.3.0
        books them as burnable first and anyone may burn them later: same value, one step here);
        returns the assets burned. Only the delegation manager's code may."""
        validate_only(self, self.delegation_address, "delegation manager", "burn shares")
        return self.strategy(strategy).withdraw(BURN_ADDRESS, shares)

    @external
    def deposit_rewards(self, payer: str, strategy: str, assets: int) -> int:
        """Move a service's ``assets`` from ``payer`` into the strategy and mint their shares
        (to be credited to operator pools by the allocation manager); returns the shares.
        Only the allocation manager's code may."""
        validate_only(self, self.allocation_address, "allocation manager", "deposit rewards")
        target = self.strategy(strategy)
        self.state.transfer(target.token, payer, strategy, assets)
        return target.deposit(assets)

    # --- graph -------------------------------------------------------------------------

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``staker -> strategy`` (restaked: withdrawable shares and their assets) for every position."""
        for key in list(self._records()):
            if isinstance(key, tuple) and key[0] == "deposit" and self._load(key):
                _, staker, strategy = key
                shares = self.shares_of(staker, strategy)
                yield staker, strategy, "restaked", {"shares": shares, "assets": self.to_assets(strategy, shares)}
