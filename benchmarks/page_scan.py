"""Every staff and public list page against a large database: which pages grow with the data.

    .venv/bin/python benchmarks/draw_app.py --targets 1000000 --keep   # seed and draw once
    .venv/bin/python benchmarks/page_scan.py [--db postgres://…/spotcheck_drawbench]

Issue 16 asks that no page does work proportional to the whole directory or the whole log
inside a request. This requests each page in-process through Django's test client (no network,
no template caching differences from production: DEBUG=0), as the role that uses it, three
times, and prints the median, slowest first, with the goal of 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/spotcheck_drawbench")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="spotcheck-pagescan-"))
    os.environ.update(
        {
            "DATABASE_URL": args.db,
            "DJANGO_SETTINGS_MODULE": "spotcheck.config.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
            "DEBUG": "0",
            "SPOTCHECK_HOME": str(home),
            "MEDIA_ROOT": str(home / "media"),
            "LOG_LEVEL": "ERROR",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from spotcheck.accounts.models import Role, User
    from spotcheck.directory.models import Target
    from spotcheck.draws.models import Draw
    from spotcheck.planning.models import SpotCheckTask

    section = User.objects.get(username="bench_section")
    leader = User.objects.get(username="bench_leader")
    auditor, _created = User.objects.get_or_create(
        username="bench_auditor", defaults={"role": Role.AUDITOR}
    )
    task = SpotCheckTask.objects.order_by("-pk").first()
    draw = Draw.objects.order_by("-pk").first()
    target = Target.objects.order_by("pk").first()
    region = Target.objects.exclude(region="").values_list("region", flat=True).first()
    pages: list[tuple[str, User | None, str]] = [
        ("home (待办)", section, reverse("core:home")),
        ("targets", section, reverse("directory:target_list")),
        ("targets ?region", section, f"{reverse('directory:target_list')}?region={region}"),
        ("targets ?credit_class=D", section, f"{reverse('directory:target_list')}?credit_class=D"),
        ("target detail", section, reverse("directory:target_detail", args=[target.pk])),  # type: ignore[union-attr]
        ("items", section, reverse("directory:item_list")),
        ("inspectors", section, reverse("directory:inspector_list")),
        ("conflicts", section, reverse("directory:conflict_list")),
        ("plans", section, reverse("planning:plan_list")),
        ("tasks", section, reverse("planning:task_list")),
        ("task detail (committed pool)", section, reverse("planning:task_detail", args=[task.pk])),  # type: ignore[union-attr]
        ("draw detail", section, reverse("draws:draw_detail", args=[draw.pk])),  # type: ignore[union-attr]
        ("draw results", section, reverse("draws:results", args=[draw.pk])),  # type: ignore[union-attr]
        ("inspections", section, reverse("inspections:inspection_list")),
        ("dashboard", leader, reverse("reports:dashboard")),
        ("annual report", leader, reverse("reports:annual")),
        ("publications", section, reverse("disclosure:publication_list")),
        ("audit log", auditor, reverse("audit:event_list")),
        ("portal home", None, reverse("portal:home")),
        ("portal search", None, reverse("portal:search")),
        ("portal draws", None, reverse("portal:draws")),
        ("open data index", None, reverse("opendata:index")),
    ]
    rows = []
    for name, user, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        times = []
        status = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - started) * 1000)
        rows.append((statistics.median(times), name, status, url))
    print(f"targets in the directory: {Target.objects.count():,}")
    print(f"{'page':<30} {'status':>6} {'median ms':>10}")
    for ms, name, status, _url in sorted(rows, reverse=True):
        flag = "  over goal" if ms > GOAL_MS else ""
        print(f"{name:<30} {status:>6} {ms:>10.0f}{flag}")


if __name__ == "__main__":
    main()
