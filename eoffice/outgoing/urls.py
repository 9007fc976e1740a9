from django.urls import path

from eoffice.outgoing import amend_views, chains_views, comments_views, compare_views, signing_views, views

app_name = "outgoing"

urlpatterns = [
    path("", views.my_drafts, name="my_drafts"),
    path("new/", views.draft_new, name="draft_new"),
    path("to-number/", views.to_number, name="to_number"),
    path("registers/", views.registers, name="registers"),
    path("registers/<int:series_id>/export/", views.register_export, name="register_export"),
    path("<int:draft_id>/", views.draft_detail, name="draft"),
    path("<int:draft_id>/edit/", views.draft_edit, name="draft_edit"),
    path("<int:draft_id>/compare/", compare_views.compare, name="compare"),
    path("<int:draft_id>/versions/<int:number>/pdf/", compare_views.version_pdf, name="version_pdf"),
    path("<int:draft_id>/number/", views.draft_number, name="number"),
    path("<int:draft_id>/step/<slug:action>/", views.draft_step, name="step"),
    path("<int:draft_id>/release/", views.draft_release, name="release"),
    path("<int:draft_id>/recall/", views.draft_recall, name="recall"),
    path("deliveries/<int:delivery_id>/reject/", views.delivery_reject, name="reject"),
    path("deliveries/<int:delivery_id>/recall/", views.recall_answer, name="recall_answer"),
    path("<int:draft_id>/update/", amend_views.draft_update, name="update"),
    path("answers/<int:answer_id>/", amend_views.answer, name="answer"),
    path("<int:draft_id>/files/<int:file_id>/", views.version_file, name="file"),
    # Lấy ý kiến (comment rounds) and the approval-chain configuration pages.
    path("<int:draft_id>/comments/start/", comments_views.comment_start, name="comment_start"),
    path("comments/<int:round_id>/", comments_views.comment_round, name="comment_round"),
    path("comments/<int:round_id>/extend/", comments_views.comment_extend, name="comment_extend"),
    path("comments/<int:round_id>/close/", comments_views.comment_close, name="comment_close"),
    path("comments/<int:round_id>/export/", comments_views.comment_export, name="comment_export"),
    path("comments/<int:round_id>/files/<int:file_id>/", comments_views.comment_file, name="comment_file"),
    path("chains/", chains_views.chain_list, name="chains"),
    path("chains/new/", chains_views.chain_edit, name="chain_new"),
    path("chains/<int:chain_id>/", chains_views.chain_edit, name="chain_edit"),
    path("chains/<int:chain_id>/delete/", chains_views.chain_delete, name="chain_delete"),
    # Ký số (signing_views.py)
    path("to-sign/", signing_views.to_sign, name="to_sign"),
    path("<int:draft_id>/sign/", signing_views.draft_sign, name="sign"),
    path("<int:draft_id>/org-sign/", signing_views.draft_org_sign, name="org_sign"),
    path("<int:draft_id>/signatures/", signing_views.signatures, name="signatures"),
    path("<int:draft_id>/signed/<int:index>/", signing_views.signed_file, name="signed_file"),
]
