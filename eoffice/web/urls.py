from django.urls import path

from eoffice.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
]
