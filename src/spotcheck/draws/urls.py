from django.urls import URLPattern, path

from spotcheck.draws import views_ceremony, views_results

app_name = "draws"
urlpatterns: list[URLPattern] = [
    path("tasks/<int:task_pk>/commit/", views_ceremony.commit, name="commit"),
    path("<int:pk>/", views_ceremony.draw_detail, name="draw_detail"),
    path("<int:pk>/execute/", views_ceremony.execute, name="execute"),
    path("<int:pk>/abort/", views_ceremony.abort, name="abort"),
    path("abort-requests/<int:pk>/decide/", views_ceremony.abort_decide, name="abort_decide"),
    path("<int:pk>/commitment.json", views_ceremony.commitment_json, name="commitment"),
    path("<int:pk>/proof.json", views_ceremony.proof_json, name="proof"),
    path("<int:pk>/results/", views_results.results, name="results"),
    path("<int:pk>/results/recuse/", views_results.recuse, name="recuse"),
    path("<int:pk>/results/notice/", views_results.advance_notice, name="advance_notice"),
    path("<int:pk>/results/export.xlsx", views_results.export, name="export"),
    path("mine/", views_results.my_assignments, name="my_assignments"),
]
