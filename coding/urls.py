from django.urls import path

from coding import api, scheme_views, views

app_name = "coding"

urlpatterns = [
    path("<int:pk>/", views.coding_workspace, name="workspace"),
    path("<int:pk>/feedback/", views.coding_feedback, name="feedback"),
    path("<int:pk>/submit/", views.coding_submit_view, name="submit"),
    path("<int:pk>/reopen/", views.coding_reopen_view, name="reopen"),
    path("start/<int:transcript_pk>/", views.coding_start_view, name="start"),
    path("<int:pk>/api/code/", api.code_change, name="api_code"),
    path("<int:pk>/api/note/", api.note_change, name="api_note"),
    path("<int:pk>/api/notes/", api.notes_change, name="api_notes"),
    path("<int:pk>/api/global/", api.global_change, name="api_global"),
    path("<int:pk>/api/tally/", api.tally, name="api_tally"),
    path("<int:pk>/api/volley/", api.volley_change, name="api_volley"),
    path("<int:pk>/api/volley-code/", api.volley_code_change, name="api_volley_code"),
    path("<int:pk>/api/volley-note/", api.volley_note_change, name="api_volley_note"),
    path("schemes/", scheme_views.scheme_list, name="schemes"),
    path("schemes/<str:slug>/", scheme_views.scheme_detail, name="scheme"),
    path("schemes/<str:slug>/thresholds/", scheme_views.scheme_thresholds, name="thresholds"),
]
