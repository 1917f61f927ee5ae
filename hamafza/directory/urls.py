from django.urls import path

from hamafza.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("<str:slug>/", views.organization_detail, name="organization_detail"),
    path("<str:slug>/edit/", views.organization_edit, name="organization_edit"),
    path("<str:slug>/verify/", views.organization_verify, name="organization_verify"),
]
