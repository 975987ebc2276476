from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from spotcheck.core import access
from spotcheck.core.errors import ServiceError
from spotcheck.credit.forms import RiskModelForm
from spotcheck.credit.models import RiskModel
from spotcheck.credit.selectors import current_risk_model
from spotcheck.credit.services import risk_model_create


@login_required
def risk_model(request: HttpRequest) -> HttpResponse:
    """Current version and its history for all who plan draws; admins publish new versions."""
    if not access.can_view_risk_model(request.user):
        raise PermissionDenied(gettext("无权查看风险模型"))
    current = current_risk_model()
    form = None
    if access.can_publish_risk_model(request.user):
        form = RiskModelForm(request.POST or None, config=current.config if current else None)
        if request.method == "POST" and form.is_valid():
            try:
                created = risk_model_create(
                    actor=request.user,  # type: ignore[arg-type]
                    config=form.config(),
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"已发布风险模型 v{created.version}，之后制定的任务将使用此版本"
                )
                return redirect("credit:risk_model")
    elif request.method == "POST":
        raise PermissionDenied(gettext("只有系统管理员可以调整风险模型"))
    return render(
        request,
        "credit/risk_model.html",
        {
            "current": current,
            "versions": RiskModel.objects.select_related("created_by")[:50],
            "form": form,
        },
    )
