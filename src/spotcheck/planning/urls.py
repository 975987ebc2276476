from django.urls import URLPattern, path

from spotcheck.planning import views, views_preview, views_tasks

app_name = "planning"
urlpatterns: list[URLPattern] = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("tasks/", views_tasks.task_list, name="task_list"),
    path("tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/preview/", views_preview.preview_refresh, name="preview_refresh"),
    path("tasks/<int:pk>/approve/", views_tasks.task_approve, name="task_approve"),
    path("tasks/<int:pk>/advance/", views_tasks.task_advance, name="task_advance"),
    path("tasks/<int:pk>/overrides/", views_tasks.override_request, name="override_request"),
    path("overrides/<int:pk>/approve/", views_tasks.override_approve, name="override_approve"),
]
