"""API keys: from the environment and from a keys file; only digests are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from envfactory.server.auth import LOCAL, KeyRing
from envfactory.server.errors import Unauthorized
from envfactory.server.settings import Settings


def test_keys_come_from_settings_and_a_keys_file(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("# team keys\nbob-key admin\n\ncarol-key agent  # trainer\n")
    ring = KeyRing(Settings(api_keys="alice-key:agent", keys_file=keys_file))
    assert ring.enabled
    assert ring.authenticate("Bearer alice-key").role == "agent"
    assert ring.authenticate("bearer bob-key").role == "admin"
    assert ring.authenticate("Bearer carol-key").id.startswith("key_")
    assert "carol-key" not in repr(vars(ring))
    with pytest.raises(Unauthorized, match="Unknown API key"):
        ring.authenticate("Bearer mallory")
    with pytest.raises(Unauthorized, match="Missing API key"):
        ring.authenticate(None)


def test_a_malformed_key_entry_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="KEY:ROLE"):
        KeyRing(Settings(api_keys="alice-key:superuser"))


def test_no_keys_means_local_admin() -> None:
    ring = KeyRing(Settings())
    assert not ring.enabled and ring.authenticate(None) == LOCAL
