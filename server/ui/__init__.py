"""The web console served at `/ui`: environments, sessions, trajectory files and training runs.

Plain HTML, CSS and JavaScript modules under `static/` (no build step, nothing from a CDN), plus a
few read-only routes under `/ui/api` for what the public `/v1` API does not say (see `router.py`).
`install(app)` mounts both on the server's FastAPI application.
"""

from .router import install

__all__ = ["install"]
