from django.urls import path

from eoffice.signing import credentials_views, views

app_name = "signing"

urlpatterns = [
    path("validate/", views.validate, name="validate"),
    path("credentials/", credentials_views.credentials_page, name="credentials"),
]
