from django.urls import path

from reliability import views

app_name = "reliability"

urlpatterns = [
    path("", views.reliability_index, name="index"),
]
