"""Addresses and fixed names of the default world, shared by every module that wires it."""

ETH, L2 = "ethereum", "optimism"
ISSUER, WRAPPER, QUEUE = "lido", "lido:wsteth", "lido:queue"
MARKET, L2_MARKET = "aave", "aave-l2"
CURVE, FACTORY, ROUTER = "curve:steth", "univ2", "univ2:router"
L2_CURVE = "l2:curve:wsteth"
BRIDGE, BRIDGE_L2 = "bridge", "bridge-l2"
TREASURY, DAO = "treasury", "dao"
VOTES, GOVERNOR, TIMELOCK = "ldo:votes", "governor", "timelock"
LENDER, BORROWER, STAKERS, LP = "lender", "borrower", "stakers", "lp"
CEX = "cex"
"""The account of the external exchange the arbitrageur hedges on (``lstlab.agents.cex``): the
exchange's on-chain inventory; on the L2, ``BridgeParams.cex_l2_wsteth`` bridged at build."""

FEED_DECIMALS = 8
SECONDS_PER_YEAR = 365 * 86_400
