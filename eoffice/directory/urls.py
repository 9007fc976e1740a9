from django.urls import path

from eoffice.directory import views

app_name = "directory"

urlpatterns = [
    path("switch-position/", views.switch_position, name="switch_position"),
]
