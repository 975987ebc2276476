from django.urls import URLPattern, path

from spotcheck.inspections import views, views_followup

app_name = "inspections"
urlpatterns: list[URLPattern] = [
    path("", views.inspection_list, name="inspection_list"),
    path("review/", views.review_queue, name="review_queue"),
    path("draws/<int:draw_pk>/targets/<int:target_pk>/", views.record, name="record"),
    path(
        "draws/<int:draw_pk>/targets/<int:target_pk>/documents/",
        views.target_documents,
        name="target_documents",
    ),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/review/", views_followup.review, name="review"),
    path("<int:pk>/rectification/", views_followup.rectification_add, name="rectification_add"),
    path("<int:pk>/penalty/", views_followup.penalty_add, name="penalty_add"),
    path("<int:pk>/transfer/", views_followup.transfer_add, name="transfer_add"),
    path(
        "follow-ups/<int:pk>/verify/",
        views_followup.rectification_verify,
        name="rectification_verify",
    ),
    path("follow-ups/<int:pk>/resubmit/", views_followup.penalty_resubmit, name="penalty_resubmit"),
    path("legal/", views_followup.legal_queue, name="legal_queue"),
    path("legal/<int:pk>/", views_followup.legal_review, name="legal_review"),
]
