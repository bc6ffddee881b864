"""The published OpenAPI schema and its documentation page, served with no token and no
internet (Swagger UI from drf-spectacular-sidecar, its start-up script served as a file so
that a Content-Security-Policy without inline script allows it)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views.base import NoStoreMixin


class SchemaView(NoStoreMixin, SpectacularAPIView):
    pass


class DocsView(NoStoreMixin, SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
