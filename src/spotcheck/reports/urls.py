from django.urls import path

from spotcheck.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/<int:pk>/", views.task_report, name="task_report"),
    path("annual/", views.annual, name="annual"),
]
