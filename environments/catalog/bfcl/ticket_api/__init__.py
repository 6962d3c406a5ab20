"""BFCL TicketApi: the stand-alone environment and the tools mixin for the combined one."""

from .environment import TicketApiEnv, TicketApiTools

__all__ = ["TicketApiEnv", "TicketApiTools"]
