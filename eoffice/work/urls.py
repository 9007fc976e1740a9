from django.urls import path

from eoffice.work import views

app_name = "work"

urlpatterns = [
    path("", views.boxes, name="boxes"),
    path("bulk/", views.bulk, name="bulk"),
    path("items/<int:item_id>/", views.item_page, name="item"),
    path("items/<int:item_id>/slip.pdf", views.item_slip, name="slip"),
    path("items/<int:item_id>/present/", views.item_present, name="present"),
    path("items/<int:item_id>/assign/", views.item_assign, name="assign"),
    path("lines/<int:line_id>/forward/", views.line_forward, name="forward"),
    path("lines/<int:line_id>/opinion/", views.line_opinion, name="opinion"),
    path("lines/<int:line_id>/extension/", views.line_extension, name="extension"),
    path("lines/<int:line_id>/<slug:action>/", views.line_action, name="line_action"),
    path("extensions/<int:request_id>/decide/", views.extension_decide, name="decide"),
]
