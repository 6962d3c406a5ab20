"""BFCL TwitterApi: the stand-alone environment and the tools mixin for the combined one."""

from .environment import TwitterApiEnv, TwitterApiTools

__all__ = ["TwitterApiEnv", "TwitterApiTools"]
