from django.urls import path

from transcripts.views import browse, manage, upload

app_name = "transcripts"

urlpatterns = [
    path("", browse.transcript_list, name="list"),
    path("upload/", upload.transcript_upload, name="upload"),
    path("upload/recordings/", upload.recordings_upload, name="upload_recordings"),
    path("upload/<str:token>/", upload.transcript_preview, name="preview"),
    path(
        "upload/<str:token>/columns/<int:index>/",
        upload.transcript_preview_columns,
        name="preview_columns",
    ),
    path("<int:pk>/", browse.transcript_detail, name="detail"),
    path("<int:pk>/audio/", browse.transcript_audio, name="audio"),
    path("<int:pk>/audio/upload/", manage.transcript_audio_upload, name="audio_upload"),
    path("<int:pk>/audio/remove/", manage.transcript_audio_remove, name="audio_remove"),
    path("<int:pk>/attach/", upload.transcript_attach_upload, name="attach"),
    path("<int:pk>/edit/", manage.transcript_edit, name="edit"),
    path("<int:pk>/speakers/", manage.transcript_speakers, name="speakers"),
    path("<int:pk>/segment/", manage.transcript_segment, name="segment"),
    path("<int:pk>/utterances/<int:utterance_pk>/", manage.utterance_edit, name="utterance"),
    path("<int:pk>/delete/", manage.transcript_delete_view, name="delete"),
]
