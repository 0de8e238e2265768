"""The exchange-rate feed: the issuer's protocol rate as a ``chain`` ``Feed``.

Lending markets that price an LST by its protocol rate (Aave's wstETH adapter multiplies the
ETH price by ``stEthPerToken``) read this instead of a market price. ``updated_at`` is the
issuer's last oracle report: the rate only moves at reports (and slashings).
"""

from __future__ import annotations

from chain import PriceReading, State, VersionedFeed, check_decimals
from lst import sharemath
from lst.client import IssuerClient, require_issuer


class RateFeed(IssuerClient, VersionedFeed):
    """Native per one whole token of ``base``: the wrapped or value-accruing token at
    ``st_per_token`` (shares -> native), or the rebasing token at 1:1 (``base_is_rebasing``)."""

    kind = "lst.rate_feed"

    def __init__(
        self,
        state: State,
        address: str,
        network: str,
        *,
        issuer: str,
        base: str,
        quote: str,
        decimals: int,
        per_share: bool,
    ) -> None:
        super().__init__(state, address, network)
        self.issuer_address = issuer
        self.base = base
        self.quote = quote
        self.decimals = decimals
        self.per_share = per_share

    @classmethod
    def deploy(
        cls,
        state: State,
        address: str,
        network: str,
        *,
        issuer: str,
        base: str | None = None,
        quote: str | None = None,
        per_share: bool = True,
        decimals: int = 18,
    ) -> RateFeed:
        """A feed of ``issuer``'s rate. ``per_share`` (default): native per whole share, i.e.
        stETH per wstETH or SOL per mSOL; otherwise the rebasing token's 1:1 protocol rate.
        ``base`` names the token priced (default: the issuer's token symbol), ``quote`` the
        unit of the answer (default: the native token's symbol; e.g. "stETH" to chain it with a
        stETH/ETH market feed in a ``CompositeFeed``). The feed lives on the issuer's network
        (WrongNetwork otherwise: a feed of another network is relayed, see ``bridge``)."""
        target = require_issuer(state, issuer, network)
        check_decimals(decimals)
        feed = cls(
            state,
            address,
            network,
            issuer=issuer,
            base=base or target.token.symbol,
            quote=quote or target.native.symbol,
            decimals=decimals,
            per_share=bool(per_share),
        )
        with state.atomic():
            state.register_contract(feed)
            state.depend(address, issuer, "reads-rate")
        return feed

    def _read(self) -> PriceReading:
        """The protocol rate with ``decimals`` decimals, floored, as of the last report (read
        once per state version: :class:`chain.VersionedFeed`)."""
        issuer = self.issuer
        one = 10**self.decimals
        if self.per_share:
            answer = sharemath.pooled_by_shares(one, issuer.total_shares(), issuer.total_pooled())
        else:
            answer = one
        return PriceReading(answer, self.decimals, issuer.pool().last_report_time)
