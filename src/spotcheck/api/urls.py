from django.urls import include, path
from rest_framework.routers import SimpleRouter

from spotcheck.api import pages, views, views_public

app_name = "api"

router = SimpleRouter()
router.register("items", views.CheckItemViewSet, basename="item")
router.register("targets", views.TargetViewSet, basename="target")
router.register("inspectors", views.InspectorViewSet, basename="inspector")
router.register("tasks", views.SpotCheckTaskViewSet, basename="task")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", pages.docs_page, name="docs"),
    path("token/", pages.token_page, name="token"),
    # Public (no login) before the router so its paths are never taken for staff resources.
    path(
        "v1/public/publications/",
        views_public.PublicationList.as_view(),
        name="public-publication-list",
    ),
    path(
        "v1/public/publications/<str:pk>/",
        views_public.PublicationDetail.as_view(),
        name="public-publication-detail",
    ),
    path("v1/todo/", views.TodoView.as_view(), name="todo"),
    path("v1/", include(router.urls)),
]
