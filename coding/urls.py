from django.urls import path

from coding import views

app_name = "coding"

urlpatterns = [
    path("<int:pk>/", views.coding_workspace, name="workspace"),
    path("<int:pk>/feedback/", views.coding_feedback, name="feedback"),
]
