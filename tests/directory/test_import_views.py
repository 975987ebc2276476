"""Import pages: the flow a section user follows, roles, and the background path."""

from __future__ import annotations

import pytest
from django.urls import reverse

from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import Target
from spotcheck.jobs.models import Job, JobState
from tests.directory.test_import_support import (  # noqa: F401 - media_in_tmp is a fixture
    TARGET_HEADERS,
    csv_bytes,
    media_in_tmp,
    target_row,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def code(n: int) -> str:
    return make_code("91", "640106", f"{n:09d}")


def _post_file(client, data: bytes, name: str = "t.csv", kind: str = "targets"):
    return client.post(reverse("directory:import_start", args=[kind]), {"file": upload(data, name)})


def _job(response) -> Job:
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_start_page_lists_columns_and_templates(client, personas):
    client.force_login(personas.section)
    for kind in ("items", "targets", "inspectors"):
        page = client.get(reverse("directory:import_start", args=[kind]))
        assert page.status_code == 200
        html = page.content.decode()
        assert reverse("directory:import_template", args=[kind, "xlsx"]) in html
        assert reverse("directory:import_template", args=[kind, "csv"]) in html
    assert "统一社会信用代码" in html or "执法证号" in html


def test_templates_have_chinese_headers(client, personas):
    import io

    import openpyxl

    client.force_login(personas.section)
    response = client.get(reverse("directory:import_template", args=["targets", "csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip() == ",".join(TARGET_HEADERS)
    response = client.get(reverse("directory:import_template", args=["inspectors", "xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["执法证号", "姓名"]
    assert wb.sheetnames[1] == "填写说明"


def test_blank_template_reimports_as_header_only(client, personas, tmp_path):
    client.force_login(personas.section)
    data = client.get(reverse("directory:import_template", args=["items", "xlsx"])).content
    job = _job(_post_file(client, data, "template.xlsx", "items"))
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "没有数据行" in job.message


def test_flow_with_bad_row_then_fixed(client, personas):
    client.force_login(personas.section)
    bad = csv_bytes(
        [TARGET_HEADERS, target_row(code(1), "甲公司"), target_row(code(2), 对象类型="公司")]
    )
    job = _job(_post_file(client, bad))
    page = client.get(reverse("directory:import_preview", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "对象类型" in html and "取值“公司”无效" in html and "<td>3</td>" in html
    assert "确认导入" not in html
    # Committing a file with errors is refused and writes nothing.
    response = client.post(reverse("directory:import_commit", args=[job.pk]))
    assert response.status_code == 302 and not Target.objects.exists()

    good = csv_bytes([TARGET_HEADERS, target_row(code(1), "甲公司"), target_row(code(2), "乙公司")])
    job = _job(_post_file(client, good))
    html = client.get(reverse("directory:import_preview", args=[job.pk])).content.decode()
    assert "确认导入" in html and "将新增" in html
    response = client.post(reverse("directory:import_commit", args=[job.pk]))
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "已导入：新增 2 条" in html
    assert set(Target.objects.values_list("name", flat=True)) == {"甲公司", "乙公司"}
    # A second commit of the same job is refused.
    client.post(reverse("directory:import_commit", args=[job.pk]))
    assert Target.objects.count() == 2


def test_warning_needs_the_confirm_checkbox(client, personas):
    client.force_login(personas.section)
    good = code(5)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    job = _job(_post_file(client, csv_bytes([TARGET_HEADERS, target_row(bad_check)])))
    html = client.get(reverse("directory:import_preview", args=[job.pk])).content.decode()
    assert 'name="confirm_warnings"' in html and "校验位" in html
    response = client.post(reverse("directory:import_commit", args=[job.pk]), follow=True)
    assert "请勾选" in response.content.decode()
    assert not Target.objects.exists()
    client.post(reverse("directory:import_commit", args=[job.pk]), {"confirm_warnings": "1"})
    assert Target.objects.get().code_warning_confirmed


def test_not_a_spreadsheet_gets_a_message_not_a_500(client, personas):
    client.force_login(personas.section)
    response = _post_file(client, b"%PDF-1.4 fake", "targets.csv")
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    response = client.post(reverse("directory:import_start", args=["targets"]), {})
    assert response.status_code == 400 and "请选择" in response.content.decode()


def test_background_path_for_large_files(client, personas, settings, monkeypatch):
    settings.IMPORT_BACKGROUND_ROWS = 3
    from django_q import tasks

    queued = []
    real = tasks.async_task

    def spy(*args, **kwargs):
        queued.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "async_task", spy)
    client.force_login(personas.section)
    rows = [TARGET_HEADERS, *(target_row(code(i), f"公司{i}") for i in range(6))]
    job = _job(_post_file(client, csv_bytes(rows)))
    assert queued and queued[0][0] == "spotcheck.jobs.services.run"
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["validation"]["created"] == 6
    client.post(reverse("directory:import_commit", args=[job.pk]))
    assert len(queued) == 2 and queued[1][2].endswith("commit_job")
    assert Target.objects.count() == 6
    job.refresh_from_db()
    assert job.result["commit"]["created"] == 6 and job.percent == 100


def test_running_job_preview_polls_status(client, personas):
    client.force_login(personas.section)
    job = Job.objects.create(
        owner=personas.section, kind="directory.import", label="x", state=JobState.RUNNING,
        done=40, total=100, params={"kind": "targets", "filename": "x.csv", "result_url": "/r/"},
    )  # fmt: skip
    html = client.get(reverse("directory:import_preview", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert reverse("jobs:job_status", args=[job.pk]) in html


@pytest.mark.parametrize("role", ["inspector", "auditor", "leader", "admin", "legal_reviewer"])
def test_only_section_users_may_import(client, personas, role):
    section_job = Job.objects.create(owner=personas.section, kind="directory.import", label="x")
    client.force_login(getattr(personas, role))
    urls = [
        ("get", reverse("directory:import_start", args=["targets"])),
        ("post", reverse("directory:import_start", args=["targets"])),
        ("get", reverse("directory:import_template", args=["targets", "xlsx"])),
        ("get", reverse("directory:import_preview", args=[section_job.pk])),
        ("post", reverse("directory:import_commit", args=[section_job.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, personas):
    job = Job.objects.create(owner=personas.section, kind="directory.import", label="x")
    for method, url in [
        ("get", reverse("directory:import_start", args=["items"])),
        ("post", reverse("directory:import_start", args=["items"])),
        ("get", reverse("directory:import_template", args=["items", "csv"])),
        ("get", reverse("directory:import_preview", args=[job.pk])),
        ("post", reverse("directory:import_commit", args=[job.pk])),
        ("get", reverse("directory:export", args=["items"])),
        ("get", reverse("jobs:job_status", args=[job.pk])),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response.url, url


def test_other_section_user_cannot_see_or_commit_my_import(client, personas):
    client.force_login(personas.section)
    job = _job(_post_file(client, csv_bytes([TARGET_HEADERS, target_row(code(1))])))
    client.force_login(personas.other_section)
    assert client.get(reverse("directory:import_preview", args=[job.pk])).status_code == 404
    assert client.post(reverse("directory:import_commit", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404
    assert not Target.objects.exists()


def test_five_thousand_rows_run_as_a_job_with_the_default_threshold(client, personas, settings):
    assert settings.IMPORT_BACKGROUND_ROWS < 5000
    client.force_login(personas.section)
    rows = [TARGET_HEADERS, *(target_row(code(i), f"公司{i}") for i in range(5000))]
    job = _job(_post_file(client, csv_bytes(rows, "gb18030")))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.result["validation"]["created"] == 5000
    assert len(job.result["validation"]["changes"]) == 500  # the preview lists the first 500
    client.post(reverse("directory:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.result["commit"] == {"created": 5000, "updated": 0, "unchanged": 0}
    assert Target.objects.count() == 5000
    assert Target.history.filter(history_user=personas.section).count() == 5000
    assert Target.departments.through.objects.count() == 5000


def test_oversized_upload_is_refused_before_reading_it(client, personas, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(personas.section)
    rows = [TARGET_HEADERS, *(target_row(code(i)) for i in range(1000))]
    response = _post_file(client, csv_bytes(rows))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not Job.objects.exists()


def test_problems_are_written_in_the_uploaders_language(client, personas):
    """The job writes its problems without a request: they follow the language of the page
    that started it (here English), while the file's own words (column names) stay as typed."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.section)
    bad = target_row(code(1), 登记状态="不存在的状态")
    bad[TARGET_HEADERS.index("投诉举报次数")] = "-3"
    rows = [TARGET_HEADERS, bad, target_row(code(1))]
    job = _job(_post_file(client, csv_bytes(rows)))
    job.refresh_from_db()
    assert job.params["language"] == "en"
    page = client.get(reverse("directory:import_preview", args=[job.pk])).content.decode()
    assert "should be a whole number of at least 0" in page
    assert "on rows 2 and 3" in page
    assert "不能为空" not in page and "应为不小于0的整数" not in page
    # A refusal of the whole file, too.
    refused = _job(_post_file(client, csv_bytes([["名称", "随便一列"], ["甲", "乙"]])))
    refused.refresh_from_db()
    assert refused.state == JobState.FAILED
    text = client.get(reverse("directory:import_preview", args=[refused.pk])).content.decode()
    assert "Missing required columns" in text and "缺少必需的列" not in text
    # The same file from a Chinese page gets Chinese messages.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    job = _job(_post_file(client, csv_bytes(rows)))
    page = client.get(reverse("directory:import_preview", args=[job.pk])).content.decode()
    assert "应为不小于0的整数" in page
