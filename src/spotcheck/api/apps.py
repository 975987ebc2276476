from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "spotcheck.api"
    label = "api"
    verbose_name = _("接口")

    def ready(self) -> None:
        # Registers the OpenAPI description of our token scheme with drf-spectacular.
        from spotcheck.api import schema  # noqa: F401
