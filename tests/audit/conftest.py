from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture
def audit_key(tmp_path: Path, settings: pytest.FixtureRequest) -> Path:
    """A fresh signing key and public-keys directory for this test only (never var/)."""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit-signing-key.pem"  # type: ignore[attr-defined]
    settings.AUDIT_PUBLIC_KEYS_DIR = tmp_path / "public-keys"  # type: ignore[attr-defined]
    call_command("audit_keygen")
    return settings.AUDIT_SIGNING_KEY_FILE  # type: ignore[attr-defined, no-any-return]
