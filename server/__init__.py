"""The EnvFactory server: `create_app(settings)` builds the FastAPI application.

Imported lazily, so that `python -m envfactory.server.worker` (the environment worker process,
which runs in images with only the `envs` extra) does not need FastAPI."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
