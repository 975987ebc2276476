from django.urls import URLPattern, URLResolver, path

from spotcheck.directory import views_conflicts, views_inspectors, views_items, views_targets

app_name = "directory"
urlpatterns: list[URLPattern | URLResolver] = [
    path("items/", views_items.item_list, name="item_list"),
    path("items/new/", views_items.item_create, name="item_create"),
    path("items/<int:pk>/", views_items.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views_items.item_edit, name="item_edit"),
    path("targets/", views_targets.target_list, name="target_list"),
    path("targets/new/", views_targets.target_create, name="target_create"),
    path("targets/join/", views_targets.target_join, name="target_join"),
    path("targets/<int:pk>/", views_targets.target_detail, name="target_detail"),
    path("targets/<int:pk>/edit/", views_targets.target_edit, name="target_edit"),
    path(
        "targets/<int:pk>/supervision/<int:department_id>/",
        views_targets.supervision_set,
        name="supervision_set",
    ),
    path("inspectors/", views_inspectors.inspector_list, name="inspector_list"),
    path("inspectors/new/", views_inspectors.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", views_inspectors.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views_inspectors.inspector_edit, name="inspector_edit"),
    path("conflicts/", views_conflicts.conflict_list, name="conflict_list"),
    path("conflicts/new/", views_conflicts.conflict_create, name="conflict_create"),
    path(
        "conflicts/<int:pk>/withdraw/",
        views_conflicts.conflict_withdraw,
        name="conflict_withdraw",
    ),
]

# Import/export routes live in their own module (owned by the import/export work); they share
# this namespace so templates can link to "directory:export" etc.
try:
    from spotcheck.directory.urls_io import urlpatterns_io
except ModuleNotFoundError as exc:  # pragma: no cover - only while that module is being written
    # Only a missing module is tolerated; an error inside it must still fail loudly.
    if exc.name != "spotcheck.directory.urls_io":
        raise
    urlpatterns_io = []
urlpatterns += urlpatterns_io
