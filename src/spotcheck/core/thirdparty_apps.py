"""Third-party apps under names people can read in the admin, in either language.

django-axes and django-q2 name their apps in English (or not at all); the admin's index and
breadcrumbs show that name, so the Chinese UI would read "Axes" and "Django Q".
"""

from __future__ import annotations

from axes.apps import AppConfig as _AxesConfig
from django.utils.translation import gettext_lazy as _
from django_q.apps import DjangoQConfig as _DjangoQConfig


class AxesConfig(_AxesConfig):
    verbose_name = _("登录防护")


class DjangoQConfig(_DjangoQConfig):
    verbose_name = _("后台作业")
