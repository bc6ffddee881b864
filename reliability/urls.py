from django.urls import path, re_path

from reliability import views

app_name = "reliability"

urlpatterns = [
    path("", views.reliability_index, name="index"),
    re_path(r"^download/(?P<fmt>csv|json)/$", views.reliability_download, name="download"),
    path("cell/", views.reliability_cell, name="cell"),
]
