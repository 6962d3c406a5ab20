"""The `envfactory` command. Subsystems are imported inside commands, so `envfactory --help`
and commands of one subsystem never pay for the others (and `serve` never imports torch)."""

from .main import app

__all__ = ["app"]
