from django.urls import path

from hamafza.consortia import views

app_name = "consortia"
urlpatterns = [
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/", views.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/roles/new/", views.role_edit, {"kind": "mission"}, name="mission_role_add"),
    path("missions/<int:pk>/roles/<int:role_id>/", views.role_edit, {"kind": "mission"}, name="mission_role_edit"),
    path(
        "missions/<int:pk>/roles/<int:role_id>/delete/",
        views.role_delete,
        {"kind": "mission"},
        name="mission_role_delete",
    ),
    path("missions/<int:pk>/propose/", views.propose, {"kind": "mission"}, name="mission_propose"),
    path("calls/<int:call_id>/consortia/", views.call_consortia, name="call_consortia"),
    path("calls/<int:pk>/consortia/roles/new/", views.role_edit, {"kind": "call"}, name="call_role_add"),
    path("calls/<int:pk>/consortia/roles/<int:role_id>/", views.role_edit, {"kind": "call"}, name="call_role_edit"),
    path(
        "calls/<int:pk>/consortia/roles/<int:role_id>/delete/",
        views.role_delete,
        {"kind": "call"},
        name="call_role_delete",
    ),
    path("calls/<int:pk>/consortia/propose/", views.propose, {"kind": "call"}, name="call_propose"),
    path("consortia/", views.my_consortia, name="my_consortia"),
    path("consortia/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("consortia/runs/<int:pk>/form/", views.consortium_form, name="consortium_form"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium_detail"),
    path("consortia/<int:pk>/invite/", views.consortium_invite, name="consortium_invite"),
    path("consortia/<int:pk>/apply/", views.consortium_apply, name="consortium_apply"),
    path("consortia/invitations/<int:pk>/respond/", views.invitation_respond, name="invitation_respond"),
    path("consortia/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
]
