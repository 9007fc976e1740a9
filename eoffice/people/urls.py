from django.urls import path

from eoffice.people import views

app_name = "people"

urlpatterns = [
    path("switch-position/", views.switch_position, name="switch_position"),
    path("admin/", views.admin_people, name="admin_people"),
    path("admin/new/", views.person_new, name="person_new"),
    path("admin/<int:user_id>/", views.person, name="person"),
    path("admin/<int:user_id>/password/", views.person_password, name="person_password"),
    path("admin/<int:user_id>/status/", views.person_status, name="person_status"),
    path("admin/<int:user_id>/positions/", views.position_add, name="position_add"),
    path("positions/<int:position_id>/", views.position_edit, name="position_edit"),
    path("positions/<int:position_id>/end/", views.position_end, name="position_end"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:delegation_id>/revoke/", views.delegation_revoke, name="delegation_revoke"),
]
