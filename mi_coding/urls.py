from django.contrib import admin
from django.urls import include, path

from dashboards.views import home
from mi_coding.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("agency/", include("accounts.urls")),
    path("transcripts/", include("transcripts.urls")),
    path("codings/", include("coding.urls")),
    path("workflow/", include("workflow.urls")),
    path("reliability/", include("reliability.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("data/", include("exchange.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
