from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

# The admin's own titles say "Django 站点管理员" / "Django administration" otherwise.
admin.site.site_header = _("双随机、一公开监管平台 · 后台管理")
admin.site.site_title = _("后台管理")
admin.site.index_title = _("后台管理")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("spotcheck.core.urls")),
    path("accounts/", include("spotcheck.accounts.urls")),
    path("directory/", include("spotcheck.directory.urls")),
    path("audit/", include("spotcheck.audit.urls")),
    path("planning/", include("spotcheck.planning.urls")),
    path("draws/", include("spotcheck.draws.urls")),
    path("inspections/", include("spotcheck.inspections.urls")),
    path("credit/", include("spotcheck.credit.urls")),
    path("reports/", include("spotcheck.reports.urls")),
    path("jobs/", include("spotcheck.jobs.urls")),
    path("disclosure/", include("spotcheck.disclosure.urls")),
    path("api/", include("spotcheck.api.urls")),
    # The public portal and open data: no login (一公开).
    path("public/data/", include("spotcheck.opendata.urls")),
    path("public/", include("spotcheck.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# MEDIA_ROOT (import uploads, inspection evidence) is never served as files, not even with
# DEBUG on: evidence goes out through inspections:evidence_file, which checks who may see it;
# import uploads and exports only through their job's owner (directory.views_io).
