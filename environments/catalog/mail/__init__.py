from .environment import MailEnv

__all__ = ["MailEnv"]
