from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "spotcheck.planning"
    label = "planning"
    verbose_name = _("计划与抽查任务")
