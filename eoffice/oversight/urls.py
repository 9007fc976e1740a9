from django.urls import path

from eoffice.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.board, name="board"),
    path("lines/", views.drill_down, name="lines"),
    path("me/", views.my_figures, name="me"),
    path("me/lines/", views.my_lines, name="my_lines"),
    path("times/", views.times, name="times"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<slug:slug>/", views.report, name="report"),
]
