from django.urls import path

from hamafza.challenges import views

app_name = "challenges"
city = "c/<slug:city_slug>/"
urlpatterns = [
    # Public side
    path("challenges/", views.call_list, name="call_list"),
    path("challenges/<int:pk>/", views.call_detail, name="call_detail"),
    path("challenges/<int:pk>/results/", views.call_results, name="call_results"),
    path("challenges/<int:pk>/follow/", views.call_follow, name="call_follow"),
    path("challenges/<int:pk>/ask/", views.question_ask, name="question_ask"),
    path("report-problem/", views.report_problem, name="report_problem"),
    path("report-problem/autosave/", views.report_autosave, name="report_autosave"),
    path("report-problem/mine/", views.my_reports, name="my_reports"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    # Intake and triage in a city
    path(city + "needs/", views.need_list, name="need_list"),
    path(city + "needs/new/", views.need_form, name="need_new"),
    path(city + "needs/autosave/", views.need_autosave, name="need_autosave"),
    path(city + "needs/<int:pk>/", views.need_detail, name="need_detail"),
    path(city + "needs/<int:pk>/edit/", views.need_form, name="need_edit"),
    path(
        city + "needs/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"
    ),
    path(city + "needs/<int:pk>/<str:action>/", views.need_triage, name="need_triage"),
    path(city + "triage/", views.triage_inbox, name="triage_inbox"),
    # Calls of a city: problem definition and publication
    path(city + "calls/", views.city_calls, name="city_calls"),
    path(city + "calls/<int:pk>/", views.call_manage, name="call_manage"),
    path(city + "calls/<int:pk>/canvas/", views.canvas_edit, name="canvas_edit"),
    path(city + "calls/<int:pk>/canvas/completeness/", views.canvas_completeness_preview, name="canvas_completeness"),
    path(city + "calls/<int:pk>/canvas/history/", views.canvas_history, name="canvas_history"),
    path(city + "calls/<int:pk>/canvas/comments/", views.canvas_comment, name="canvas_comment"),
    path(city + "calls/<int:pk>/settings/", views.call_settings, name="call_settings"),
    path(city + "calls/<int:pk>/transition/", views.call_transition, name="call_transition"),
    path(city + "calls/<int:pk>/facilitators/", views.call_facilitators, name="call_facilitators"),
    path(city + "calls/<int:pk>/questions/<int:question_pk>/answer/", views.question_answer, name="question_answer"),
]
