from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.exchange_index, name="index"),
    path("scores/", views.export_scores, name="scores"),
    path("utterance-codes/", views.export_codes, name="codes"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:token>/", views.import_map, name="import_map"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:token>/cancel/", views.import_cancel, name="import_cancel"),
]
