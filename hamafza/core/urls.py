from django.urls import path

from hamafza.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/", views.my_workspace, name="workspace"),
    path("cities/", views.city_list, name="city_list"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("c/<slug:city_slug>/", views.city_detail, name="city_detail"),
]
