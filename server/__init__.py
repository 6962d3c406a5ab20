"""The EnvFactory server: `create_app(settings)` builds the FastAPI application."""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
