from .environment import MessageApiEnv, MessageApiTools

__all__ = ["MessageApiEnv", "MessageApiTools"]
