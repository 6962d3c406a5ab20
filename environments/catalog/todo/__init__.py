from .environment import TodoEnv

__all__ = ["TodoEnv"]
