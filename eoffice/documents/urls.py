from django.urls import path

from eoffice.documents import views, views_handling

app_name = "documents"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("upload/", views.upload, name="upload"),
    path("register-bulk/", views.register_bulk, name="register_bulk"),
    path("<int:document_id>/", views.detail, name="detail"),
    path("<int:document_id>/confirm/", views.confirm, name="confirm"),
    path("<int:document_id>/register/", views.register, name="register"),
    path("<int:document_id>/present/", views_handling.present, name="present"),
    path("<int:document_id>/route/", views_handling.route, name="route"),
    path("<int:document_id>/reply-proposal/", views_handling.propose_reply, name="propose_reply"),
    path("<int:document_id>/jobs/", views.jobs, name="jobs"),
    path("<int:document_id>/jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("files/<int:file_id>/", views.download, name="file"),
    path("registers/", views.registers, name="registers"),
    path("registers/<int:register_id>/export/", views.register_export, name="register_export"),
    path("routing-rules/", views_handling.routing_rules, name="routing_rules"),
    path(
        "routing-rules/<int:rule_id>/delete/", views_handling.routing_rule_delete, name="routing_rule_delete"
    ),
]
