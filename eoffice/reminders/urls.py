from django.urls import path

from eoffice.reminders import views

app_name = "reminders"

urlpatterns = [
    path("lines/<int:line_id>/", views.line_reminders, name="line"),
    path("policy/", views.policy, name="policy"),
]
