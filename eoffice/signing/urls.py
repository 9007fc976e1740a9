from django.urls import path

from eoffice.signing import views

app_name = "signing"

urlpatterns = [
    path("validate/", views.validate, name="validate"),
]
