from .environment import ShopEnv

__all__ = ["ShopEnv"]
