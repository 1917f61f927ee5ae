from django.urls import path

from hamafza.insights import views

app_name = "insights"
city = "c/<slug:city_slug>/"
urlpatterns = [
    path("insights/", views.national_dashboard, name="national_dashboard"),
    path(city + "insights/", views.city_dashboard, name="city_dashboard"),
    path(city + "summary/", views.city_summary, name="city_summary"),
    path(city + "summary/<slug:register>/", views.city_register, name="city_register"),
    path(city + "open-data/ocds.json", views.ocds_package, name="ocds"),
    path(city + "calendar.ics", views.city_calendar, name="city_calendar"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.personal_calendar, name="personal_calendar"),
]
