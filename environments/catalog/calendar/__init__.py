from .environment import CalendarEnv

__all__ = ["CalendarEnv"]
