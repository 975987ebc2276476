from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "spotcheck.directory"
    label = "directory"
    verbose_name = _("一单两库")

    def ready(self) -> None:
        # Registers the signal receivers that keep the cached region/industry lists current.
        from spotcheck.directory import options_cache  # noqa: F401
