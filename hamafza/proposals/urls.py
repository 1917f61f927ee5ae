from django.urls import path

from hamafza.proposals import views

app_name = "proposals"
urlpatterns = [
    path("calls/<int:call_id>/apply/", views.apply, name="apply"),
    path("calls/<int:call_id>/evaluation/", views.evaluation, name="evaluation"),
    path("calls/<int:call_id>/evaluation/panel/", views.panel_create, name="panel_create"),
    path("calls/<int:call_id>/evaluation/publish/", views.results_publish, name="results_publish"),
    path("calls/<int:call_id>/proposals.<str:fmt>", views.call_export, name="call_export"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("proposals/<int:pk>/scores/", views.proposal_scores, name="proposal_scores"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/shortlist/", views.proposal_shortlist, name="proposal_shortlist"),
    path("proposals/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("proposals/attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("panels/<int:panel_id>/settings/", views.panel_settings, name="panel_settings"),
    path("panels/<int:panel_id>/criteria/", views.criterion_save, name="criterion_add"),
    path("panels/<int:panel_id>/criteria/<int:criterion_id>/", views.criterion_save, name="criterion_edit"),
    path("panels/<int:panel_id>/criteria/<int:criterion_id>/delete/", views.criterion_delete, name="criterion_delete"),
    path("panels/<int:panel_id>/judges/", views.panel_add_judge, name="panel_add_judge"),
    path("panels/<int:panel_id>/invite/", views.panel_invite, name="panel_invite"),
    path("panels/<int:panel_id>/<str:step>/", views.panel_step, name="panel_step"),
    path("panels/invitations/<str:token>/", views.invitation_respond, name="invitation_respond"),
    path("judging/", views.judging, name="judging"),
    path("judging/proposals/<int:pk>/", views.judging_proposal, name="judging_proposal"),
]
