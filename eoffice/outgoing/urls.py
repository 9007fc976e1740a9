from django.urls import path

from eoffice.outgoing import views

app_name = "outgoing"

urlpatterns = [
    path("", views.my_drafts, name="my_drafts"),
    path("new/", views.draft_new, name="draft_new"),
    path("to-number/", views.to_number, name="to_number"),
    path("registers/", views.registers, name="registers"),
    path("registers/<int:series_id>/export/", views.register_export, name="register_export"),
    path("<int:draft_id>/", views.draft_detail, name="draft"),
    path("<int:draft_id>/edit/", views.draft_edit, name="draft_edit"),
    path("<int:draft_id>/compare/", views.compare, name="compare"),
    path("<int:draft_id>/number/", views.draft_number, name="number"),
    path("<int:draft_id>/step/<slug:action>/", views.draft_step, name="step"),
    path("<int:draft_id>/release/", views.draft_release, name="release"),
    path("<int:draft_id>/recall/", views.draft_recall, name="recall"),
    path("deliveries/<int:delivery_id>/reject/", views.delivery_reject, name="reject"),
    path("deliveries/<int:delivery_id>/recall/", views.recall_answer, name="recall_answer"),
    path("<int:draft_id>/files/<int:file_id>/", views.version_file, name="file"),
]
