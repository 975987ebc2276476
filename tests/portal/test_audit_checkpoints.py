"""The audit log's signed checkpoints are public: portal page, JSON downloads, open data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from spotcheck.audit import checkpoints, events, signing
from spotcheck.audit.models import AuditCheckpoint
from spotcheck.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(tmp_path: Path, settings: pytest.FixtureRequest) -> list[AuditCheckpoint]:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "k.pem"  # type: ignore[attr-defined]
    settings.AUDIT_PUBLIC_KEYS_DIR = tmp_path / "pub"  # type: ignore[attr-defined]
    call_command("audit_keygen")
    out = []
    for i in range(2):
        with transaction.atomic():
            record(events.RecordCreated(object_id=str(i), model="T", natural_key="k"), actor=None)
        out.append(checkpoints.create_checkpoint())
    return out


def test_portal_lists_checkpoints_and_keys(client: Client, signed: list[AuditCheckpoint]) -> None:
    response = client.get(reverse("portal:audit_checkpoints"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    page = response.content.decode()
    key = signing.load_signing_key()
    assert key.key_id in page and signing.public_b64(key.public) in page
    for cp in signed:
        assert cp.head in page and cp.signature in page
        assert reverse("portal:audit_checkpoint", args=[cp.pk]) in page
    # Reachable from every portal page.
    assert (
        reverse("portal:audit_checkpoints") in client.get(reverse("portal:home")).content.decode()
    )


def test_checkpoint_json_is_the_signed_document(
    client: Client, signed: list[AuditCheckpoint]
) -> None:
    doc = client.get(reverse("portal:audit_checkpoint", args=[signed[0].pk])).json()
    assert doc == checkpoints.document(signed[0])
    key = signing.load_signing_key().public
    assert signing.verify_signature(key, checkpoints.signed_message(doc), doc["signature"])
    latest = client.get(reverse("portal:audit_latest")).json()
    assert latest["tree_size"] == signed[-1].tree_size


def test_no_checkpoint_yet_is_a_chinese_404(client: Client) -> None:
    assert client.get(reverse("portal:audit_checkpoints")).status_code == 200
    missing = client.get(reverse("portal:audit_latest"))
    assert missing.status_code == 404 and "还没有签署过检查点" in missing.content.decode()
    assert client.get(reverse("portal:audit_checkpoint", args=[999])).status_code == 404


def test_post_is_refused(client: Client) -> None:
    assert client.post(reverse("portal:audit_checkpoints")).status_code == 405


def test_open_data_lists_every_checkpoint_and_key(
    client: Client, signed: list[AuditCheckpoint]
) -> None:
    response = client.get(reverse("opendata:audit_checkpoints"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [c["tree_size"] for c in data["checkpoints"]] == [cp.tree_size for cp in signed]
    assert data["checkpoints"][0] == checkpoints.document(signed[0])
    assert [k["key_id"] for k in data["public_keys"]] == [signing.load_signing_key().key_id]
    assert (
        reverse("opendata:audit_checkpoints")
        in client.get(reverse("opendata:index")).content.decode()
    )


def test_staff_pages_stay_staff_only(client: Client, signed: list[AuditCheckpoint]) -> None:
    """Publishing checkpoints opens nothing else: the log and its admin need a login."""
    assert client.get(reverse("audit:event_list")).status_code == 302
    admin_url = reverse("admin:audit_auditcheckpoint_changelist")
    assert client.get(admin_url).status_code == 302
