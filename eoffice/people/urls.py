from django.urls import path

from eoffice.people import views

app_name = "people"

urlpatterns = [
    path("switch-position/", views.switch_position, name="switch_position"),
]
