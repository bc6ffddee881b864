from django.urls import path

from transcripts import views

app_name = "transcripts"

urlpatterns = [
    path("", views.transcript_list, name="list"),
    path("<int:pk>/", views.transcript_detail, name="detail"),
    path("<int:pk>/audio/", views.transcript_audio, name="audio"),
]
