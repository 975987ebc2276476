from django.urls import path

from spotcheck.portal import views, views_audit

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("records/<int:pk>/", views.detail, name="detail"),
    path("records/<int:pk>/proof.json", views.proof, name="proof"),
    path("items/", views.items, name="items"),
    path("inspectors/", views.inspectors, name="inspectors"),
    path("tasks/", views.tasks, name="tasks"),
    path("penalties/", views.penalties, name="penalties"),
    path("draws/", views.draws, name="draws"),
    path("draws/tasks/<int:task_id>/", views.draw_history, name="draw_history"),
    path("verify/", views.verify, name="verify"),
    path("verify/browser/", views.verify_browser, name="verify_browser"),
    path("verify/spotcheck_verify.py", views.verifier_download, name="verifier_download"),
    path("audit/", views_audit.checkpoints, name="audit_checkpoints"),
    path("audit/checkpoints/latest.json", views_audit.latest_json, name="audit_latest"),
    path("audit/checkpoints/<int:pk>.json", views_audit.checkpoint_json, name="audit_checkpoint"),
]
