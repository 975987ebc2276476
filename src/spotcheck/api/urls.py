from django.urls import include, path
from rest_framework.routers import SimpleRouter

from spotcheck.api import pages, views

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
    path("v1/", include(router.urls)),
]
