from django.urls import path

from eoffice.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.admin, name="admin"),
    path("overrides/add/", views.override_add, name="override_add"),
    path("overrides/<int:pk>/edit/", views.override_edit, name="override_edit"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
    path("working-hours/", views.working_hours, name="working_hours"),
    path("seed/", views.seed, name="seed"),
    path("calculate/", views.calculate, name="calculate"),
]
