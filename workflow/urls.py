from django.urls import path

from workflow import views

app_name = "workflow"

urlpatterns = [
    path("queue/", views.coder_queue, name="queue"),
    path("assignments/", views.assignment_overview, name="overview"),
]
