from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.account_views import invitation_open
from accounts.signin import admin_login
from dashboards.views import home
from mi_coding.observability import metrics
from mi_coding.views import healthz

# The admin signs in through the site's own page: the same throttle and second factor.
admin.site.login = admin_login

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for it on every page that names none (the Django admin's).
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg")),
    ),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include("accounts.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", invitation_open, name="invitation"),
    path("agency/", include("accounts.urls")),
    path("transcripts/", include("transcripts.urls")),
    path("codings/", include("coding.urls")),
    path("workflow/", include("workflow.urls")),
    path("reliability/", include("reliability.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("data/", include("exchange.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
