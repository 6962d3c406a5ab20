from .environment import DevtoolsEnv

__all__ = ["DevtoolsEnv"]
