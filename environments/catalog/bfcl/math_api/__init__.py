from .environment import MathApiEnv, MathApiTools

__all__ = ["MathApiEnv", "MathApiTools"]
