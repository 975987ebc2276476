from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spotcheck.core import access
from spotcheck.directory.models import CheckItem, Inspector, Target


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = {}
    if access.can_view_targets(request.user):
        counts["targets"] = Target.objects.count()
    if access.can_view_items(request.user):
        counts["items"] = CheckItem.objects.filter(active=True).count()
        counts["inspectors"] = Inspector.objects.count()
    return render(request, "core/home.html", {"counts": counts})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
