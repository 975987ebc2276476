from django.urls import path

from spotcheck.disclosure import views

app_name = "disclosure"
urlpatterns = [path("calendar/", views.calendar, name="calendar")]
