from django.urls import URLPattern, path

from spotcheck.jobs import views

app_name = "jobs"
urlpatterns: list[URLPattern] = [
    path("<uuid:job_id>/", views.job_status, name="job_status"),
]
