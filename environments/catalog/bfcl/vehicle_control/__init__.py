"""BFCL VehicleControlAPI: the stand-alone environment and the tools mixin for the combined one."""

from .environment import VehicleControlEnv, VehicleControlTools

__all__ = ["VehicleControlEnv", "VehicleControlTools"]
