from .environment import BankEnv

__all__ = ["BankEnv"]
