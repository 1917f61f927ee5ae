from django.urls import path

from hamafza.spaces import views

app_name = "spaces"
urlpatterns = [
    path("spaces/", views.space_list, name="space_list"),
    path("c/<slug:city_slug>/spaces/", views.space_list, name="city_space_list"),
    path("c/<slug:city_slug>/spaces/new/", views.space_create, name="space_create"),
    path("spaces/<slug:slug>/", views.space_detail, name="space_detail"),
    path("spaces/<slug:slug>/edit/", views.space_edit, name="space_edit"),
    path("spaces/<slug:slug>/resources/new/", views.resource_create, name="resource_create"),
    path("spaces/<slug:slug>/resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path(
        "spaces/<slug:slug>/resources/<int:resource_id>/deactivate/",
        views.resource_deactivate,
        name="resource_deactivate",
    ),
    path("spaces/<slug:slug>/<int:resource_id>/day/", views.resource_day, name="resource_day"),
    path("spaces/<slug:slug>/<int:resource_id>/week/", views.resource_week, name="resource_week"),
    path("spaces/<slug:slug>/<int:resource_id>/book/", views.resource_book, name="resource_book"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/booking.ics", views.booking_ics, name="booking_ics"),
]
