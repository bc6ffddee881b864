from django.urls import include, path, re_path

from api import pages
from api.views import codings, dashboards, docs, meta, results, transcripts
from api.views.base import login_optional, unknown_path

app_name = "api"


def _api(view_class: type) -> object:
    return login_optional(view_class.as_view())


v1 = [
    path("me/", _api(meta.Me), name="me"),
    path("schemes/", _api(meta.Schemes), name="schemes"),
    path("transcripts/", _api(transcripts.TranscriptCollection), name="transcripts"),
    path("transcripts/files/", _api(transcripts.TranscriptFiles), name="transcript_files"),
    path(
        "transcripts/recordings/",
        _api(transcripts.TranscriptRecordings),
        name="transcript_recordings",
    ),
    path("transcripts/<int:pk>/", _api(transcripts.TranscriptDetail), name="transcript"),
    path("transcripts/<int:pk>/audio/", _api(transcripts.TranscriptAudio), name="transcript_audio"),
    path(
        "transcripts/<int:pk>/transcript/",
        _api(transcripts.TranscriptAttach),
        name="transcript_attach",
    ),
    path("codings/", _api(codings.CodingCollection), name="codings"),
    path("codings/<int:pk>/", _api(codings.CodingDetail), name="coding"),
    path("scores/", _api(results.Scores), name="scores"),
    path("codes/", _api(results.Codes), name="codes"),
    path("reliability/", _api(results.Reliability), name="reliability"),
    path("practitioners/", _api(dashboards.PractitionerCollection), name="practitioners"),
    path(
        "practitioners/<int:pk>/dashboard/",
        _api(dashboards.PractitionerDashboard),
        name="practitioner_dashboard",
    ),
    path("fidelity/", _api(dashboards.Fidelity), name="fidelity"),
    path("schema/", _api(docs.SchemaView), name="schema"),
    path("docs/", _api(docs.DocsView), name="docs"),
    re_path(r"^(?P<path>.*)$", login_optional(unknown_path), name="unknown"),
]

urlpatterns = [
    path("tokens/", pages.tokens_page, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke_page, name="token_revoke"),
    path("v1/", include(v1)),
]
