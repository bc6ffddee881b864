from django.urls import path

from suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestions_index, name="index"),
    path("coders/", views.coder_report, name="coders"),
    path("<int:pk>/", views.suggester_detail, name="detail"),
    path("<int:pk>/status/", views.suggester_status, name="status"),
    path("codings/<int:pk>/", views.coding_suggestions_view, name="coding"),
    path("codings/<int:pk>/accept/", views.coding_accept_view, name="accept"),
    path("transcripts/<int:pk>/estimate/", views.machine_estimate_view, name="estimate"),
]
