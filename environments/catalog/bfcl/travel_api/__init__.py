"""BFCL TravelAPI: the stand-alone environment and the tools mixin for the combined one."""

from .environment import TravelApiEnv, TravelApiTools

__all__ = ["TravelApiEnv", "TravelApiTools"]
