"""Mounted under organizations/ (before the directory, whose patterns take one segment)."""

from django.urls import path

from hamafza.matching import views

app_name = "matching"
urlpatterns = [
    path("to-invite/<int:pk>/", views.call_matches, name="call_matches"),
    path("to-invite/<int:pk>/invite/", views.call_invite, name="call_invite"),
    path("<str:slug>/calls-for-you/", views.calls_for_you, name="calls_for_you"),
]
