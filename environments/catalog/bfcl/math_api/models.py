"""Tables of the Math API: the units the conversion tools know (the API itself keeps no state)."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class MathBase(DeclarativeBase):
    pass


class MathUnit(MathBase):
    """A unit name (symbols and spelled-out names are separate rows) and how it converts to its
    dimension's base unit: `base = value * factor + offset`."""

    __tablename__ = "math_units"

    name: Mapped[str] = mapped_column(primary_key=True)  # lower case, as looked up
    symbol: Mapped[str]  # the canonical symbol the name stands for
    dimension: Mapped[str]
    system: Mapped[str]  # "si" (SI and units accepted for use with it) or "imperial"
    factor: Mapped[float]
    offset: Mapped[float] = mapped_column(default=0.0)
