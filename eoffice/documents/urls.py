from django.urls import path

from eoffice.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("upload/", views.upload, name="upload"),
    path("register-bulk/", views.register_bulk, name="register_bulk"),
    path("<int:document_id>/", views.detail, name="detail"),
    path("<int:document_id>/confirm/", views.confirm, name="confirm"),
    path("<int:document_id>/register/", views.register, name="register"),
    path("<int:document_id>/jobs/", views.jobs, name="jobs"),
    path("<int:document_id>/jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("files/<int:file_id>/", views.download, name="file"),
    path("registers/", views.registers, name="registers"),
    path("registers/<int:register_id>/export/", views.register_export, name="register_export"),
]
