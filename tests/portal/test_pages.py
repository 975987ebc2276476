"""The public portal as an anonymous visitor sees it: every page, each filter, junk input,
what must 404, corrected and withdrawn records, and the proof download the verifier accepts."""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.accounts.models import Role
from spotcheck.disclosure.models import Publication
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine.canonical import canonical_bytes
from spotcheck.inspections.services_followup import penalty_decide
from spotcheck.planning import services as planning
from tests.factories import CheckItemFactory, UserFactory
from tests.inspections.conftest import Scene
from tests.portal.helpers import MASKED_SHOP, OPERATOR, accepted_individual, correct, publish

pytestmark = pytest.mark.django_db

PAGES = ["home", "search", "items", "inspectors", "tasks", "penalties", "draws", "verify"]
SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass
class Published:
    result: Publication
    penalty: Publication
    announcement: Publication
    plan: Publication
    items: Publication
    inspectors: Publication
    commitment: Publication
    proof: Publication


@pytest.fixture
def site(scene: Scene, today: dt.date) -> Published:
    inspection = accepted_individual(scene)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商罚〔2026〕7号",
        penalty_kind="fine",
        amount=Decimal("5000.00"),
        decided_on=today,
        description=f"{OPERATOR}未备案经营",
    )
    plan = planning.plan_create(
        actor=scene.p.section,
        year=today.year,
        items=[scene.item],
        sectors=[{"name": "零售业", "industry": "F52", "ratio": "0.05", "rounds_per_year": 1}],
        notes="重点检查预付卡",
    )
    plan = planning.plan_approve(actor=scene.p.leader, plan=plan)
    return Published(
        result=publish(scene, "inspection_result", inspection),
        penalty=publish(scene, "penalty_decision", penalty),
        announcement=publish(scene, "task_announcement", scene.task),
        plan=publish(scene, "annual_plan", plan),
        items=publish(scene, "item_list", scene.p.dept),
        inspectors=publish(scene, "inspector_list", scene.p.dept),
        commitment=publish(scene, "draw_commitment", scene.draw),
        proof=publish(scene, "draw_proof", scene.draw),
    )


def _get(client: Client, name: str, *args: Any, **params: str) -> Any:
    return client.get(reverse(f"portal:{name}", args=args), params)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_anonymous_visitors(
    client: Client, site: Published, name: str
) -> None:
    response = _get(client, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "双随机、一公开 公示平台" in html
    assert 'lang="zh-hans"' in html and 'href="#main"' in html
    # No staff navigation, no login, no session or CSRF cookie: cacheable by a proxy.
    assert "公示管理" not in html and "/accounts/" not in html
    assert not response.cookies
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_pages_render_when_nothing_is_published(client: Client, db: None) -> None:
    for name in PAGES:
        assert _get(client, name).status_code == 200


def test_sections_list_their_kinds(client: Client, site: Published) -> None:
    assert site.penalty.title in _get(client, "penalties").content.decode()
    draws = _get(client, "draws").content.decode()
    assert site.commitment.title in draws and "下载抽取证明" in draws
    tasks = _get(client, "tasks").content.decode()
    assert site.announcement.title in tasks and site.plan.title in tasks
    items = _get(client, "items").content.decode()
    assert site.items.payload["items"][0]["code"] in items
    cert = site.inspectors.payload["inspectors"][0]["cert_no"]
    assert cert in _get(client, "inspectors").content.decode()
    home = _get(client, "home").content.decode()
    assert site.result.title in home


def _titles(response: Any) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_search_filters(client: Client, scene: Scene, site: Published, today: dt.date) -> None:
    code = scene.target.credit_code
    assert _titles(_get(client, "search", q=code.lower())) == [
        site.penalty.title,
        site.result.title,
    ]
    assert _titles(_get(client, "search", q=MASKED_SHOP, kind="inspection_result")) == [
        site.result.title
    ]
    assert _titles(_get(client, "search", q=OPERATOR)) == []
    assert len(_titles(_get(client, "search", department=str(scene.p.dept.pk)))) == 8
    assert _titles(_get(client, "search", department=str(scene.p.other_dept.pk))) == []
    by_item = _titles(_get(client, "search", item=scene.item.code))
    assert site.result.title in by_item and site.items.title in by_item
    day = today.isoformat()
    assert len(_titles(_get(client, "search", date_from=day, date_to=day))) == 8
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _titles(_get(client, "search", date_from=tomorrow)) == []


def test_search_shows_the_filters_chosen(client: Client, scene: Scene, site: Published) -> None:
    html = _get(client, "search", kind="penalty_decision", item=scene.item.code).content.decode()
    assert '<option value="penalty_decision" selected>' in html
    assert f'<option value="{scene.item.code}" selected>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not-a-date"},
        {"kind": "<script>"},
        {"department": "1e9"},
        {"department": "99999999999999999999999"},
        {"q": "x" * 500},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},  # fixed-date: reversed
        {"q": "a\x00b"},
    ],
)
def test_bad_params_give_a_chinese_message_not_an_error(
    client: Client, site: Published, params: dict[str, str]
) -> None:
    response = _get(client, "search", **params)
    assert response.status_code == 200
    html = response.content.decode()
    if "q" not in params or len(params["q"]) > 100:
        assert "部分检索条件有误" in html
    assert "<script>" not in html


@pytest.mark.parametrize("page", ["abc", "99999", "-1", "0", "1.5", ""])
def test_junk_page_numbers_fall_back_to_a_real_page(
    client: Client, site: Published, page: str
) -> None:
    response = _get(client, "search", page=page)
    assert response.status_code == 200
    assert response.context["page"].number == 1  # one page of results in all


def test_pagination_keeps_the_filters(
    client: Client, scene: Scene, site: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 records over pages of 3.
    from spotcheck.portal import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    response = _get(client, "search", department=str(scene.p.dept.pk), page="2")
    html = response.content.decode()
    assert response.context["page"].number == 2
    assert f"department={scene.p.dept.pk}&amp;page=3" in html
    assert _get(client, "search", page="99999").status_code == 200


def test_pages_are_read_only(client: Client, site: Published) -> None:
    assert client.post(reverse("portal:search")).status_code == 405
    assert client.post(reverse("portal:detail", args=[site.result.pk])).status_code == 405
    assert client.head(reverse("portal:home")).status_code == 200


def test_result_detail_shows_the_masked_payload(
    client: Client, scene: Scene, site: Published
) -> None:
    html = _get(client, "detail", site.result.pk).content.decode()
    assert MASKED_SHOP in html and scene.target.credit_code in html
    assert "发现问题待后续处理" in html and "张*未按规定备案" in html
    assert OPERATOR not in html
    assert "公示记录" in html and "查看本任务的全部抽取记录（含作废与重抽）" in html
    # A result finds its task's draw records by the task's name.
    assert f'href="{reverse("portal:draws")}?q=' in html
    penalty = _get(client, "detail", site.penalty.pk).content.decode()
    assert "金商罚〔2026〕7号" in penalty and "5000.00" in penalty and OPERATOR not in penalty


@pytest.mark.parametrize("attr", ["announcement", "plan", "items", "inspectors", "commitment"])
def test_every_kind_has_a_readable_detail(client: Client, site: Published, attr: str) -> None:
    pub = getattr(site, attr)
    response = _get(client, "detail", pub.pk)
    assert response.status_code == 200
    assert pub.title in response.content.decode()


def test_draw_records_link_to_the_tasks_whole_draw_history(
    client: Client, scene: Scene, site: Published
) -> None:
    history = reverse("portal:draw_history", args=[scene.task.pk])
    for pub in (site.commitment, site.proof):
        assert f'href="{history}"' in _get(client, "detail", pub.pk).content.decode()
    response = client.get(history)
    assert response.status_code == 200
    html = response.content.decode()
    assert scene.draw.commitment_digest in html and "共 1 次抽取，其中作废 0 次" in html
    assert reverse("portal:detail", args=[site.commitment.pk]) in html
    assert reverse("portal:proof", args=[site.proof.pk]) in html
    assert (
        client.get(reverse("portal:draw_history", args=[scene.task.pk + 1000])).status_code == 404
    )


def test_unknown_and_unpublished_records_are_404(
    client: Client, scene: Scene, today: dt.date
) -> None:
    inspection = accepted_individual(scene)
    draft = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    discarded = publication_withdraw(actor=scene.p.section, publication=draft, reason="起草有误")
    submitted = publication_submit(
        actor=scene.p.section,
        publication=publication_draft(
            actor=scene.p.section, kind="inspection_result", source=inspection
        ),
    )
    publication_withdraw(
        actor=scene.p.section,
        publication=publication_review(
            actor=scene.section2, publication=submitted, approve=False, comment="请核对"
        ),
        reason="重新起草",
    )
    delayed = publish(
        scene,
        "inspection_result",
        inspection,
        restriction_reason="涉及正在调查的案件",
        delayed_until=today + dt.timedelta(days=30),
    )
    # A discarded draft was never public: it must not show up as "withdrawn" either.
    for pk in (discarded.pk, submitted.pk, delayed.pk, 999999):
        response = _get(client, "detail", pk)
        assert response.status_code == 404
        assert "没有这条公示记录，或它尚未公开" in response.content.decode()
        assert _get(client, "proof", pk).status_code == 404
    assert client.get("/public/records/abc/").status_code == 404
    assert client.get(f"/public/records/{10**30}/").status_code == 404


def test_withdrawn_record_shows_the_notice_without_content(
    client: Client, scene: Scene, site: Published
) -> None:
    publication_withdraw(actor=scene.p.section, publication=site.result, reason="对象信息有误")
    response = _get(client, "detail", site.result.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已撤回" in html and "原因：对象信息有误" in html
    assert "张*未按规定备案" not in html and scene.target.credit_code not in html
    assert "撤回，原因：对象信息有误" in html  # in the timeline
    assert site.result.title not in _get(client, "search").content.decode()
    publication_withdraw(actor=scene.p.section, publication=site.proof, reason="重新抽取")
    assert _get(client, "proof", site.proof.pk).status_code == 404


def test_corrected_record_banner_and_timeline(
    client: Client, scene: Scene, site: Published, today: dt.date
) -> None:
    second = correct(scene, site.result, "更正检查情况描述")
    old = _get(client, "detail", site.result.pk).content.decode()
    assert "已更正" in old and "第2版" in old
    assert reverse("portal:detail", args=[second.pk]) in old
    new = _get(client, "detail", second.pk).content.decode()
    assert "已更正" not in new.split("公示记录")[0]
    assert "更正说明" in new and "更正检查情况描述" in new
    assert f"{today:%Y-%m-%d} 被更正" in new
    assert reverse("portal:detail", args=[site.result.pk]) in new


def _verify_cli(path: Path) -> str:
    """Run the verifier as a visitor would on a downloaded file; it must pass."""
    run = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(path)],
        capture_output=True,
        text=True,
        cwd=SRC,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_proof_download_is_the_document_the_verifier_accepts(
    client: Client, scene: Scene, site: Published, tmp_path: Path
) -> None:
    response = _get(client, "proof", site.proof.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="draw-{scene.draw.pk}-proof.json"'
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == canonical_bytes(proof_document(scene.draw))
    path = tmp_path / "proof.json"
    path.write_bytes(body)
    assert _verify_cli(path).startswith("OK:")
    # The commitment downloads the same way, byte-exact to its published digest.
    commitment = _get(client, "proof", site.commitment.pk)
    assert commitment.content == canonical_bytes(scene.draw.commitment)
    assert "commitment.json" in commitment["Content-Disposition"]
    # Records that are not draws have nothing to download.
    assert _get(client, "proof", site.result.pk).status_code == 404


def test_proof_download_is_gzip_compressed_for_clients_that_accept_it(
    client: Client, scene: Scene, site: Published, tmp_path: Path
) -> None:
    url = reverse("portal:proof", args=[site.proof.pk])
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == canonical_bytes(proof_document(scene.draw))
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    assert plain.content == canonical_bytes(proof_document(scene.draw))
    # The verifier takes the compressed file as saved, too.
    path = tmp_path / "proof.json.gz"
    path.write_bytes(packed.content)
    assert _verify_cli(path).startswith("OK:")


def test_proof_detail_shows_fingerprint_and_download(
    client: Client, scene: Scene, site: Published
) -> None:
    html = _get(client, "detail", site.proof.pk).content.decode()
    assert scene.draw.commitment_digest in html
    assert reverse("portal:proof", args=[site.proof.pk]) in html
    proof = proof_document(scene.draw)
    assert proof is not None
    assert proof["seed"] in html
    assert proof["result"]["selected"][0]["id"] in html


def test_result_links_to_the_tasks_draw_records(
    client: Client, scene: Scene, site: Published
) -> None:
    response = _get(client, "detail", site.result.pk)
    url = response.context["task_draws_url"]
    listing = client.get(url)
    assert set(_titles(listing)) == {site.proof.title, site.commitment.title}


def test_broad_searches_count_up_to_a_cap(
    client: Client, site: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spotcheck.portal import views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    response = _get(client, "search", page="99")
    assert response.status_code == 200
    assert "超过 5 条公示" in response.content.decode()
    assert response.context["page"].number == 3  # the last page within the cap
    monkeypatch.setattr(views, "COUNT_CAP", 8)
    assert "共 8 条公示" in _get(client, "search").content.decode()


def test_filter_options_follow_a_new_publication_at_once(
    client: Client, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    # The drop-downs are cached per process; publishing must not leave them stale here.
    # The scene's department is already there (committing its draw published the
    # commitment), so the new publication is another department's item list.
    other = scene.p.other_dept
    item = CheckItemFactory(department=other)
    reviewer = UserFactory(username="other_section2", role=Role.SECTION, department=other)
    page = _get(client, "search").content.decode()
    assert f">{scene.p.dept.name}</option>" in page
    assert other.name not in page and f'value="{item.code}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        pub = publication_draft(actor=scene.p.other_section, kind="item_list", source=other)
        pub = publication_submit(actor=scene.p.other_section, publication=pub)
        publication_review(actor=reviewer, publication=pub, approve=True)
    page = _get(client, "search").content.decode()
    assert f">{other.name}</option>" in page
    assert f'value="{item.code}"' in page
