from django.urls import URLPattern, path

from spotcheck.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="event_list"),
    path("verify/", views.full_verify, name="full_verify"),
]
