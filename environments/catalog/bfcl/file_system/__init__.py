from .environment import GorillaFileSystemEnv, GorillaFileSystemTools

__all__ = ["GorillaFileSystemEnv", "GorillaFileSystemTools"]
