from django.urls import path

from spotcheck.credit import views

app_name = "credit"
urlpatterns = [path("risk-model/", views.risk_model, name="risk_model")]
