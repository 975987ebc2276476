from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from spotcheck.core import access
from spotcheck.disclosure import portal_scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    # A page rendered before the authentication middleware ran (a bureau portal's 404).
    user = getattr(request, "user", None)
    return {
        "portal_bureau": portal_scope.current(),
        "nav": {
            "items": access.can_view_items(user),
            "targets": access.can_view_targets(user),
            "inspectors": access.can_view_inspectors(user),
            "conflicts": access.can_view_conflicts(user),
            "plans": access.can_view_plans(user),
            "tasks": access.can_view_tasks(user),
            "assignments": access.can_view_own_assignments(user),
            "audit": access.can_view_audit(user),
            "dashboard": access.can_view_dashboard(user),
            "risk_model": access.can_view_risk_model(user),
            "users": access.can_manage_users(user),
            "bureaus": access.can_manage_bureaus(user),
        },
    }
