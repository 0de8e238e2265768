"""The issuer: native in, shares out; validators, oracle reports, slashing (Lido V2 semantics).

Shares are the truth. The issuer's ledger token holds SHARES: ``state.balance_of(issuer.token,
x)`` returns x's shares, exactly Lido's ``shares`` mapping, and a plain ``state.transfer`` of
that token is Lido's ``transferShares`` (token mechanics: :mod:`lst.token`). Two styles, one code:

- ``rebasing=True`` (stETH): the facade shows the rebasing view, ``balance_of(x) =
  shares * total_pooled // total_shares`` (floor), and ``transfer(src, dst, amount)`` moves
  ``amount * total_shares // total_pooled`` shares, so the recipient can see 1-2 wei less than
  ``amount`` (Lido ``StETH.transfer``);
- ``rebasing=False`` (rETH, mSOL, stATOM): the token amount IS the share amount and its value
  in native, ``st_per_token()``, rises with rewards.

Total pooled native = ``buffered + cl_balance + (deposited_validators - cl_validators) * size``
(Lido V2 ``_getTotalPooledEther``). Deposited native is burned from the issuer's buffer (sent
to the beacon deposit contract, unrecoverable on the execution side); native coming back from
the consensus layer (``withdrawn``) and execution rewards are minted into the buffer.

Who may act (:mod:`chain.calls`): every public action runs in the issuer's own call frame. A
staker or sender is the caller the chain vouches for (``submit``, ``transfer``); a contract's
code may pull a user's tokens with ``transfer_from`` (the approval is implicit, as the chain's
ledger lets a contract's code move what its logic decides); oracle reports come only from the
oracle, queue hooks only from the attached queue's code and operator changes only from the
parameter admin, each checked against ``msg_sender``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import evolve

from chain import (
    DEAD_ADDRESS,
    Governable,
    InvalidArgument,
    ParamSpec,
    State,
    Token,
    Unauthorized,
    atomic,
    check_amount,
    check_name,
    external,
    token_node,
)
from lst import sharemath
from lst.events import (
    Submitted,
    TokenRebased,
    ValidatorsDeposited,
    ValidatorsExited,
    ValidatorsSlashed,
)
from lst.operators import AllocationPolicy, least_active_stake
from lst.presets import ETHEREUM, ChainPreset
from lst.records import ISSUER_PARAM_SPECS, Concentration, IssuerParams, Operator, Pool, Registry, SlashLog
from lst.slashing import event_penalties
from lst.token import ShareToken
from lst.validation import (
    validate_deploy,
    validate_deposit,
    validate_lock,
    validate_new_token,
    validate_on_network,
    validate_operator,
    validate_party,
    validate_report,
    validate_role,
    validate_slash,
    validate_submit,
)


class Issuer(ShareToken, Governable):
    """A liquid staking issuer (see the module docstring). Deploy with :meth:`deploy`."""

    kind = "lst.issuer"

    def __init__(
        self,
        state: State,
        address: str,
        network: str,
        *,
        native: Token,
        token: Token,
        preset: ChainPreset,
        rebasing: bool,
        treasury: str,
        oracle: str | None,
        policy: AllocationPolicy,
    ) -> None:
        super().__init__(state, address, network)
        self.native = native
        self.token = token
        self.preset = preset
        self.size = preset.validator_size
        self.rebasing = rebasing
        self.treasury = treasury
        self.oracle = oracle
        self.policy = policy
        self.unit = 10**token.decimals

    @classmethod
    def deploy(
        cls,
        state: State,
        address: str,
        network: str,
        *,
        native: Token,
        funder: str,
        bootstrap: int,
        treasury: str,
        symbol: str | None = None,
        preset: ChainPreset = ETHEREUM,
        rebasing: bool | None = None,
        oracle: str | None = None,
        policy: AllocationPolicy = least_active_stake,
        network_stake: int | None = None,
    ) -> Issuer:
        """Deploy an issuer of ``symbol`` (default: the preset's) against the ledger token
        ``native``. ``bootstrap`` native wei come from ``funder`` and mint as many shares to
        ``DEAD_ADDRESS``, where they stay (Lido ``_bootstrapInitialHolder``). The report limit
        ``annual_increase_limit_bps`` starts at the preset's ``report_limit_bps`` (derived from
        its reward rate), so the chain's own rewards pass the sanity check.

        Raises UnknownToken, WrongNetwork, UnknownAccount, InvalidAmount, ZeroDeposit,
        InsufficientBalance, WrongToken (symbol taken).
        """
        symbol = validate_new_token(state, network, symbol or preset.lst_symbol)
        validate_deploy(state, native, network, funder, treasury, oracle, bootstrap, policy)
        stake = (
            preset.network_stake if network_stake is None else check_amount(network_stake, "network_stake")
        )
        with state.atomic():
            token = state.add_token(network, symbol, native.decimals)
            issuer = cls(
                state,
                address,
                network,
                native=native,
                token=token,
                preset=preset,
                rebasing=preset.rebasing if rebasing is None else bool(rebasing),
                treasury=treasury,
                oracle=oracle,
                policy=policy,
            )
            state.register_contract(issuer)
            state.transfer(native, funder, address, bootstrap)
            state.mint(token, DEAD_ADDRESS, bootstrap)
            issuer._store("pool", Pool(buffered=bootstrap, last_report_time=state.now))
            issuer._store(
                "params", IssuerParams(network_stake=stake, annual_increase_limit_bps=preset.report_limit_bps)
            )
            issuer._store("registry", Registry())
            issuer._store("slashings", SlashLog())
            state.depend(address, token_node(native), "holds-native")
        return issuer

    # --- records -----------------------------------------------------------------------

    def pool(self) -> Pool:
        """The accounting record (buffer, validators, CL balance, last report)."""
        pool: Pool = self._load("pool")
        return pool

    def params(self) -> IssuerParams:
        """The governable parameters record."""
        params: IssuerParams = self._load("params")
        return params

    def operators(self) -> list[Operator]:
        """Every node operator, by id."""
        load = self._load
        return [load(("operator", i)) for i in range(load("registry").count)]

    def operator(self, operator_id: int) -> Operator:
        """One node operator (UnknownOperator if there is none with that id)."""
        validate_operator(operator_id, self._load("registry").count)
        operator: Operator = self._load(("operator", operator_id))
        return operator

    # --- share views -------------------------------------------------------------------

    def total_pooled(self) -> int:
        """Native wei backing all shares (Lido V2 formula, see module docstring)."""
        p: Pool = self._load("pool")
        return p.buffered + p.cl_balance + (p.deposited_validators - p.cl_validators) * self.size

    # --- staking -----------------------------------------------------------------------

    @external
    @atomic
    def submit(self, user: str, amount: int) -> int:
        """Stake ``amount`` native wei of ``user`` (the caller); mints ``amount*S//T`` shares (floor).

        Emits Submitted (and ledger Transfers). Raises NotTheCaller (``user`` is not the caller,
        or is a contract called from outside its code), InvalidArgument (the issuer itself),
        ZeroDeposit (0, or 0 shares), StakingPaused, StakeLimitExceeded, InsufficientBalance,
        UnknownAccount, InvalidAmount.
        """
        validate_party(self, user, "user")
        total = self.total_pooled()
        shares = sharemath.shares_by_pooled(amount, self.total_shares(), total) if type(amount) is int else 0
        validate_submit(
            self.address, user, amount, shares, total, self.params(), self.state.balance_of(self.native, user)
        )
        pool = self._load("pool")
        self.state.transfer(self.native, user, self.address, amount)
        self.state.mint(self.token, user, shares)
        self._store("pool", evolve(pool, buffered=pool.buffered + amount))
        self.state.emit(Submitted(self.address, user, amount, shares))
        return shares

    # --- operators and deposits --------------------------------------------------------

    @external
    def add_operator(self, name: str, reward_address: str, caller: str | None = None) -> int:
        """Register a node operator paid at ``reward_address`` (an account or a contract of the
        issuer's network); returns its id. Only the parameter admin may, once one is set
        (``caller``, when given, is checked against the chain's caller).

        Raises Unauthorized, InvalidArgument, UnknownAccount, WrongNetwork."""
        validate_role(self, self.param_admin(), caller, "admin", "add operators")
        check_name(name, "operator name")
        validate_on_network(self.state, reward_address, self.network, "reward address")
        registry = self._load("registry")
        op = Operator(registry.count, name, reward_address)
        self._store(("operator", op.id), op)
        self._store("registry", Registry(registry.count + 1))
        return op.id

    def depositable(self) -> int:
        """Buffered native not reserved for unfinalized withdrawals (Lido ``getDepositableEther``)."""
        return max(self.pool().buffered - self._reserved(), 0)

    def _reserved(self) -> int:
        queue = self.pool().queue
        return self.state.contract(queue).queue_state().pending if queue else 0  # type: ignore[attr-defined]

    @external
    @atomic
    def deposit(self, count: int | None = None) -> int:
        """Fund ``count`` validators (default: as many as the free buffer allows) and allocate
        them with the issuer's policy. Returns the number deposited; emits ValidatorsDeposited
        per operator. Raises InvalidAmount, NoOperators, InsufficientBuffer."""
        pool = self.pool()
        reserved = self._reserved()
        n = max(pool.buffered - reserved, 0) // self.size if count is None else check_amount(count, "count")
        operators = self.operators()
        validate_deposit(pool, len(operators), n, self.size, reserved)
        if n == 0:
            return 0
        counts = self.policy(operators, n)
        if len(counts) != len(operators) or sum(counts) != n or min(counts) < 0:
            raise InvalidArgument(f"the allocation policy returned {counts} for {n} validators")
        for op, k in zip(operators, counts):
            if k:
                self._store(("operator", op.id), evolve(op, validators=op.validators + k))
                self.state.emit(ValidatorsDeposited(self.address, op.id, k, self.size))
        self.state.burn(self.native, self.address, n * self.size)
        self._store(
            "pool",
            evolve(
                pool,
                buffered=pool.buffered - n * self.size,
                deposited_validators=pool.deposited_validators + n,
            ),
        )
        return n

    # --- oracle report -----------------------------------------------------------------

    @external
    @atomic
    def report(
        self,
        cl_balance: int,
        *,
        cl_validators: int | None = None,
        withdrawn: int = 0,
        el_rewards: int = 0,
        caller: str | None = None,
    ) -> TokenRebased:
        """Apply an oracle report: the consensus-layer balance ``cl_balance`` of the
        ``cl_validators`` seen there (default: every deposited one), after ``withdrawn`` wei
        moved back to the buffer, plus ``el_rewards`` execution rewards.

        Order (Lido V2 ``_handleOracleReport``): sanity checks; CL state and withdrawn/EL
        native into the buffer; the fee (only when ``cl_balance + withdrawn`` exceeds the
        pre-report CL balance, LIP-12) minted as shares, computed on the PRE-report totals;
        then the withdrawal queue finalizes at the post-report rate.

        Only the oracle may report when one is set: the chain's caller (``msg_sender``), or
        ``caller`` when given, checked against it (an account outside every frame acts in its
        own transaction). Returns and emits TokenRebased. Raises Unauthorized (NotTheCaller),
        InvalidAmount, ReportOutOfBounds; nothing is written on error.
        """
        validate_role(self, self.oracle, caller, "oracle", "report")
        pool, params, now = self.pool(), self.params(), self.state.now
        seen = pool.deposited_validators if cl_validators is None else cl_validators
        elapsed = now - pool.last_report_time
        pre_cl = validate_report(pool, params, cl_balance, seen, withdrawn, el_rewards, elapsed, self.size)
        pre_total, pre_shares = self.total_pooled(), self.total_shares()
        inflow = withdrawn + el_rewards
        if inflow:
            self.state.mint(self.native, self.address, inflow)
        self._store(
            "pool",
            evolve(
                pool,
                cl_balance=cl_balance,
                cl_validators=seen,
                buffered=pool.buffered + inflow,
                last_report_time=now,
            ),
        )
        rewards = cl_balance + withdrawn - pre_cl + el_rewards if cl_balance + withdrawn > pre_cl else 0
        minted, treasury_shares = self._distribute_fee(rewards, pre_total, pre_shares, params)
        queue = self._load("pool").queue
        if queue is not None:
            self.state.contract(queue).finalize()  # type: ignore[attr-defined]
        post = (self.total_pooled(), self.total_shares())
        event = TokenRebased(
            self.address, now, elapsed, pre_total, pre_shares, *post, rewards, minted, treasury_shares
        )
        self.state.emit(event)
        return event

    def _distribute_fee(
        self, rewards: int, pre_total: int, pre_shares: int, params: IssuerParams
    ) -> tuple[int, int]:
        operators = self.operators()
        shares, parts, treasury = sharemath.fee_mints(
            rewards,
            pre_total,
            pre_shares,
            params.fee_bps,
            params.operators_share_bps,
            [op.active for op in operators],
        )
        mints = [(op.reward_address, part) for op, part in zip(operators, parts) if part]
        if treasury:
            mints.append((self.treasury, treasury))
        self.state.mint_many(self.token, mints)
        return shares, treasury

    # --- slashing ----------------------------------------------------------------------

    @external
    @atomic
    def slash(
        self, operators: int | Sequence[int], *, count: int | None = None, external_slashed: int = 0
    ) -> int:
        """Slash ``count`` active validators (default: all) of each operator in ``operators``
        (one id or a correlated set) at the current time; returns the total penalty in wei.

        Each validator loses ``effective_balance // penalty_quotient`` plus the correlation
        penalty of :func:`lst.sharemath.correlation_penalty`, where the slashed balance in the
        window is every slashing of this issuer within ``slashing_window_seconds`` (this one
        included) plus ``external_slashed`` (other slashings on the network), and the total
        balance is the ``network_stake`` parameter. Both penalties apply at once (on Ethereum
        the correlation penalty lands halfway through the window). The loss comes off the CL
        balance, so every share loses value in the same proportion: no fee, no holder touched.
        A consensus-layer event a scenario injects, not any party's action: anyone may.
        Emits ValidatorsSlashed per operator. Raises UnknownOperator, InvalidArgument, InvalidAmount.
        """
        ids = validate_slash(operators, self._load("registry").count, count, external_slashed)
        hit = []
        for i in ids:
            op: Operator = self._load(("operator", i))
            hit.append((op, op.active if count is None else min(count, op.active)))
        validators = sum(k for _, k in hit)
        initial, each, window = event_penalties(
            self.preset,
            self._load("slashings").entries,
            self.state.now,
            validators,
            external_slashed,
            self.params().network_stake,
        )
        pool = self._appear_all(self.pool())
        total = each * validators
        if total > pool.cl_balance:
            raise InvalidArgument(f"a penalty of {total} exceeds the CL balance {pool.cl_balance}")
        for op, k in hit:
            self._store(
                ("operator", op.id), evolve(op, slashed=op.slashed + k, penalties=op.penalties + each * k)
            )
            self.state.emit(ValidatorsSlashed(self.address, op.id, k, initial * k, (each - initial) * k))
        self._store("slashings", SlashLog(window))
        self._store("pool", evolve(pool, cl_balance=pool.cl_balance - total))
        return total

    def _appear_all(self, pool: Pool) -> Pool:
        """Count every deposited validator as seen on the CL (value-neutral), so a penalty can
        come off the CL balance."""
        missing = pool.deposited_validators - pool.cl_validators
        return evolve(
            pool, cl_validators=pool.deposited_validators, cl_balance=pool.cl_balance + missing * self.size
        )

    # --- queue hooks -------------------------------------------------------------------

    @external
    def attach_queue(self, queue: str) -> None:
        """Register the withdrawal queue, once, from the queue's own code (its deploy does).
        Raises InvalidArgument (a queue is attached already), Unauthorized."""
        pool = self.pool()
        if pool.queue is not None:
            raise InvalidArgument(f"{self.address} already has the queue {pool.queue!r}")
        if self.msg_sender != queue or not self.state.is_contract(queue):
            raise Unauthorized(
                f"{self.msg_sender!r} may not attach {queue!r}: a queue attaches itself from its own code"
            )
        self._store("pool", evolve(pool, queue=queue))

    @external
    @atomic
    def lock_for_withdrawal(self, queue: str, paid: int, shares: int) -> None:
        """Move ``paid`` buffered native to the queue and burn the ``shares`` it holds
        (Lido ``_withdrawalQueue.finalize`` + ``_burnShares``). Only the attached queue's code
        may (``msg_sender``); every check comes before any write.
        Raises Unauthorized, InvalidAmount, InsufficientBuffer, InsufficientBalance."""
        pool = self.pool()
        if pool.queue is None or queue != pool.queue or self.msg_sender != queue:
            raise Unauthorized(
                f"{self.msg_sender!r} may not lock native for {queue!r}: only the withdrawal queue "
                f"{pool.queue!r} may, from its own code (finalize)"
            )
        validate_lock(pool, paid, shares, self.shares_of(queue))
        self.state.transfer(self.native, self.address, queue, paid)
        self.state.burn(self.token, queue, shares)
        self._store("pool", evolve(pool, buffered=pool.buffered - paid))

    # --- operators: exits and concentration --------------------------------------------

    @external
    def exit_validators(self, operator_id: int, count: int) -> None:
        """Mark ``count`` active validators of an operator as exited (their native comes back
        through a later report's ``withdrawn``); they stop counting as stake and fee weight.
        A consensus-layer event a scenario injects: anyone may.
        Emits ValidatorsExited. Raises UnknownOperator, InvalidAmount, InvalidArgument."""
        op = self.operator(operator_id)
        if check_amount(count, "count", positive=True) > op.active:
            raise InvalidArgument(f"operator {op.id} has {op.active} active validators, not {count}")
        self._store(("operator", op.id), evolve(op, exited=op.exited + count))
        self.state.emit(ValidatorsExited(self.address, op.id, count))

    def concentration(self) -> Concentration:
        """Operators' active stakes, the issuer's share of the network, Herfindahl, Nakamoto."""
        stakes = tuple(op.active * self.size for op in self.operators())
        return Concentration(
            stakes,
            sharemath.share_of(sum(stakes), self.params().network_stake),
            sharemath.herfindahl(stakes),
            sharemath.nakamoto(stakes),
        )

    # --- governance and graph ----------------------------------------------------------

    def param_specs(self) -> Mapping[str, ParamSpec]:
        return ISSUER_PARAM_SPECS

    def get_param(self, name: str) -> int:
        value: int = getattr(self.params(), name)
        return value

    def _apply_param(self, name: str, value: int) -> None:
        self._store("params", evolve(self.params(), **{name: value}))

    def graph_edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``holder -> issuer`` (staked: shares, value) and ``issuer -> operator`` (delegates)."""
        total_shares, total = self.total_shares(), self.total_pooled()
        for holder, shares in self.state.holders(self.token).items():
            value = sharemath.pooled_by_shares(shares, total_shares, total)
            yield holder, self.address, "staked", {"shares": shares, "value": value}
        for op in self.operators():
            yield (
                self.address,
                op.reward_address,
                "delegates-to",
                {"operator": op.id, "validators": op.active, "stake": op.active * self.size},
            )
