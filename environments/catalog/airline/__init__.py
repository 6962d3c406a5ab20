from .environment import AirlineEnv

__all__ = ["AirlineEnv"]
