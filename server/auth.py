"""Bearer API keys with roles. Keys come from `ENVFACTORY_API_KEYS` ("KEY:ROLE,…") and/or a keys
file (one "KEY ROLE" per line, `#` comments). Only key digests are kept in memory; a session's
owner is the digest prefix, never the key."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import Forbidden, Unauthorized
from .sessions import Principal
from .settings import Settings

ROLES = ("agent", "admin")
LOCAL = Principal(id="local", role="admin")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    def __init__(self, settings: Settings) -> None:
        pairs = [p.strip() for p in settings.api_keys.split(",") if p.strip()]
        entries = [tuple(p.rsplit(":", 1)) for p in pairs]
        if settings.keys_file is not None:
            for line in Path(settings.keys_file).read_text().splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    entries.append(tuple(line.split()))
        self._keys: dict[str, Principal] = {}
        for entry in entries:
            if len(entry) != 2 or entry[1] not in ROLES:
                raise ValueError(
                    f"API key entries must be KEY:ROLE with ROLE in {ROLES}; got {':'.join(entry)!r}"
                )
            digest = _digest(entry[0])
            self._keys[digest] = Principal(id=f"key_{digest[:16]}", role=entry[1])

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def authenticate(self, authorization: str | None) -> Principal:
        if not self.enabled:
            return LOCAL
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthorized("Missing API key: send 'Authorization: Bearer <key>'.")
        principal = self._keys.get(_digest(authorization[7:].strip()))
        if principal is None:
            raise Unauthorized("Unknown API key.")
        return principal


def require_admin(principal: Principal, what: str) -> None:
    if not principal.is_admin:
        raise Forbidden(f"{what} needs an admin key.")
