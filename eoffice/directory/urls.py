from django.urls import path

from eoffice.directory import admin_views, views

app_name = "directory"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("a/<str:code>/", views.detail, name="detail"),
    path("a/<str:code>/children/", views.children, name="children"),
    path("admin/", admin_views.admin_agencies, name="admin_agencies"),
    path("admin/new/", admin_views.agency_create, name="admin_create"),
    path("admin/import/", admin_views.import_page, name="admin_import"),
    path("admin/a/<str:code>/edit/", admin_views.agency_edit, name="admin_edit"),
    path("admin/a/<str:code>/move/", admin_views.agency_move, name="admin_move"),
    path("admin/a/<str:code>/merge/", admin_views.agency_merge, name="admin_merge"),
    path("admin/a/<str:code>/dissolve/", admin_views.agency_dissolve, name="admin_dissolve"),
    path("admin/a/<str:code>/hosting/", admin_views.agency_hosting, name="admin_hosting"),
    path("admin/a/<str:code>/units/", admin_views.units, name="admin_units"),
    path("admin/units/<int:unit_id>/edit/", admin_views.unit_edit, name="admin_unit_edit"),
    path("admin/units/<int:unit_id>/deactivate/", admin_views.unit_deactivate, name="admin_unit_deactivate"),
]
