from django.urls import path

from hamafza.programs import views

app_name = "programs"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("c/<slug:city_slug>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/agenda/", views.event_agenda, name="event_agenda"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("events/<int:pk>/manage/", views.event_manage, name="event_manage"),
    path("events/<int:pk>/transition/", views.event_transition, name="event_transition"),
    path("events/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("events/<int:pk>/questions/", views.question_add, name="question_add"),
    path("events/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("events/<int:pk>/pitches/", views.pitch_apply, name="pitch_apply"),
    path("events/<int:pk>/pitches/<int:pitch_id>/decide/", views.pitch_decide, name="pitch_decide"),
    path("events/<int:pk>/pitches/<int:pitch_id>/invite/", views.pitch_invite, name="pitch_invite"),
    path("events/<int:pk>/pitches/publish/", views.pitch_results_publish, name="pitch_results_publish"),
    path("events/<int:pk>/jury/", views.jury_setup, name="jury_setup"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/mine/", views.my_programs, name="mine"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/demo-day/", views.cohort_demo_day_create, name="cohort_demo_day_create"),
    path("cohorts/<int:pk>/demo-day/choose/", views.cohort_demo_day_choose, name="cohort_demo_day_choose"),
    path("cohorts/<int:pk>/apply/", views.cohort_apply, name="cohort_apply"),
    path("programs/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("programs/applications/<int:pk>/transition/", views.application_transition, name="application_transition"),
    path("programs/applications/<int:pk>/mentors/", views.mentor_assign, name="mentor_assign"),
    path("programs/applications/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "programs/applications/<int:pk>/milestones/<int:milestone_id>/sign-off/",
        views.milestone_sign_off,
        name="milestone_sign_off",
    ),
    path("programs/applications/<int:pk>/organization/", views.register_organization, name="register_organization"),
]
