from django.urls import path

from spotcheck.opendata import feeds, views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("publications.csv", views.publications_csv, name="csv"),
    path("publications.json", views.publications_json, name="json"),
    path("feed.atom", feeds.PublicationFeed(), name="feed"),
    path("audit-checkpoints.json", views.audit_checkpoints_json, name="audit_checkpoints"),
]
