from django.urls import path

from eoffice.exchange import endpoints, views
from eoffice.exchange.axis import views as axis_views

app_name = "exchange"

urlpatterns = [
    path("", views.monitor, name="monitor"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/resend", views.line_resend, name="line_resend"),
    path("lines/<int:line_id>/cancel", views.line_cancel, name="line_cancel"),
    path("receipts/<int:receipt_id>/", views.receipt_detail, name="receipt"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/<int:item_id>/dismiss", views.quarantine_dismiss, name="quarantine_dismiss"),
    path("quarantine/<int:item_id>/raw", views.quarantine_raw, name="quarantine_raw"),
    path("peers/", views.peer_list, name="peers"),
    path("peers/<int:peer_id>/", views.peer_edit, name="peer_edit"),
    path("peers/<int:peer_id>/sync", views.peer_sync, name="peer_sync"),
    path("agencies/switch", views.agency_switch, name="agency_switch"),
    path("axes/", axis_views.axis_list, name="axes"),
    path("axes/<int:axis_id>/", axis_views.axis_edit, name="axis_edit"),
    path("axes/<int:axis_id>/sync", axis_views.axis_sync, name="axis_sync"),
    path("axes/<int:axis_id>/poll", axis_views.axis_poll, name="axis_poll"),
    path("axes/<int:axis_id>/check", axis_views.axis_check, name="axis_check"),
    # Machine endpoints for peer installations (signed requests, no session).
    path("inbox/", endpoints.inbox, name="inbox"),
    path("agencies/", endpoints.agencies, name="agencies"),
]
