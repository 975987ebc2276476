from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The synthetic demo (``load_demo``, ``demo_logins``): no models, and no other app may
    import it (import-linter contract in pyproject.toml)."""

    name = "spotcheck.demo"
    label = "demo"
    verbose_name = _("演示数据")
