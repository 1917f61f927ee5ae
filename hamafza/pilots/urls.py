from django.urls import path

from hamafza.pilots import views

app_name = "pilots"
urlpatterns = [
    path("pilots/", views.pilot_list, name="pilot_list"),
    path("pilots/start/<int:proposal_id>/", views.pilot_start, name="pilot_start"),
    path("pilots/<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("pilots/<int:pk>/summary/", views.pilot_summary, name="pilot_summary"),
    path("pilots/<int:pk>/plan/", views.pilot_plan, name="pilot_plan"),
    path("pilots/<int:pk>/kpis/new/", views.kpi_edit, name="kpi_add"),
    path("pilots/<int:pk>/kpis/<int:kpi_id>/", views.kpi_edit, name="kpi_edit"),
    path("pilots/<int:pk>/kpis/<int:kpi_id>/measurements/", views.measurement_add, name="measurement_add"),
    path("pilots/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("pilots/<int:pk>/milestones/<int:milestone_id>/submit/", views.milestone_submit, name="milestone_submit"),
    path("pilots/<int:pk>/milestones/<int:milestone_id>/review/", views.milestone_review, name="milestone_review"),
    path("pilots/<int:pk>/payments/", views.payment_save, name="payment_add"),
    path("pilots/<int:pk>/payments/<int:payment_id>/", views.payment_save, name="payment_edit"),
    path("pilots/<int:pk>/files/", views.file_upload, name="file_upload"),
    path("pilots/files/<int:file_id>/", views.file_download, name="file_download"),
    path("pilots/<int:pk>/log/", views.log_add, name="log_add"),
    path("pilots/<int:pk>/log/<int:entry_id>/close/", views.log_close, name="log_close"),
    path("pilots/<int:pk>/report/", views.final_report, name="final_report"),
    path("pilots/<int:pk>/report/approve/", views.final_report_approve, name="final_report_approve"),
    path("pilots/<int:pk>/transition/", views.pilot_transition, name="pilot_transition"),
    path("pilots/<int:pk>/scale-up/", views.pilot_scale_up, name="pilot_scale_up"),
    path("c/<slug:city_slug>/agreements/", views.agreement_register, name="agreement_register"),
    path("c/<slug:city_slug>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/parties/", views.agreement_party_add, name="agreement_party_add"),
    path(
        "agreements/<int:pk>/parties/<int:party_id>/remove/",
        views.agreement_party_remove,
        name="agreement_party_remove",
    ),
    path("agreements/<int:pk>/obligations/", views.obligation_add, name="obligation_add"),
    path(
        "agreements/<int:pk>/obligations/<int:obligation_id>/status/",
        views.obligation_status,
        name="obligation_status",
    ),
    path("agreements/<int:pk>/milestones/", views.agreement_milestone_add, name="agreement_milestone_add"),
    path(
        "agreements/<int:pk>/milestones/<int:milestone_id>/done/",
        views.agreement_milestone_done,
        name="agreement_milestone_done",
    ),
    path("agreements/<int:pk>/documents/", views.agreement_document_upload, name="agreement_document_upload"),
    path("agreements/documents/<int:document_id>/", views.agreement_document_download, name="document_download"),
    path("agreements/<int:pk>/transition/", views.agreement_transition, name="agreement_transition"),
]
urlpatterns += [
    path(
        f"c/<slug:city_slug>/export/{what}.{fmt}",
        views.city_export,
        {"what": what, "fmt": fmt},
        name=f"export_{what}_{fmt}",
    )
    for what in ("pilots", "agreements")
    for fmt in ("csv", "xlsx")
]
