from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "spotcheck.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        # Registers the ``any_of`` lookup before any query may use it.
        from spotcheck.core import bulk  # noqa: F401
