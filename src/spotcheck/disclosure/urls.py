from django.urls import path

from spotcheck.disclosure import views
from spotcheck.disclosure import views_publications as pub

app_name = "disclosure"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("publications/", pub.publication_list, name="publication_list"),
    path("publications/<int:pk>/", pub.publication_detail, name="publication_detail"),
    path(
        "publications/new/<slug:kind>/<int:source_pk>/",
        pub.publication_new,
        name="publication_new",
    ),
    path("publications/<int:pk>/submit/", pub.publication_submit_view, name="publication_submit"),
    path("publications/<int:pk>/review/", pub.publication_review_view, name="publication_review"),
    path(
        "publications/<int:pk>/correct/", pub.publication_correct_view, name="publication_correct"
    ),
    path(
        "publications/<int:pk>/withdraw/",
        pub.publication_withdraw_view,
        name="publication_withdraw",
    ),
]
