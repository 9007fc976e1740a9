from django.urls import path

from eoffice.exchange import endpoints, views

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
    # Machine endpoints for peer installations (signed requests, no session).
    path("inbox/", endpoints.inbox, name="inbox"),
    path("agencies/", endpoints.agencies, name="agencies"),
]
