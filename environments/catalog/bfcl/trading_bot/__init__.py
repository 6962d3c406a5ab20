"""BFCL TradingBot: the stand-alone environment and the tools mixin for the combined one."""

from .environment import TradingBotEnv, TradingBotTools

__all__ = ["TradingBotEnv", "TradingBotTools"]
