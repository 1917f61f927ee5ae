from django.urls import path

from hamafza.insights import views

app_name = "insights"
city = "c/<slug:city_slug>/"
urlpatterns = [
    path("insights/", views.national_dashboard, name="national_dashboard"),
    path(city + "insights/", views.city_dashboard, name="city_dashboard"),
    path(city + "summary/", views.city_summary, name="city_summary"),
]
