"""The portal's browser verifier page: the 验证 buttons that lead to it, what it hands the
page's script (the proof and the draw's commitment as published before the randomness, and
its publication time), and that the page loads nothing from outside the portal. The checks
themselves run in the browser: tests/browser/test_js_verifier.py."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.inspections.conftest import Scene
from tests.portal.helpers import publish

pytestmark = pytest.mark.django_db


def _config(html: str) -> dict[str, str]:
    match = re.search(r'<script id="verify-config" type="application/json">(.*?)</script>', html)
    assert match, "no verify-config on the page"
    return json.loads(match.group(1))


def _strings(html: str) -> dict[str, str]:
    match = re.search(r'<script id="verify-strings" type="application/json">(.*?)</script>', html)
    assert match, "no verify-strings on the page"
    return json.loads(match.group(1))


def test_proof_record_and_draw_history_offer_verification(client: Client, scene: Scene) -> None:
    commitment = publish(scene, "draw_commitment", scene.draw)
    proof = publish(scene, "draw_proof", scene.draw)
    verify_url = f"{reverse('portal:verify_browser')}?record={proof.pk}"

    detail = client.get(reverse("portal:detail", args=[proof.pk])).content.decode()
    assert f'id="proof-verify" href="{verify_url}"' in detail
    # A commitment has nothing to re-compute yet: no 验证 button there.
    assert (
        'id="proof-verify"'
        not in client.get(reverse("portal:detail", args=[commitment.pk])).content.decode()
    )
    history = client.get(
        reverse("portal:draw_history", args=[proof.payload["task_id"]])
    ).content.decode()
    assert f'href="{verify_url}"' in history


def test_verifier_page_is_given_the_proof_and_the_commitment_published_before(
    client: Client, scene: Scene
) -> None:
    commitment = publish(scene, "draw_commitment", scene.draw)
    proof = publish(scene, "draw_proof", scene.draw)
    page = client.get(reverse("portal:verify_browser"), {"record": proof.pk})
    assert page.status_code == 200
    html = page.content.decode()
    config = _config(html)
    assert config["proof_url"] == reverse("portal:proof", args=[proof.pk])
    assert config["commitment_url"] == reverse("portal:proof", args=[commitment.pk])
    assert config["proof_name"] == f"draw-{scene.draw.pk}-proof.json"
    assert config["commitment_name"] == f"draw-{scene.draw.pk}-commitment.json"
    published = timezone.localtime(commitment.published_at).strftime("%Y-%m-%d %H:%M:%S")
    assert config["commitment_published_at"] == published
    assert published in html
    # The files the page fetches are the canonical downloads.
    assert client.get(config["commitment_url"]).content.startswith(b'{"code_version":')
    assert client.get(config["proof_url"]).status_code == 200


def test_verifier_page_refuses_what_is_not_a_public_proof(client: Client, scene: Scene) -> None:
    commitment = publish(scene, "draw_commitment", scene.draw)
    url = reverse("portal:verify_browser")
    assert client.get(url, {"record": commitment.pk}).status_code == 404
    assert client.get(url, {"record": "99999999"}).status_code == 404
    assert client.get(url, {"record": "x1"}).status_code == 404
    # Not published yet (Art. 18): the proof is not public before the inspection.
    assert client.get(url, {"record": commitment.pk + 1000}).status_code == 404


def test_pages_load_only_the_portals_own_scripts_and_styles(client: Client, scene: Scene) -> None:
    publish(scene, "draw_commitment", scene.draw)
    proof = publish(scene, "draw_proof", scene.draw)
    for url in (
        reverse("portal:verify"),
        reverse("portal:verify_browser"),
        f"{reverse('portal:verify_browser')}?record={proof.pk}",
    ):
        html = client.get(url).content.decode()
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
        assert [s for s in scripts if "portal/verify/" in s], url
        for src in sources:
            assert src.startswith("/"), f"{url} loads {src}"
        assert "cdn" not in html.lower()


def test_verify_page_has_the_upload_form_and_the_source_address(client: Client) -> None:
    html = client.get(reverse("portal:verify")).content.decode()
    assert 'id="verify-proof-file"' in html and 'id="verify-commitment-file"' in html
    assert 'id="verify-expect-digest"' in html
    assert "https://github.com/spotcheck-gov/spotcheck" in html
    with override_settings(SPOTCHECK_SOURCE_URL="https://git.example.gov.cn/spotcheck"):
        html = client.get(reverse("portal:verify")).content.decode()
    assert 'href="https://git.example.gov.cn/spotcheck"' in html
    strings = _strings(html)
    assert strings["verdict.ok"] == "通过" and strings["check.seed"]


def test_verifier_strings_follow_the_language(client: Client) -> None:
    client.cookies["django_language"] = "en"
    strings = _strings(client.get(reverse("portal:verify")).content.decode())
    assert strings["verdict.ok"] == "Pass" and strings["state.pass"] == "passed"
    assert strings["verdict.mismatch"] == "Fail"
    assert all(not re.search(r"[\u4e00-\u9fff]", v) for v in strings.values()), [
        v for v in strings.values() if re.search(r"[\u4e00-\u9fff]", v)
    ]
