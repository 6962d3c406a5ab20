from .environment import FoodDeliveryEnv

__all__ = ["FoodDeliveryEnv"]
