"""Import/export routes, included by directory/urls.py into the "directory" namespace."""

from django.urls import URLPattern, path, register_converter

from spotcheck.directory import views_io


class KindConverter:
    regex = "items|targets|inspectors"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "dirkind")
register_converter(FormatConverter, "tablefmt")

urlpatterns_io: list[URLPattern] = [
    path("import/<dirkind:kind>/", views_io.import_start_view, name="import_start"),
    path("import/job/<uuid:job_id>/", views_io.import_preview, name="import_preview"),
    path("import/job/<uuid:job_id>/commit/", views_io.import_commit, name="import_commit"),
    path(
        "import/<dirkind:kind>/template.<tablefmt:fmt>",
        views_io.import_template,
        name="import_template",
    ),
    path("export/<dirkind:kind>.xlsx", views_io.export, name="export"),
    path("export/job/<uuid:job_id>/", views_io.export_download, name="export_download"),
]
