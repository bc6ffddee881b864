from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.agency_audit, name="audit"),
    path("export/<str:fmt>/", views.audit_export, name="audit_export"),
    path("practitioners/<int:pk>/", views.practitioner_dashboard, name="practitioner"),
    path("mine/", views.my_dashboard, name="mine"),
]
